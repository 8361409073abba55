package io.github.voicechat.silero;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.voicechat.testkit.FuzzPcm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Arbitrary rates, chunk lengths, offsets and samples (NaN, infinities, huge values) into Silero VAD on ONNX Runtime,
 * with resets and use after close, on both bundled networks.
 *
 * <p>What must hold: the only exceptions are {@link IllegalArgumentException} (bad input) and
 * {@link IllegalStateException} (closed); every probability is a number in [0, 1], whatever finite audio goes in
 * (a NaN here would read as silence to the turn logic forever after, since the state carries it). The networks are
 * loaded once; each input gets fresh detectors on them. Regression inputs: {@code SileroFuzzTestInputs/}; fuzzing:
 * benchmarks/FUZZING.md.
 */
class SileroFuzzTest {

    private static final int[] RATES = {16_000, 8_000, 16_000, 8_000, 48_000, 0, -8_000, 16_001};

    private static SileroVadModel v5;
    private static SileroVadModel v6;

    @BeforeAll
    static void load() {
        v5 = SileroVadModel.load(SileroVadModel.Version.V5);
        v6 = SileroVadModel.load(SileroVadModel.Version.V6);
    }

    @AfterAll
    static void close() {
        v5.close();
        v6.close();
    }

    @FuzzTest(maxDuration = "10m")
    void probabilitiesOrClearRefusals(FuzzedDataProvider data) {
        SileroVad vad;
        try {
            vad = (data.consumeBoolean() ? v6 : v5).newDetector(data.pickValue(RATES));
        } catch (IllegalArgumentException refused) {
            return;
        }
        int chunk = vad.frameSamples();
        try {
            int calls = data.consumeInt(1, 8);
            for (int i = 0; i < calls && data.remainingBytes() > 0; i++) {
                switch (data.consumeInt(0, 11)) {
                    case 0 -> vad.reset();
                    case 1 -> vad.close();
                    default -> {
                        int length = FuzzPcm.length(data, chunk);
                        int offset = data.consumeInt(-2, 3);
                        float[] samples = FuzzPcm.samples(data, Math.max(0, offset) + Math.max(0, length)
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
