package io.github.voicechat.sphinx.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The warm-up audio: speech-like in level and shape, deterministic, and a different sequence per variant. */
class WarmupAudioTest {

    private static final int RATE_HZ = 16_000;

    @Test
    void eachVariantIsTheSameEveryTimeAndDiffersFromTheOthers() throws IOException {
        assertThat(WarmupAudio.samples(3, 2.0)).isEqualTo(WarmupAudio.samples(3, 2.0));
        assertThat(WarmupAudio.samples(3, 2.0)).isNotEqualTo(WarmupAudio.samples(4, 2.0));
        byte[] pcm = WarmupAudio.stream(3, 2.0).readAllBytes();
        assertThat(pcm).hasSize(2 * WarmupAudio.samples(3, 2.0).length);
    }

    /**
     * Whole phrases of about the length asked for, at speech levels without clipping, with pauses of 250 ms or more
     * between them (measured in 10 ms windows, so at least 240): Sphinx's endpointer ends a segment after 200 ms of
     * non-speech, so the result path is warmed up too.
     */
    @Test
    void phrasesAtSpeechLevelWithPausesBetweenThem() {
        for (int variant = 0; variant < 8; variant++) {
            float[] x = WarmupAudio.samples(variant, 2.0);
            assertThat(x.length / (double) RATE_HZ).as("variant %d length", variant).isBetween(1.5, 3.5);
            double peak = 0;
            double energy = 0;
            for (float v : x) {
                assertThat(Float.isFinite(v)).isTrue();
                peak = Math.max(peak, Math.abs(v));
                energy += v * v;
            }
            double rmsDbfs = 10 * Math.log10(energy / x.length);
            assertThat(peak).as("variant %d peak", variant).isCloseTo(0.708, within(0.001));
            assertThat(rmsDbfs).as("variant %d rms", variant).isBetween(-40.0, -15.0);
            assertThat(longestQuietMs(x, 0.2 * RATE_HZ, x.length - 0.3 * RATE_HZ))
                    .as("variant %d: a pause inside", variant).isGreaterThanOrEqualTo(240);
        }
    }

    /** The longest run (ms) of 10 ms windows quieter than -50 dBFS peak, starting inside [from, to). */
    private static int longestQuietMs(float[] x, double from, double to) {
        int hop = RATE_HZ / 100;
        int best = 0;
        int run = 0;
        for (int i = (int) from; i + hop <= to; i += hop) {
            float peak = 0;
            for (int j = i; j < i + hop; j++) {
                peak = Math.max(peak, Math.abs(x[j]));
            }
            run = peak < 0.003 ? run + 10 : 0;
            best = Math.max(best, run);
        }
        return best;
    }
}
