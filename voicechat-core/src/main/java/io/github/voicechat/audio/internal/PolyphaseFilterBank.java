package io.github.voicechat.audio.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Kaiser-windowed sinc low-pass, split into the {@code L} polyphase branches of a rational {@code L/M} resampler.
 *
 * <p>Immutable and shared: every resampler for the same rate pair uses one instance (there are at most 42 pairs
 * of standard rates, and the largest bank is about 200 KiB), so creating a resampler per session costs no design
 * time after the first.
 *
 * <p>Design, with {@code fMin = min(in, out)}: passband edge {@code 0.45 fMin}, stopband edge {@code 0.5 fMin}
 * (cutoff halfway), {@value #STOPBAND_ATTENUATION_DB} dB Kaiser design attenuation. The requirement is -80 dB for
 * images and aliases; the 10 dB margin absorbs float coefficient rounding and the window-length estimate being
 * approximate. Kaiser ripple at that attenuation is ~3e-5, far inside the 0.1 dB passband bound.
 *
 * <p>The prototype is not centred on its taps: its centre is placed at {@code delay * M} (in {@code 1/L} input
 * sample units), so the group delay is an exact whole number of output samples and callers can align audio
 * without fractional bookkeeping.
 */
public final class PolyphaseFilterBank {

    /** Kaiser design attenuation in dB (stopband rejection and passband ripple {@code 10^(-A/20)}). */
    public static final double STOPBAND_ATTENUATION_DB = 90.0;
    /** Passband edge as a fraction of the lower of the two rates. */
    public static final double PASSBAND_EDGE = 0.45;
    /** Stopband edge as a fraction of the lower of the two rates (the lower Nyquist frequency). */
    public static final double STOPBAND_EDGE = 0.5;

    private static final ConcurrentMap<Long, PolyphaseFilterBank> CACHE = new ConcurrentHashMap<>();

    private final int upFactor;
    private final int downFactor;
    private final int tapsPerPhase;
    private final int delayOutputSamples;
    /** Phase {@code p}'s taps at {@code [p * tapsPerPhase, (p + 1) * tapsPerPhase)}, oldest input sample first. */
    private final float[] coefficients;

    private PolyphaseFilterBank(int inRateHz, int outRateHz) {
        int g = gcd(inRateHz, outRateHz);
        this.upFactor = outRateHz / g;
        this.downFactor = inRateHz / g;
        int l = upFactor;
        int m = downFactor;

        double fMin = Math.min(inRateHz, outRateHz);
        // Frequencies normalised to the input rate (cycles per input sample).
        double cutoff = (PASSBAND_EDGE + STOPBAND_EDGE) / 2 * fMin / inRateHz;
        double transition = (STOPBAND_EDGE - PASSBAND_EDGE) * fMin / inRateHz;
        double a = STOPBAND_ATTENUATION_DB;
        double beta = a > 50 ? 0.1102 * (a - 8.7) : a >= 21 ? 0.5842 * Math.pow(a - 21, 0.4) + 0.07886 * (a - 21) : 0;
        // Kaiser's length estimate, in input samples of time span.
        double span = (a - 7.95) / (14.36 * transition);
        double halfWidthInput = span / 2;
        long halfWidth = (long) Math.ceil(halfWidthInput * l); // in 1/L input-sample units

        // Centre c = delay * M >= halfWidth keeps the filter causal; taps j = 0 .. K*L-1 must reach c + halfWidth.
        this.delayOutputSamples = (int) ((halfWidth + m - 1) / m);
        long centre = (long) delayOutputSamples * m;
        this.tapsPerPhase = (int) ((centre + halfWidth + 1 + l - 1) / l);

        double i0Beta = besselI0(beta);
        int k = tapsPerPhase;
        float[] c = new float[l * k];
        for (int phase = 0; phase < l; phase++) {
            for (int tap = 0; tap < k; tap++) {
                long j = phase + (long) tap * l;
                double t = (double) (j - centre) / l; // time offset in input samples
                double value;
                double x = (j - centre) / (double) halfWidth;
                if (Math.abs(x) > 1) {
                    value = 0;
                } else {
                    double window = besselI0(beta * Math.sqrt(1 - x * x)) / i0Beta;
                    value = 2 * cutoff * sinc(2 * cutoff * t) * window;
                }
                // Stored reversed so the dot product walks coefficients and history in the same direction.
                c[phase * k + (k - 1 - tap)] = (float) value;
            }
        }
        this.coefficients = c;
    }

    /** The shared bank for a rate pair; rates must already be validated by the caller. */
    public static PolyphaseFilterBank forRates(int inRateHz, int outRateHz) {
        long key = ((long) inRateHz << 32) | outRateHz;
        return CACHE.computeIfAbsent(key, unused -> new PolyphaseFilterBank(inRateHz, outRateHz));
    }

    /** {@code L}: output rate / gcd. */
    public int upFactor() {
        return upFactor;
    }

    /** {@code M}: input rate / gcd. */
    public int downFactor() {
        return downFactor;
    }

    /** Taps of each polyphase branch, i.e. input samples that contribute to one output sample. */
    public int tapsPerPhase() {
        return tapsPerPhase;
    }

    /** Group delay, an exact whole number of output samples. */
    public int delayOutputSamples() {
        return delayOutputSamples;
    }

    /** Shared read-only table; callers must not write to it. */
    public float[] coefficients() {
        return coefficients;
    }

    private static double sinc(double x) {
        if (x == 0) {
            return 1;
        }
        double px = Math.PI * x;
        return Math.sin(px) / px;
    }

    /** Zeroth-order modified Bessel function of the first kind, by its power series (converges fast for x < 50). */
    static double besselI0(double x) {
        double sum = 1;
        double term = 1;
        double halfX = x / 2;
        for (int n = 1; n < 200; n++) {
            term *= (halfX / n) * (halfX / n);
            sum += term;
            if (term < sum * 1e-17) {
                break;
            }
        }
        return sum;
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
