package io.github.voicechat.examples;

import io.github.voicechat.audio.AudioData;
import io.github.voicechat.audio.WavReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/** A WAV file given to a command: checked, read whole, its oddities printed as warnings, never silently empty. */
final class InputAudio {

    private InputAudio() {
    }

    /**
     * Reads {@code path}, printing each of the reader's warnings on {@code err}.
     *
     * @throws CliException (usage) naming the file when it is missing, a directory, not a WAV we read, or holds no
     *                      audio at all
     */
    static AudioData read(Path path, PrintStream err) {
        CliFiles.requireInput(path);
        AudioData audio;
        try (WavReader r = WavReader.open(path)) {
            audio = r.readAll();
            r.warnings().forEach(w -> err.println("warning: " + w));
        } catch (IOException e) {
            throw CliException.usage(CliFiles.describe(e));
        }
        if (audio.lengthSamples() == 0) {
            throw CliException.usage(path + ": holds no audio (its data chunk is empty)");
        }
        return audio;
    }

    /** Checks the header only (for a file that is streamed later), printing the reader's warnings. */
    static void probe(Path path, PrintStream err) {
        CliFiles.requireInput(path);
        try (WavReader r = WavReader.open(path)) {
            if (r.lengthSamples() == 0) {
                throw CliException.usage(path + ": holds no audio (its data chunk is empty)");
            }
            r.warnings().forEach(w -> err.println("warning: " + w));
        } catch (IOException e) {
            throw CliException.usage(CliFiles.describe(e));
        }
    }
}
