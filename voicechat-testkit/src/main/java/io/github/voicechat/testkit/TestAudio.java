package io.github.voicechat.testkit;

import io.github.voicechat.audio.AudioData;
import io.github.voicechat.audio.WavReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Random;

/** Audio helpers for the tests: reading the shared clips, simple rate changes, noise. */
public final class TestAudio {

    private TestAudio() {
    }

    /**
     * {@return the mono samples of a 16 kHz WAV file}
     *
     * @param wav the file
     * @throws IllegalStateException if it is at another rate
     * @throws java.io.UncheckedIOException if it cannot be read
     */
    public static float[] read16k(Path wav) {
        try {
            AudioData d = WavReader.read(wav);
            if (d.sampleRateHz() != 16_000) {
                throw new IllegalStateException(wav + " is at " + d.sampleRateHz() + " Hz, expected 16000");
            }
            return d.mono();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Rate change by a rational factor with a Hann-windowed sinc (32 zero crossings each side, cut-off at 0.9 of the
     * lower Nyquist): slow, exact enough for tests, independent of the library's resampler.
     *
     * @param in        the samples
     * @param inRateHz  their rate
     * @param outRateHz the rate wanted
     * @return the resampled samples
     */
    public static float[] resample(float[] in, int inRateHz, int outRateHz) {
        if (inRateHz == outRateHz) {
            return in.clone();
        }
        int outLength = (int) ((long) in.length * outRateHz / inRateHz);
        float[] out = new float[outLength];
        double ratio = (double) outRateHz / inRateHz;
        double cutoff = 0.9 * Math.min(1.0, ratio); // in units of the input Nyquist
        int zeroCrossings = 32;
        double halfWidth = zeroCrossings / cutoff; // input samples each side
        for (int n = 0; n < outLength; n++) {
            double t = n / ratio; // position in input samples
            int first = (int) Math.ceil(t - halfWidth);
            int last = (int) Math.floor(t + halfWidth);
            double acc = 0;
            for (int k = Math.max(0, first); k <= Math.min(in.length - 1, last); k++) {
                double x = k - t;
                double arg = Math.PI * cutoff * x;
                double sinc = x == 0 ? 1.0 : Math.sin(arg) / arg;
                double w = 0.5 * (1 + Math.cos(Math.PI * x / halfWidth));
                acc += in[k] * cutoff * sinc * w;
            }
            out[n] = (float) acc;
        }
        return out;
    }

    /**
     * Adds white noise of the given RMS level, seeded.
     *
     * @param x    the samples, changed in place
     * @param dbfs the noise's RMS level in dBFS
     * @param seed the random seed, so runs repeat
     */
    public static void addWhiteNoise(float[] x, double dbfs, long seed) {
        Random r = new Random(seed);
        double rms = Math.pow(10, dbfs / 20);
        // A uniform variable on [-a, a] has RMS a / sqrt(3).
        double a = rms * Math.sqrt(3);
        for (int i = 0; i < x.length; i++) {
            x[i] += (float) ((r.nextDouble() * 2 - 1) * a);
        }
    }

    /**
     * {@return the parts one after the other, in a new array}
     *
     * @param parts the arrays
     */
    public static float[] concat(float[]... parts) {
        int n = 0;
        for (float[] p : parts) {
            n += p.length;
        }
        float[] out = new float[n];
        int o = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }

    /**
     * {@return the samples from {@code fromS} to {@code toS} seconds, in a new array}
     *
     * @param x      the samples
     * @param fromS  the start in seconds
     * @param toS    the end in seconds
     * @param rateHz the samples' rate
     */
    public static float[] slice(float[] x, double fromS, double toS, int rateHz) {
        int a = (int) Math.round(fromS * rateHz);
        int b = (int) Math.round(toS * rateHz);
        return java.util.Arrays.copyOfRange(x, a, b);
    }

    /**
     * {@return the median of {@code v}}
     *
     * @param v values, not changed
     */
    public static double median(double[] v) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
