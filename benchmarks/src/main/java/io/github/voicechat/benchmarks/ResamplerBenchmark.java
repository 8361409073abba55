package io.github.voicechat.benchmarks;

import io.github.voicechat.audio.AudioFormat;
import io.github.voicechat.audio.Resampler;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One 20 ms frame through voicechat's {@link Resampler} versus TarsosDSP's (a port of libresample), streaming.
 *
 * <p>Score is ns per 20 ms frame. Input frame sizes: 48 kHz = 960 samples, 16 kHz = 320, 22.05 kHz = 441; divide by
 * them for ns per input sample (output per frame: 320, 960 and 960 samples).
 *
 * <pre>
 * mvn -B -q -pl benchmarks -am package -DskipTests
 * java -jar benchmarks/target/benchmarks.jar ResamplerBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s -prof gc
 * </pre>
 *
 * <p>{@link #main} prints the quality comparison (the analysis of voicechat-core's ResamplerTest, applied to both):
 * {@code java -cp benchmarks/target/benchmarks.jar io.github.voicechat.benchmarks.ResamplerBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ResamplerBenchmark {

    @Param({"48000-16000", "16000-48000", "22050-48000"})
    public String conversion;

    private float[] in;
    private float[] out;
    private Resampler voicechat;
    private be.tarsos.dsp.resample.Resampler tarsos;
    private double factor;

    @Setup
    public void setUp() {
        String[] rates = conversion.split("-");
        int inRateHz = Integer.parseInt(rates[0]);
        int outRateHz = Integer.parseInt(rates[1]);
        int frameSamples = inRateHz / 50;
        in = new float[frameSamples];
        Random random = new Random(1);
        for (int i = 0; i < frameSamples; i++) {
            in[i] = (float) (random.nextGaussian() * 0.2);
        }
        voicechat = Resampler.create(inRateHz, outRateHz);
        out = new float[voicechat.maxOutputSamples(frameSamples) + 64];
        factor = (double) outRateHz / inRateHz;
        tarsos = new be.tarsos.dsp.resample.Resampler(true, factor, factor);
    }

    @Benchmark
    public int voicechat() {
        return voicechat.process(in, 0, in.length, out, 0);
    }

    @Benchmark
    public int tarsosDsp() {
        return tarsos.process(factor, in, 0, in.length, false, out, 0, out.length).outputSamplesGenerated;
    }

    // ---------------------------------------------------------------- quality comparison

    private static final double AMPLITUDE = 0.5;
    private static final double INPUT_SECONDS = 0.25;

    /** Prints, per rate pair and resampler, the worst passband gain error and the worst alias and image levels. */
    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("cpu")) {
            cpuTimes();
            return;
        }
        System.out.println("| conversion | resampler | gain dB | passband deviation dB, <= 0.4 fMin | <= 0.45 fMin | worst alias dB"
                + " | worst image dB | worst non-tone residual dB |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (int inRateHz : AudioFormat.STANDARD_RATES_HZ) {
            for (int outRateHz : AudioFormat.STANDARD_RATES_HZ) {
                if (inRateHz != outRateHz) {
                    for (boolean useTarsos : new boolean[] {false, true}) {
                        double[] q = quality(inRateHz, outRateHz, useTarsos);
                        System.out.printf(Locale.ROOT, "| %d -> %d | %s | %.2f | %.4f | %.4f | %s | %s | %s |%n",
                                inRateHz, outRateHz, useTarsos ? "TarsosDSP" : "voicechat", q[0], q[1], q[2], fmt(q[3]),
                                fmt(q[4]), fmt(q[5]));
                    }
                }
            }
        }
    }

    /**
     * Thread CPU time per frame, both resamplers alternating in rounds: on a loaded machine (JMH's wall-clock scores
     * swing by 2x when other processes compete for the cores) CPU time excludes time spent descheduled.
     */
    private static void cpuTimes() {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        int frames = 2_000;
        for (String c : new String[] {"48000-16000", "16000-48000", "22050-48000"}) {
            ResamplerBenchmark b = new ResamplerBenchmark();
            b.conversion = c;
            b.setUp();
            double[][] nsPerFrame = new double[2][12];
            long sink = 0;
            for (int round = 0; round < 12; round++) {
                for (int which = 0; which < 2; which++) {
                    long t0 = mx.getCurrentThreadCpuTime();
                    for (int i = 0; i < frames; i++) {
                        sink += which == 0 ? b.voicechat() : b.tarsosDsp();
                    }
                    nsPerFrame[which][round] = (mx.getCurrentThreadCpuTime() - t0) / (double) frames;
                }
            }
            for (int which = 0; which < 2; which++) {
                // Rounds 0-3 are warm-up; report the median and the best of the remaining eight.
                double[] r = Arrays.copyOfRange(nsPerFrame[which], 4, 12);
                Arrays.sort(r);
                System.out.printf(Locale.ROOT, "%s %s: median %.0f ns/frame (%.1f ns/input sample), best %.0f%n", c,
                        which == 0 ? "voicechat" : "TarsosDSP", (r[3] + r[4]) / 2, (r[3] + r[4]) / 2 / b.in.length,
                        r[0]);
            }
            if (sink == 42) {
                System.out.println();
            }
        }
    }

    private static String fmt(double db) {
        if (db == -999) {
            return "none in band";
        }
        return Double.isNaN(db) ? "n/a" : String.format(Locale.ROOT, "%.1f", db);
    }

    /**
     * {gain dB at 0.01 fMin, passband deviation from it (max abs dB) up to 0.4 fMin and up to 0.45 fMin, worst alias dB, worst image dB, worst residual
     * dB}; NaN where not applicable (-999 where no image falls below the output Nyquist).
     */
    static double[] quality(int inRateHz, int outRateHz, boolean useTarsos) {
        double fMin = Math.min(inRateHz, outRateHz);
        double passband = 0;
        double upTo04 = 0;
        double gainDb = Double.NaN;
        for (double fraction : new double[] {0.01, 0.1, 0.2, 0.3, 0.4, 0.45}) {
            double toneHz = fraction * fMin;
            float[] y = resample(inRateHz, outRateHz, tone(inRateHz, toneHz), useTarsos);
            double a = fitAmplitudes(y, skip(y), y.length - skip(y), outRateHz, new double[] {toneHz})[0];
            if (Double.isNaN(gainDb)) {
                gainDb = db(a / AMPLITUDE);
            }
            passband = Math.max(passband, Math.abs(db(a / AMPLITUDE) - gainDb));
            if (fraction <= 0.4) {
                upTo04 = passband;
            }
        }
        // Aliases and images relative to the resampler's own passband level, so a constant gain does not count.
        double reference = AMPLITUDE * Math.pow(10, gainDb / 20);
        double alias = Double.NaN;
        double image = Double.NaN;
        double residual = Double.NaN;
        if (inRateHz > outRateHz) {
            alias = -999;
            double outNyquist = outRateHz / 2.0;
            for (double fraction : new double[] {0.01, 0.25, 0.48, 0.75, 0.99}) {
                double toneHz = outNyquist + fraction * (inRateHz / 2.0 - outNyquist);
                double aliasHz = Math.abs(toneHz - Math.rint(toneHz / outRateHz) * outRateHz);
                float[] y = resample(inRateHz, outRateHz, tone(inRateHz, toneHz), useTarsos);
                double a = fitAmplitudes(y, skip(y), y.length - skip(y), outRateHz, new double[] {aliasHz})[0];
                alias = Math.max(alias, db(a / reference));
            }
        } else {
            image = -999;
            residual = -999;
            double outNyquist = outRateHz / 2.0;
            for (double fraction : new double[] {0.05, 0.2, 0.35, 0.45}) {
                double toneHz = fraction * inRateHz;
                double[] freqs = {toneHz};
                for (int k = 1; k * inRateHz - toneHz < outNyquist; k++) {
                    for (double f : new double[] {k * inRateHz - toneHz, k * inRateHz + toneHz}) {
                        if (f < 0.99 * outNyquist) {
                            freqs = Arrays.copyOf(freqs, freqs.length + 1);
                            freqs[freqs.length - 1] = f;
                        }
                    }
                }
                float[] y = resample(inRateHz, outRateHz, tone(inRateHz, toneHz), useTarsos);
                int from = skip(y);
                int to = y.length - skip(y);
                double[] a = fitAmplitudes(y, from, to, outRateHz, freqs);
                for (int i = 1; i < a.length; i++) {
                    image = Math.max(image, db(a[i] / reference));
                }
                double[] c = fitCoefficients(y, from, to, outRateHz, new double[] {toneHz});
                double sum = 0;
                for (int n = from; n < to; n++) {
                    double w = 2 * Math.PI * toneHz / outRateHz * n;
                    double e = y[n] - (c[0] + c[1] * Math.cos(w) + c[2] * Math.sin(w));
                    sum += e * e;
                }
                residual = Math.max(residual, db(Math.sqrt(sum / (to - from)) / (reference / Math.sqrt(2))));
            }
        }
        return new double[] {gainDb, upTo04, passband, alias, image, residual};
    }

    /** Both resamplers' warm-up and end effects are under 10 ms; skip 20 ms at each end. */
    private static int skip(float[] y) {
        return y.length / 12;
    }

    private static float[] tone(int rateHz, double toneHz) {
        float[] x = new float[(int) (rateHz * INPUT_SECONDS)];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (AMPLITUDE * Math.sin(2 * Math.PI * toneHz * i / rateHz + 0.3));
        }
        return x;
    }

    /** Whole signal, processed in 20 ms frames as a pipeline would. */
    private static float[] resample(int inRateHz, int outRateHz, float[] x, boolean useTarsos) {
        int frame = inRateHz / 50;
        float[] y = new float[x.length * (outRateHz / inRateHz + 2) + 10_000];
        int written = 0;
        if (useTarsos) {
            double factor = (double) outRateHz / inRateHz;
            be.tarsos.dsp.resample.Resampler t = new be.tarsos.dsp.resample.Resampler(true, factor, factor);
            for (int pos = 0; pos < x.length; pos += frame) {
                int len = Math.min(frame, x.length - pos);
                be.tarsos.dsp.resample.Resampler.Result r =
                        t.process(factor, x, pos, len, pos + len == x.length, y, written, y.length - written);
                if (r.inputSamplesConsumed != len) {
                    throw new IllegalStateException("TarsosDSP consumed " + r.inputSamplesConsumed + " of " + len);
                }
                written += r.outputSamplesGenerated;
            }
        } else {
            Resampler r = Resampler.create(inRateHz, outRateHz);
            for (int pos = 0; pos < x.length; pos += frame) {
                written += r.process(x, pos, Math.min(frame, x.length - pos), y, written);
            }
            written += r.flush(y, written);
        }
        return Arrays.copyOf(y, written);
    }

    private static double db(double ratio) {
        return 20 * Math.log10(ratio);
    }

    private static double[] fitAmplitudes(float[] y, int from, int to, double rateHz, double[] freqsHz) {
        double[] c = fitCoefficients(y, from, to, rateHz, freqsHz);
        double[] amplitudes = new double[freqsHz.length];
        for (int i = 0; i < freqsHz.length; i++) {
            amplitudes[i] = Math.hypot(c[1 + 2 * i], c[2 + 2 * i]);
        }
        return amplitudes;
    }

    /** Joint least-squares fit of DC plus a cosine and a sine per frequency (normal equations, Gauss-Jordan). */
    private static double[] fitCoefficients(float[] y, int from, int to, double rateHz, double[] freqsHz) {
        int m = 1 + 2 * freqsHz.length;
        double[][] g = new double[m][m + 1];
        double[] b = new double[m];
        for (int n = from; n < to; n++) {
            b[0] = 1;
            for (int i = 0; i < freqsHz.length; i++) {
                double w = 2 * Math.PI * freqsHz[i] / rateHz * n;
                b[1 + 2 * i] = Math.cos(w);
                b[2 + 2 * i] = Math.sin(w);
            }
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < m; j++) {
                    g[i][j] += b[i] * b[j];
                }
                g[i][m] += b[i] * y[n];
            }
        }
        for (int col = 0; col < m; col++) {
            int pivot = col;
            for (int row = col + 1; row < m; row++) {
                if (Math.abs(g[row][col]) > Math.abs(g[pivot][col])) {
                    pivot = row;
                }
            }
            double[] swap = g[col];
            g[col] = g[pivot];
            g[pivot] = swap;
            for (int row = 0; row < m; row++) {
                if (row != col) {
                    double f = g[row][col] / g[col][col];
                    for (int k = col; k <= m; k++) {
                        g[row][k] -= f * g[col][k];
                    }
                }
            }
        }
        double[] c = new double[m];
        for (int i = 0; i < m; i++) {
            c[i] = g[i][m] / g[i][i];
        }
        return c;
    }
}
