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
        FuzzPcm.driveVad(data, vad, 8, 12);
    }
}
