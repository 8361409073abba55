package io.github.voicechat.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Quality and streaming behaviour of {@link Resampler} for every pair of standard rates.
 *
 * <p>Tone levels are measured by a joint least-squares fit of sinusoids at known frequencies (plus DC) over the
 * output after the filter's warm-up; a joint fit separates a -80 dB image from the full-scale tone exactly, where a
 * single-frequency DFT would leak. Levels are relative to the input amplitude.
 */
class ResamplerTest {

    private static final double AMPLITUDE = 0.5;
    private static final double INPUT_SECONDS = 0.25;
    private static final double START_PHASE = 0.3;

    static Stream<Arguments> conversions() {
        List<Arguments> pairs = new ArrayList<>();
        for (int in : AudioFormat.STANDARD_RATES_HZ) {
            for (int out : AudioFormat.STANDARD_RATES_HZ) {
                if (in != out) {
                    pairs.add(Arguments.of(in, out));
                }
            }
        }
        return pairs.stream();
    }

    static Stream<Arguments> downsampling() {
        return conversions().filter(a -> (int) a.get()[0] > (int) a.get()[1]);
    }

    static Stream<Arguments> upsampling() {
        return conversions().filter(a -> (int) a.get()[0] < (int) a.get()[1]);
    }

    // ---------------------------------------------------------------- quality

    @ParameterizedTest(name = "{0} Hz -> {1} Hz")
    @MethodSource("conversions")
    void passbandTonesKeepTheirLevelWithin0_1dBAndArriveExactlyDelaySamplesLate(int inRateHz, int outRateHz) {
        double fMin = Math.min(inRateHz, outRateHz);
        for (double fraction : new double[] {0.01, 0.1, 0.2, 0.3, 0.4, 0.45}) {
            double toneHz = fraction * fMin;
            Resampler r = Resampler.create(inRateHz, outRateHz);
            float[] y = resampleAll(r, tone(inRateHz, toneHz, samples(inRateHz)), false);
            int from = warmUp(r);
            double[] amplitude = fitAmplitudes(y, from, y.length, outRateHz, new double[] {toneHz});
            double gainDb = db(amplitude[0] / AMPLITUDE);
            assertThat(Math.abs(gainDb)).as("passband gain at %.1f Hz, dB", toneHz).isLessThanOrEqualTo(0.1);

            // Against the ideal tone shifted by the declared delay: checks linear phase and delaySamples() at once.
            double errorDb = db(rms(y, from, y.length, n -> idealTone(toneHz, n, r))
                    / (AMPLITUDE / Math.sqrt(2)));
            assertThat(errorDb).as("error vs ideal delayed tone at %.1f Hz, dB", toneHz).isLessThanOrEqualTo(-80);
        }
    }

