package io.github.voicechat.piper;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.voicechat.onnx.OnnxDevice;
import io.github.voicechat.spi.EngineOptions;
import io.github.voicechat.spi.SynthesisSink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Arbitrary text (control characters, lone surrogates, NULs, scripts espeak-ng has no rules for, very long words)
 * and fuzzed per-synthesizer options into the Piper adapter: libespeak-ng phonemises it natively, ONNX Runtime runs
 * {@link TinyPiperModel}, a network with Piper's interface whose audio spells out the ids it got.
 *
 * <p>What must hold: options are refused with an {@link IllegalArgumentException} or accepted; any text
 * synthesises without an exception (espeak-ng or ONNX Runtime crashing ends the fuzzing JVM, which is the finding);
 * the audio is finite within [-1, 1] in pieces of at most 2048 samples; text marks never go back, stay within the
 * text, and the last one reaches its end unless the sink cancelled. Regression inputs: {@code PiperFuzzTestInputs/};
 * fuzzing: benchmarks/FUZZING.md.
 */
class PiperFuzzTest {

    private static Path dir;
    private static PiperVoice single;
    private static PiperVoice multi;

    @BeforeAll
    static void loadVoices() throws IOException {
        RequireEspeak.require();
        dir = Files.createTempDirectory("piper-fuzz");
        Path one = TinyPiperModel.write(dir, "single", false, 22_050);
        Path two = TinyPiperModel.write(dir, "multi", true, 16_000);
        single = PiperVoice.load(one, dir.resolve("single.onnx.json"), OnnxDevice.CPU, 1);
        multi = PiperVoice.load(two, dir.resolve("multi.onnx.json"), OnnxDevice.CPU, 1);
    }

    @AfterAll
    static void closeVoices() throws IOException {
        if (single != null) {
            single.close();
            multi.close();
        }
        if (dir != null) {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }

    @FuzzTest(maxDuration = "10m")
    void anyTextSynthesisesCleanly(FuzzedDataProvider data) {
        PiperVoice voice = data.consumeBoolean() ? single : multi;
        Map<String, String> options = new LinkedHashMap<>();
        int n = data.consumeInt(0, 3);
        for (int i = 0; i < n; i++) {
            String key = data.pickValue(new String[] {"length_scale", "noise_scale", "noise_w", "speaker",
                "normalize", "volume", "sentence_silence_ms", "output_rate_hz"});
            options.put(key, data.consumeString(12));
        }
        PiperSynthesizer tts;
        try {
            tts = PiperSynthesizer.create(voice, EngineOptions.of(options));
        } catch (IllegalArgumentException refused) {
            return;
        }
        int cancelAfterPieces = data.consumeBoolean() ? data.consumeInt(0, 20) : Integer.MAX_VALUE;
        String text = data.consumeRemainingAsString();
        Checked sink = new Checked(text, cancelAfterPieces);
        try (tts) {
            tts.synthesize(text, sink);
        }
        if (!sink.cancelled && sink.lastMark != text.length()) {
            throw new AssertionError("the last mark is " + sink.lastMark + ", not the end of the text ("
                    + text.length() + ")");
        }
    }

    /** Checks audio and marks as they come. */
    private static final class Checked implements SynthesisSink {
        private final String text;
        private final int cancelAfterPieces;
        private int pieces;
        private int lastMark;
        private boolean cancelled;

        Checked(String text, int cancelAfterPieces) {
            this.text = text;
            this.cancelAfterPieces = cancelAfterPieces;
        }

        @Override
        public boolean audio(float[] samples, int offset, int length) {
            if (length < 0 || length > 2048 || offset < 0 || offset + length > samples.length) {
                throw new AssertionError("piece [" + offset + ", +" + length + ") of " + samples.length);
            }
            for (int i = offset; i < offset + length; i++) {
                if (!(samples[i] >= -1f && samples[i] <= 1f)) {
                    throw new AssertionError("sample " + samples[i] + " outside [-1, 1]");
                }
            }
            if (++pieces >= cancelAfterPieces) {
                cancelled = true;
                return false;
            }
            return true;
        }

        @Override
        public void textMark(int endChar) {
            if (endChar < lastMark || endChar > text.length()) {
                throw new AssertionError("mark " + endChar + " after " + lastMark + " in a text of " + text.length());
            }
            lastMark = endChar;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }
    }
}
