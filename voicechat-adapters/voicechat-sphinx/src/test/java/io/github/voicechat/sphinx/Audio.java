package io.github.voicechat.sphinx;

import io.github.voicechat.audio.AudioData;
import io.github.voicechat.audio.WavReader;
import io.github.voicechat.spi.SpeechRecognizer;
import io.github.voicechat.spi.Transcript;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** Test helpers: read a clip, feed it as the pipeline would (20 ms frames), get the transcript. */
final class Audio {
    static final int FRAME = 320;

    private Audio() {
    }

    static float[] read(Path wav) {
        try {
            AudioData a = WavReader.read(wav);
            if (a.sampleRateHz() != 16_000) {
                throw new IllegalStateException(wav + " is " + a.sampleRateHz() + " Hz, expected 16000");
            }
            return a.mono();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void feed(SpeechRecognizer r, float[] samples) {
        for (int i = 0; i < samples.length; i += FRAME) {
            r.accept(samples, i, Math.min(FRAME, samples.length - i));
        }
    }

    static Transcript transcribe(SpeechRecognizer r, float[] samples) {
        feed(r, samples);
        return r.finish();
    }
}