    @ParameterizedTest(name = "{0} Hz -> {1} Hz")
    @MethodSource("conversions")
    void sineSweepThroughThePassbandMatchesTheIdealDelayedSweep(int inRateHz, int outRateHz) {
        double f0 = 20;
        double f1 = 0.45 * Math.min(inRateHz, outRateHz);
        int n = samples(inRateHz);
        double seconds = (double) n / inRateHz;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) sweep(f0, f1, seconds, (double) i / inRateHz);
        }
        Resampler r = Resampler.create(inRateHz, outRateHz);
        float[] y = resampleAll(r, x, false);
        int from = warmUp(r);
        double errorDb = db(rms(y, from, y.length,
                k -> sweep(f0, f1, seconds, (double) (k - r.delaySamples()) / outRateHz)) / (AMPLITUDE / Math.sqrt(2)));
        assertThat(errorDb).as("sweep error vs ideal, dB").isLessThanOrEqualTo(-80);
    }

    @ParameterizedTest(name = "{0} Hz -> {1} Hz")
    @MethodSource("downsampling")
    void tonesAboveTheOutputNyquistAliasAtOrBelowMinus80dB(int inRateHz, int outRateHz) {
        double outNyquist = outRateHz / 2.0;
        double inNyquist = inRateHz / 2.0;
        for (double fraction : new double[] {0.01, 0.25, 0.48, 0.75, 0.99}) {
            double toneHz = outNyquist + fraction * (inNyquist - outNyquist);
            double aliasHz = Math.abs(toneHz - Math.rint(toneHz / outRateHz) * outRateHz);
            Resampler r = Resampler.create(inRateHz, outRateHz);
            float[] y = resampleAll(r, tone(inRateHz, toneHz, samples(inRateHz)), false);
            int from = warmUp(r);
            double aliasDb = db(fitAmplitudes(y, from, y.length, outRateHz, new double[] {aliasHz})[0] / AMPLITUDE);
            assertThat(aliasDb).as("alias of %.1f Hz at %.1f Hz, dB", toneHz, aliasHz).isLessThanOrEqualTo(-80);
            double totalDb = db(rms(y, from, y.length, k -> 0) / (AMPLITUDE / Math.sqrt(2)));
            assertThat(totalDb).as("all output for %.1f Hz, dB", toneHz).isLessThanOrEqualTo(-80);
        }
    }

    @ParameterizedTest(name = "{0} Hz -> {1} Hz")
    @MethodSource("upsampling")
    void imagesOfInBandTonesAreAtOrBelowMinus80dB(int inRateHz, int outRateHz) {
        double outNyquist = outRateHz / 2.0;
        for (double fraction : new double[] {0.05, 0.2, 0.35, 0.45}) {
            double toneHz = fraction * inRateHz;
            List<Double> freqs = new ArrayList<>(List.of(toneHz));
            for (int k = 1; k * inRateHz - toneHz < outNyquist; k++) {
                for (double image : new double[] {k * inRateHz - toneHz, k * inRateHz + toneHz}) {
                    if (image < 0.99 * outNyquist) {
                        freqs.add(image);
                    }
                }
            }
            Resampler r = Resampler.create(inRateHz, outRateHz);
            float[] y = resampleAll(r, tone(inRateHz, toneHz, samples(inRateHz)), false);
            int from = warmUp(r);
            double[] f = freqs.stream().mapToDouble(Double::doubleValue).toArray();
            double[] amplitudes = fitAmplitudes(y, from, y.length, outRateHz, f);
            for (int i = 1; i < f.length; i++) {
                assertThat(db(amplitudes[i] / AMPLITUDE)).as("image of %.1f Hz at %.1f Hz, dB", toneHz, f[i])
                        .isLessThanOrEqualTo(-80);
            }
            // Everything but the tone itself (images, noise, anything unforeseen), from a fit of the tone alone.
            double[] fit = fitCoefficients(y, from, y.length, outRateHz, new double[] {toneHz});
            double residualDb = db(rms(y, from, y.length, n -> evaluate(fit, n, outRateHz, new double[] {toneHz}))
                    / (AMPLITUDE / Math.sqrt(2)));
            assertThat(residualDb).as("output other than the %.1f Hz tone, dB", toneHz).isLessThanOrEqualTo(-80);
        }
    }

    // ---------------------------------------------------------------- streaming

    @ParameterizedTest(name = "{0} Hz -> {1} Hz")
    @MethodSource("conversions")
    void randomChunkSizesGiveExactlyTheOneShotOutput(int inRateHz, int outRateHz) {
        Random random = new Random(inRateHz * 31L + outRateHz);
        float[] x = new float[inRateHz / 5];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (random.nextGaussian() * 0.3);
        }
        float[] oneShot = resampleAll(Resampler.create(inRateHz, outRateHz), x, true);

        Resampler r = Resampler.create(inRateHz, outRateHz);
        float[] chunked = new float[oneShot.length];
        int written = 0;
        int pos = 0;
        while (pos < x.length) {
            int chunk = Math.min(x.length - pos, random.nextInt(4) == 0 ? random.nextInt(3) : random.nextInt(2000));
            int expected = r.outputSamplesFor(chunk);
            assertThat(expected).isLessThanOrEqualTo(r.maxOutputSamples(chunk));
            int n = r.process(x, pos, chunk, chunked, written);
            assertThat(n).as("samples written for a chunk of %d", chunk).isEqualTo(expected);
            written += n;
            pos += chunk;
        }
        written += r.flush(chunked, written);
        assertThat(written).isEqualTo(oneShot.length);
        assertThat(chunked).containsExactly(oneShot);
    }

    @ParameterizedTest(name = "{0} Hz -> {1} Hz")
    @MethodSource("conversions")
    void outputLengthIsCeilOfInputTimesRatioPlusDelayAfterFlush(int inRateHz, int outRateHz) {
        for (int n : new int[] {0, 1, 7, 160, 441, 882, inRateHz / 50, inRateHz + 3}) {
            Resampler r = Resampler.create(inRateHz, outRateHz);
            float[] out = new float[r.maxOutputSamples(n) + r.delaySamples()];
            int written = r.process(new float[n], 0, n, out, 0);
            long expected = ((long) n * outRateHz + inRateHz - 1) / inRateHz;
            assertThat(written).as("output for %d input samples", n).isEqualTo(expected);
            assertThat(r.maxOutputSamples(n)).isEqualTo((int) expected);
            assertThat(r.flush(out, written)).isEqualTo(r.delaySamples());
        }
        // Many 20 ms frames: the running total never drifts from the exact ratio.
        Resampler r = Resampler.create(inRateHz, outRateHz);
        int frame = inRateHz / 50;
        float[] in = new float[frame];
        float[] out = new float[r.maxOutputSamples(frame)];
        long total = 0;
        for (int i = 1; i <= 250; i++) {
            total += r.process(in, 0, frame, out, 0);
            assertThat(total).isEqualTo(((long) i * frame * outRateHz + inRateHz - 1) / inRateHz);
        }
    }

    @ParameterizedTest(name = "{0} Hz -> {1} Hz")
    @MethodSource("conversions")
    void flushWritesTheDelayedTailAsIfSilenceFollowed(int inRateHz, int outRateHz) {
        Resampler r = Resampler.create(inRateHz, outRateHz);
        float[] x = new float[inRateHz / 100];
        x[x.length - 1] = 1f;
        float[] out = new float[r.maxOutputSamples(x.length) + r.delaySamples()];
        int processed = r.process(x, 0, x.length, out, 0);
        int flushed = r.flush(out, processed);
        assertThat(flushed).isEqualTo(r.delaySamples());

        // Same as feeding silence after the input, cut where the aligned output covers the input's duration.
        Resampler silenceFed = Resampler.create(inRateHz, outRateHz);
        float[] padded = Arrays.copyOf(x, x.length + inRateHz / 10);
        float[] reference = resampleAll(silenceFed, padded, false);
        assertThat(Arrays.copyOf(out, processed + flushed))
                .containsExactly(Arrays.copyOf(reference, processed + flushed));

        // The last input sample's peak sits at its time plus the delay, in the part only flush writes.
        int peak = 0;
        for (int i = 1; i < processed + flushed; i++) {
            if (Math.abs(out[i]) > Math.abs(out[peak])) {
                peak = i;
            }
        }
        double expectedPeak = (x.length - 1) * (double) outRateHz / inRateHz + r.delaySamples();
        assertThat((double) peak).isCloseTo(expectedPeak, offset(1.0));
        assertThat(peak).isGreaterThanOrEqualTo(processed);

        // After flush the instance starts a new stream: same input, same output as a fresh one.
        float[] again = new float[out.length];
        int n = r.process(x, 0, x.length, again, 0);
        n += r.flush(again, n);
        assertThat(again).containsExactly(out);
        assertThat(n).isEqualTo(processed + flushed);
    }

    @Test
    void equalRatesAreAnExactCopyWithNoDelay() {
        for (int rate : AudioFormat.STANDARD_RATES_HZ) {
            Resampler r = Resampler.create(rate, rate);
            float[] x = {0.1f, -0.5f, 1f, Float.MIN_VALUE, -1f};
            float[] out = new float[8];
            assertThat(r.process(x, 1, 4, out, 2)).isEqualTo(4);
            assertThat(out).containsExactly(0f, 0f, -0.5f, 1f, Float.MIN_VALUE, -1f, 0f, 0f);
            assertThat(r.delaySamples()).isZero();
            assertThat(r.latencyMs()).isZero();
            assertThat(r.maxOutputSamples(960)).isEqualTo(960);
            assertThat(r.flush(new float[0], 0)).isZero();
            assertThat(r.inRateHz()).isEqualTo(rate);
            assertThat(r.outRateHz()).isEqualTo(rate);
        }
    }

    @Test
    void declaredLatencyMatchesTheDelayInSamples() {
        Resampler r = Resampler.create(48_000, 16_000);
        assertThat(r.latencyMs()).isEqualTo(r.delaySamples() * 1000.0 / 16_000);
        assertThat(r.delaySamples()).isPositive();
        assertThat(r.toString()).contains("48000 Hz -> 16000 Hz");
    }

    @Test
    void nanPoisonsOnlyTheOutputsWhoseWindowCoversItAndResetClearsItAtOnce() {
        Resampler r = Resampler.create(16_000, 48_000);
        float[] x = tone(16_000, 440, 16_000);
        float[] reference = resampleAll(Resampler.create(16_000, 48_000), x, false);
        float[] poisoned = x.clone();
        poisoned[100] = Float.NaN;
        float[] y = resampleAll(r, poisoned, false);
        assertThat(y[3 * 100 + r.delaySamples()]).isNaN();
        // No feedback: once the NaN has left the filter window (tapsPerPhase ~ 2 * delay * in / out input samples
        // after it) the output equals the clean run exactly, without a reset.
        int clean = 3 * (100 + 2 * r.delaySamples() / 3 + 2);
        assertThat(clean).isLessThan(y.length / 2);
        for (int i = clean; i < y.length; i++) {
            assertThat(y[i]).as("output %d", i).isEqualTo(reference[i]);
        }

        r.process(new float[] {Float.NaN}, 0, 1, new float[3], 0);
        r.reset();
        float[] afterReset = resampleAll(r, x, false);
        assertThat(afterReset).containsExactly(reference);
    }

    // ---------------------------------------------------------------- argument checks

    @Test
    void unsupportedRatesAreRejectedNamingTheSupportedOnes() {
        assertThatThrownBy(() -> Resampler.create(11_025, 16_000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("inRateHz")
                .hasMessageContaining("[8000, 16000, 22050, 24000, 32000, 44100, 48000]")
                .hasMessageContaining("was 11025 Hz");
        assertThatThrownBy(() -> Resampler.create(16_000, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outRateHz")
                .hasMessageContaining("was 0 Hz");
    }

    @Test
    void tooSmallOutputArraySaysNeededAndGivenAndLeavesTheStateUntouched() {
        Resampler r = Resampler.create(16_000, 48_000);
        float[] in = tone(16_000, 440, 320);
        assertThatThrownBy(() -> r.process(in, 0, 320, new float[1000], 100))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("need 960 output samples")
                .hasMessageContaining("from offset 100")
                .hasMessageContaining("given room for 900");
        float[] out = new float[960];
        assertThat(r.process(in, 0, 320, out, 0)).isEqualTo(960);
        float[] fresh = new float[960];
        Resampler.create(16_000, 48_000).process(in, 0, 320, fresh, 0);
        assertThat(out).containsExactly(fresh);

        assertThatThrownBy(() -> r.flush(new float[r.delaySamples()], 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("need " + r.delaySamples())
                .hasMessageContaining("given room for " + (r.delaySamples() - 1));
    }

    @Test
    void badRangesAreRejected() {
        Resampler r = Resampler.create(48_000, 16_000);
        float[] out = new float[100];
        assertThatThrownBy(() -> r.process(new float[10], 5, 6, out, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("input range [5, 5 + 6) is outside the input array of length 10");
        assertThatThrownBy(() -> r.process(new float[10], 0, 10, out, 101))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outOff must be 0..100, was 101");
        assertThatThrownBy(() -> r.maxOutputSamples(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("was -1");
    }

    // ---------------------------------------------------------------- signal helpers

    private static int samples(int rateHz) {
        return (int) (rateHz * INPUT_SECONDS);
    }

    /** Outputs before this index depend on the silence assumed before the stream started. */
    private static int warmUp(Resampler r) {
        return 2 * r.delaySamples() + 2;
    }

    private static float[] tone(int rateHz, double toneHz, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (AMPLITUDE * Math.sin(2 * Math.PI * toneHz * i / rateHz + START_PHASE));
        }
        return x;
    }

    private static double idealTone(double toneHz, int outIndex, Resampler r) {
        double t = (double) (outIndex - r.delaySamples()) / r.outRateHz();
        return AMPLITUDE * Math.sin(2 * Math.PI * toneHz * t + START_PHASE);
    }

    /** Linear sweep from f0 to f1 Hz over {@code seconds}, evaluated at time t (continuous, for the ideal output). */
    private static double sweep(double f0, double f1, double seconds, double t) {
        double rate = (f1 - f0) / seconds;
        return AMPLITUDE * Math.sin(2 * Math.PI * (f0 * t + rate * t * t / 2) + START_PHASE);
    }

    private static float[] resampleAll(Resampler r, float[] x, boolean flush) {
        float[] y = new float[r.maxOutputSamples(x.length) + r.delaySamples()];
        int n = r.process(x, 0, x.length, y, 0);
        if (flush) {
            n += r.flush(y, n);
        }
        return Arrays.copyOf(y, n);
    }

    private static double sum(float[] y, int n) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += y[i];
        }
        return sum;
    }

    private static double db(double ratio) {
        return 20 * Math.log10(ratio);
    }

    private static double rms(float[] y, int from, int to, java.util.function.IntToDoubleFunction reference) {
        double sum = 0;
        for (int n = from; n < to; n++) {
            double e = y[n] - reference.applyAsDouble(n);
            sum += e * e;
        }
        return Math.sqrt(sum / (to - from));
    }

    /** Amplitude of each frequency from a joint least-squares fit (see {@link #fitCoefficients}). */
    private static double[] fitAmplitudes(float[] y, int from, int to, double rateHz, double[] freqsHz) {
        double[] c = fitCoefficients(y, from, to, rateHz, freqsHz);
        double[] amplitudes = new double[freqsHz.length];
        for (int i = 0; i < freqsHz.length; i++) {
            amplitudes[i] = Math.hypot(c[1 + 2 * i], c[2 + 2 * i]);
        }
        return amplitudes;
    }

    /**
     * Least-squares fit of {@code y[n] ~ c0 + sum_i (a_i cos(w_i n) + b_i sin(w_i n))} over {@code [from, to)},
     * by the normal equations solved with Gaussian elimination. Returns {@code [c0, a_0, b_0, a_1, b_1, ...]}.
     */
    private static double[] fitCoefficients(float[] y, int from, int to, double rateHz, double[] freqsHz) {
        int m = 1 + 2 * freqsHz.length;
        double[][] gram = new double[m][m + 1];
        double[] basis = new double[m];
        for (int n = from; n < to; n++) {
            basis(n, rateHz, freqsHz, basis);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < m; j++) {
                    gram[i][j] += basis[i] * basis[j];
                }
                gram[i][m] += basis[i] * y[n];
            }
        }
        for (int col = 0; col < m; col++) {
            int pivot = col;
            for (int row = col + 1; row < m; row++) {
                if (Math.abs(gram[row][col]) > Math.abs(gram[pivot][col])) {
                    pivot = row;
                }
            }
            double[] swap = gram[col];
            gram[col] = gram[pivot];
            gram[pivot] = swap;
            for (int row = 0; row < m; row++) {
                if (row != col) {
                    double factor = gram[row][col] / gram[col][col];
                    for (int k = col; k <= m; k++) {
                        gram[row][k] -= factor * gram[col][k];
                    }
                }
            }
        }
        double[] c = new double[m];
        for (int i = 0; i < m; i++) {
            c[i] = gram[i][m] / gram[i][i];
        }
        return c;
    }

    private static void basis(int n, double rateHz, double[] freqsHz, double[] basis) {
        basis[0] = 1;
        for (int i = 0; i < freqsHz.length; i++) {
            double w = 2 * Math.PI * freqsHz[i] / rateHz * n;
            basis[1 + 2 * i] = Math.cos(w);
            basis[2 + 2 * i] = Math.sin(w);
        }
    }

    private static double evaluate(double[] c, int n, double rateHz, double[] freqsHz) {
        double[] b = new double[c.length];
        basis(n, rateHz, freqsHz, b);
        double sum = 0;
        for (int i = 0; i < c.length; i++) {
            sum += c[i] * b[i];
        }
        return sum;
    }
}
