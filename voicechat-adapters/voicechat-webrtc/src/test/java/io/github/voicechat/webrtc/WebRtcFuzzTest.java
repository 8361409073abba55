package io.github.voicechat.webrtc;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.voicechat.testkit.FuzzPcm;
import org.junit.jupiter.api.BeforeAll;

/**
 * Arbitrary rates, settings, frame lengths, offsets and samples (NaN, infinities, huge values) into the WebRTC VAD
 * and echo canceller, with resets and use after close.
 *
 * <p>webrtc-java aborts the whole JVM on a frame it does not expect, so what must hold is that the adapter refuses
 * every such call in Java: the only exceptions are {@link IllegalArgumentException} (bad input) and
 * {@link IllegalStateException} (closed), probabilities stay in [0, 1], cleaned audio stays finite in [-1, 1]. A
 * crash inside webrtc ends the fuzzing JVM, which is the finding. Regression inputs: {@code WebRtcFuzzTestInputs/};
 * fuzzing: benchmarks/FUZZING.md.
 */
class WebRtcFuzzTest {

    private static final int[] RATES = {16_000, 8_000, 32_000, 48_000, 44_100, 22_050, 16_001, 0, -16_000, 96_000};

    @BeforeAll
    static void requireNative() {
        RequireWebRtcNative.require();
    }

    @FuzzTest(maxDuration = "10m")
    void refusesInJavaWhatWebRtcWouldAbortOn(FuzzedDataProvider data) {
        int rate = data.pickValue(RATES);
        if (data.consumeBoolean()) {
            vad(data, rate);
        } else {
            echoCanceller(data, rate);
        }
    }

    private static void vad(FuzzedDataProvider data, int rate) {
        WebRtcVad vad;
        try {
            vad = new WebRtcVad(rate, data.consumeInt(-1, 4));
        } catch (IllegalArgumentException refused) {
            return;
        }
        int frame = vad.frameSamples();
        try {
            int calls = data.consumeInt(1, 12);
            for (int i = 0; i < calls && data.remainingBytes() > 0; i++) {
                switch (data.consumeInt(0, 9)) {
                    case 0 -> {
                        try {
                            vad.reset();
                        } catch (IllegalStateException closed) {
                            // reset after close is refused in Java, which is all that must hold
                        }
                    }
                    case 1 -> vad.close();
                    default -> {
                        int length = FuzzPcm.length(data, frame);
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

    private static void echoCanceller(FuzzedDataProvider data, int rate) {
        WebRtcEchoCanceller aec;
        try {
            aec = new WebRtcEchoCanceller(rate, new WebRtcEchoCanceller.Settings(data.consumeBoolean(),
                    data.consumeBoolean(), data.consumeBoolean(), data.consumeInt(-1, 501)));
        } catch (IllegalArgumentException refused) {
            return;
        }
        int frame = aec.frameSamples();
        try {
            int calls = data.consumeInt(1, 12);
            for (int i = 0; i < calls && data.remainingBytes() > 0; i++) {
                if (data.consumeInt(0, 15) == 0) {
                    aec.close();
                    continue;
                }
                float[] far = FuzzPcm.samples(data, FuzzPcm.length(data, frame));
                float[] near = FuzzPcm.samples(data, FuzzPcm.length(data, frame));
                float[] out = data.consumeBoolean() ? near : new float[FuzzPcm.length(data, frame)];
                try {
                    aec.process(far, near, out);
                } catch (IllegalArgumentException | IllegalStateException refused) {
                    continue;
                }
                for (int k = 0; k < frame; k++) {
                    if (!(out[k] >= -1f && out[k] <= 1f)) {
                        throw new AssertionError("cleaned sample " + k + " is " + out[k]);
                    }
                }
            }
        } finally {
            aec.close();
        }
    }
}
