package io.github.voicechat.audio;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link WavReader} on arbitrary bytes, from a file (length known) and from a stream (length unknown).
 *
 * <p>What must hold for every input: the only exception is a {@link WavFormatException} naming the source; a file
 * that opens yields exactly the samples its header promises; reading in odd-sized pieces gives the same mono audio
 * as reading it whole; PCM16 decodes into [-1, 1). Regression inputs: {@code WavReaderFuzzTestInputs/} (replayed by
 * every build); fuzzing: benchmarks/FUZZING.md.
 */
class WavReaderFuzzTest {

    /** Stream reads stop here: a fuzzer's input is small, so more than this means a reader that never ends. */
    private static final int MAX_SAMPLES = 1 << 22;

    private static Path dir;
    private static Path file;

    @BeforeAll
    static void createFile() throws IOException {
        dir = Files.createTempDirectory("wav-fuzz");
        file = dir.resolve("input.wav");
    }

    @AfterAll
    static void deleteFile() throws IOException {
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
    }

    @FuzzTest(maxDuration = "10m")
    void readsOrRefusesClearly(byte[] wav) throws IOException {
        Files.write(file, wav);
        AudioData fromFile = readFile();
        AudioData fromStream = readStream(wav);
        if (fromFile != null && fromStream != null) {
            // A file both can read is the same audio either way (a stream may read past a size of 0, a file not).
            int n = Math.min(fromFile.lengthSamples(), fromStream.lengthSamples());
            assertThat(fromStream.format()).isEqualTo(fromFile.format());
            for (int c = 0; c < fromFile.format().channels(); c++) {
                same(fromFile.channels()[c], 0, fromStream.channels()[c], 0, n);
            }
        }
    }

    private AudioData readFile() throws IOException {
        AudioData all;
        long promised;
        try (WavReader r = WavReader.open(file)) {
            promised = r.lengthSamples();
            all = r.readAll();
        } catch (WavFormatException e) {
            assertThat(e.getMessage()).startsWith(file.toString() + ": ");
            return null;
        }
        if (promised >= 0) {
            assertThat((long) all.lengthSamples()).isEqualTo(promised);
        }
        checkSamples(all);
        // Piecewise mono reads give what the whole read gives, downmixed.
        float[] mono = all.mono();
        try (WavReader r = WavReader.open(file)) {
            float[] piece = new float[97];
            int at = 0;
            int n;
            while ((n = r.readMono(piece, 3, 94)) >= 0) {
                assertThat(n).isBetween(0, 94);
                same(mono, at, piece, 3, n);
                at += n;
                assertThat(at).isLessThanOrEqualTo(mono.length);
            }
            assertThat(at).isEqualTo(mono.length);
        }
        return all;
    }

    private static AudioData readStream(byte[] wav) {
        try (WavReader r = WavReader.open(new ByteArrayInputStream(wav), "stream")) {
            AudioData all = r.readAll();
            assertThat(all.lengthSamples()).isLessThanOrEqualTo(MAX_SAMPLES);
            checkSamples(all);
            return all;
        } catch (WavFormatException e) {
            assertThat(e.getMessage()).startsWith("stream: ");
            return null;
        } catch (IOException e) {
            throw new AssertionError("only WavFormatException may come from a byte array", e);
        }
    }

    private static void checkSamples(AudioData all) {
        if (all.format().encoding() == SampleEncoding.PCM16) {
            for (float[] ch : all.channels()) {
                for (int i = 0; i < ch.length; i++) {
                    if (!(ch[i] >= -1f && ch[i] <= 32767f / 32768f)) {
                        throw new AssertionError("PCM16 sample " + i + " decoded to " + ch[i]);
                    }
                }
            }
        }
    }

    /** Bit-identical samples (NaN of a float file included). */
    private static void same(float[] expected, int from, float[] actual, int at, int n) {
        for (int i = 0; i < n; i++) {
            if (Float.floatToIntBits(expected[from + i]) != Float.floatToIntBits(actual[at + i])) {
                throw new AssertionError("sample " + (from + i) + ": expected " + expected[from + i] + ", read "
                        + actual[at + i]);
            }
        }
    }
}
