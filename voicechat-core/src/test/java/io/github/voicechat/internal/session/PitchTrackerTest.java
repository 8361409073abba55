package io.github.voicechat.internal.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.voicechat.internal.session.ListenStage.PitchTracker;
import org.junit.jupiter.api.Test;

/** {@link PitchTracker} on synthetic voices of known pitch contours. */
class PitchTrackerTest {

    /**
     * A buzz (five harmonics) whose pitch glides exponentially from {@code fromHz} to {@code toHz} over
     * {@code durationMs}: a straight line in semitones.
     */
    static float[] glide(int rateHz, int durationMs, double fromHz, double toHz, double amplitude) {
        int n = rateHz * durationMs / 1000;
        float[] out = new float[n];
        double phase = 0;
        for (int i = 0; i < n; i++) {
            double f = fromHz * Math.pow(toHz / fromHz, (double) i / n);
            phase += 2 * Math.PI * f / rateHz;
            double v = 0;
            for (int h = 1; h <= 5; h++) {
                v += Math.sin(h * phase) / h;
            }
            out[i] = (float) (amplitude * v);
        }
        return out;
    }

    private static double slopeAfter(int rateHz, float[] audio, int piece) {
        PitchTracker p = new PitchTracker(rateHz);
        for (int i = 0; i < audio.length; i += piece) {
            p.accept(audio, i, Math.min(piece, audio.length - i));
        }
        return p.slopeSemitonesPerS();
    }

    private static double semitonesPerS(double fromHz, double toHz, int durationMs) {
        return 12 * Math.log(toHz / fromHz) / Math.log(2) / (durationMs / 1000.0);
    }

    @Test
    void aFallingVoiceHasTheFallOfItsContour() {
        // 180 -> 120 Hz in 600 ms: -7.0 semitones in 0.6 s = -11.7 st/s; a statement's final fall.
        double expected = semitonesPerS(180, 120, 600);
        assertThat(slopeAfter(16_000, glide(16_000, 600, 180, 120, 0.2), 512)).isCloseTo(expected, within(1.0));
        assertThat(slopeAfter(48_000, glide(48_000, 600, 180, 120, 0.2), 960)).isCloseTo(expected, within(1.0));
    }

    @Test
    void aRisingVoiceRisesAndAFlatOneIsFlat() {
        assertThat(slopeAfter(16_000, glide(16_000, 600, 110, 170, 0.2), 160))
                .isCloseTo(semitonesPerS(110, 170, 600), within(1.0));
        assertThat(slopeAfter(16_000, glide(16_000, 600, 150, 150, 0.2), 160)).isCloseTo(0, within(0.5));
    }

    @Test
    void onlyTheLast300MsOfVoiceCount() {
        // 400 ms flat at 200 Hz, then a fall to 140 Hz in 300 ms: the trend is the fall's.
        float[] flat = glide(16_000, 400, 200, 200, 0.2);
        float[] fall = glide(16_000, 300, 200, 140, 0.2);
        float[] both = new float[flat.length + fall.length + 16_000 / 5];
        System.arraycopy(flat, 0, both, 0, flat.length);
        System.arraycopy(fall, 0, both, flat.length, fall.length); // then 200 ms of silence, which changes nothing
        assertThat(slopeAfter(16_000, both, 320)).isCloseTo(semitonesPerS(200, 140, 300), within(2.0));
    }

    @Test
    void silenceNoiseAndTooLittleVoiceTellNoTrend() {
        assertThat(slopeAfter(16_000, new float[16_000], 320)).isNaN();
        float[] noise = new float[16_000];
        java.util.Random r = new java.util.Random(7);
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (float) (0.2 * r.nextGaussian());
        }
        assertThat(slopeAfter(16_000, noise, 320)).isNaN();
        assertThat(slopeAfter(16_000, glide(16_000, 60, 150, 120, 0.2), 320)).isNaN(); // 60 ms: under 5 points
        assertThat(slopeAfter(16_000, glide(16_000, 600, 180, 120, 0.001), 320)).isNaN(); // -60 dBFS: not a voice
    }
}
