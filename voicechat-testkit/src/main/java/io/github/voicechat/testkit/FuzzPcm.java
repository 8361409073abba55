package io.github.voicechat.testkit;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;

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
}
