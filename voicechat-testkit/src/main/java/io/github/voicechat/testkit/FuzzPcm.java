package io.github.voicechat.testkit;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import io.github.voicechat.spi.VoiceActivityDetector;

/**
 * Audio from a fuzzer's bytes, for the fuzz tests of the engine adapters (see benchmarks/FUZZING.md): PCM as a microphone
 * gives it, or anything a float can hold (NaN, infinities, 1e38), and frame lengths that are mostly right and
 * sometimes off by one, empty or doubled. Needs {@code com.code-intelligence:jazzer-api} (an optional dependency of
 * the test kit; {@code jazzer-junit} brings it).
 */
public final class FuzzPcm {

    private FuzzPcm() {
    }

    /**
     * {@return {@code n} samples (none when {@code n <= 0})}
     *
     * @param data the fuzzer's bytes
     * @param n    how many samples
     */
    public static float[] samples(FuzzedDataProvider data, int n) {
        float[] s = new float[Math.max(0, n)];
        int kind = data.consumeInt(0, 3);
        float constant = data.consumeFloat();
        for (int i = 0; i < s.length; i++) {
            s[i] = switch (kind) {
                case 0 -> data.consumeShort() / 32768f;
                case 1 -> data.consumeRegularFloat(-2f, 2f);
                case 2 -> data.consumeFloat();
                default -> constant;
            };
        }
        return s;
    }

    /**
     * {@return mostly {@code frame}; sometimes one off, doubled, halved, or anything from -1 to four frames and one}
     *
     * @param data  the fuzzer's bytes
     * @param frame the engine's frame length, in samples
     */
    public static int length(FuzzedDataProvider data, int frame) {
        return switch (data.consumeInt(0, 8)) {
            case 0 -> frame - 1;
            case 1 -> frame + 1;
            case 2 -> 2 * frame;
            case 3 -> frame / 2;
            case 4 -> data.consumeInt(-1, 4 * frame + 1);
            default -> frame;
        };
    }

    /**
     * Drives a voice activity detector with the fuzzer's calls, then closes it: up to {@code maxCalls} calls, each a
     * reset (1 in {@code choices}), a close (1 in {@code choices}, so later calls are use after close) or a
     * {@code speechProbability} on a frame of {@link #length fuzzed length} at an offset from -2 to 3, in an array
     * sometimes one sample short. What must hold: the only exceptions are {@link IllegalArgumentException} (bad
     * input) and {@link IllegalStateException} (closed), and every probability is a number in [0, 1].
     *
     * @param data     the fuzzer's bytes
     * @param vad      the detector, closed on return
     * @param maxCalls the most calls, at least 1
     * @param choices  one reset and one close in this many calls, at least 3
     * @throws AssertionError naming a probability outside [0, 1]
     */
    public static void driveVad(FuzzedDataProvider data, VoiceActivityDetector vad, int maxCalls, int choices) {
        int frame = vad.frameSamples();
        try {
            int calls = data.consumeInt(1, maxCalls);
            for (int i = 0; i < calls && data.remainingBytes() > 0; i++) {
                switch (data.consumeInt(0, choices - 1)) {
                    case 0 -> {
                        try {
                            vad.reset();
                        } catch (IllegalStateException closed) {
                            // reset after close refused in Java: all that must hold
                        }
                    }
                    case 1 -> vad.close();
                    default -> {
                        int length = length(data, frame);
                        int offset = data.consumeInt(-2, 3);
                        float[] samples = samples(data, Math.max(0, offset) + Math.max(0, length)
                                - data.consumeInt(0, 1));
                        float p;
                        try {
                            p = vad.speechProbability(samples, offset, length);
                        } catch (IllegalArgumentException | IllegalStateException refused) {
                            continue;
                        }
                        if (!(p >= 0f && p <= 1f)) {
                            throw new AssertionError("speech probability " + p + " outside [0, 1]");
                        }
                    }
                }
            }
        } finally {
            vad.close();
        }
    }
}
