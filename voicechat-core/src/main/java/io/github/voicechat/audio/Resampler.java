package io.github.voicechat.audio;

import io.github.voicechat.audio.internal.PolyphaseFilterBank;
import java.util.Arrays;
import java.util.Objects;

/**
 * Streaming sample-rate converter for mono float audio between any two of {@link AudioFormat#STANDARD_RATES_HZ}.
 *
 * <p>A rational {@code L/M} polyphase resampler with a Kaiser-windowed sinc low-pass: passband flat within 0.1 dB
 * up to {@code 0.45 * min(in, out)}, images and aliases at or below -80 dB from {@code 0.5 * min(in, out)} on. The
 * filter history is kept between calls, so a signal cut into chunks of any sizes yields exactly the same samples as
 * the same signal processed in one call: there are no clicks at frame joins.
 *
 * <p><b>Timing.</b> Output sample {@code n} represents input time {@code (n - delaySamples()) / outRateHz()}: the
 * group delay is a whole number of output samples ({@link #delaySamples()}), so dropping the first
 * {@code delaySamples()} outputs aligns the result with the input. After {@code N} input samples in total the
 * resampler has written exactly {@code ceil(N * outRateHz / inRateHz)} samples; {@link #flush} writes the remaining
 * {@code delaySamples()} (the filter tail), after which the aligned output covers the whole input.
 *
 * <p><b>Allocation.</b> Nothing is allocated after construction. Filter tables are shared between instances with
 * the same rate pair; the per-instance state is a few kilobytes.
 *
 * <p><b>NaN and infinities</b> are not checked on the hot path. Such a sample makes every output whose filter
 * window covers it NaN, i.e. about {@code tapsPerPhase} input samples' worth of output; the filter has no feedback,
 * so the output recovers by itself once the sample has left the window. {@link #reset()} clears it at once.
 *
 * <p>Not thread-safe: one instance per stream, used by one thread at a time.
 */
public final class Resampler {

    private final int inRateHz;
    private final int outRateHz;
    private final boolean identity;
    private final int up;
    private final int down;
    private final int taps;
    private final int delaySamples;
    private final float[] coefficients;
    /** Last {@code taps} input samples, stored twice so the window {@code [pos, pos + taps)} is contiguous. */
    private final float[] history;

    private int historyPos;
    /** Phase (0..up-1) of the next output sample within its input sample interval. */
    private int phase;
    /** Input samples still to be pushed before the next output sample can be computed (at least 1). */
    private int pushesUntilOutput;

    private Resampler(int inRateHz, int outRateHz) {
        this.inRateHz = inRateHz;
        this.outRateHz = outRateHz;
        this.identity = inRateHz == outRateHz;
        if (identity) {
            this.up = 1;
            this.down = 1;
            this.taps = 0;
            this.delaySamples = 0;
            this.coefficients = new float[0];
            this.history = new float[0];
        } else {
            PolyphaseFilterBank bank = PolyphaseFilterBank.forRates(inRateHz, outRateHz);
            this.up = bank.upFactor();
            this.down = bank.downFactor();
            this.taps = bank.tapsPerPhase();
            this.delaySamples = bank.delayOutputSamples();
            this.coefficients = bank.coefficients();
            this.history = new float[2 * taps];
        }
        reset();
    }

    /**
     * {@return a resampler from {@code inRateHz} to {@code outRateHz}; a pass-through copy when they are equal}
     *
     * @param inRateHz  the input rate
     * @param outRateHz the output rate
     * @throws IllegalArgumentException when either rate is not one of {@link AudioFormat#STANDARD_RATES_HZ}
     */
    public static Resampler create(int inRateHz, int outRateHz) {
        requireStandardRate("inRateHz", inRateHz);
        requireStandardRate("outRateHz", outRateHz);
        return new Resampler(inRateHz, outRateHz);
    }

    private static void requireStandardRate(String name, int rateHz) {
        for (int r : AudioFormat.STANDARD_RATES_HZ) {
            if (r == rateHz) {
                return;
            }
        }
        throw new IllegalArgumentException(name + " must be one of " + Arrays.toString(AudioFormat.STANDARD_RATES_HZ)
                + " Hz, was " + rateHz + " Hz");
    }

    /** {@return the input rate in Hz} */
    public int inRateHz() {
        return inRateHz;
    }

    /** {@return the output rate in Hz} */
    public int outRateHz() {
        return outRateHz;
    }

    /**
     * {@return the group delay in output samples (exact); 0 for the identity} Also the number of samples
     * {@link #flush} writes.
     */
    public int delaySamples() {
        return delaySamples;
    }

    /** {@return the group delay in milliseconds} */
    public double latencyMs() {
        return delaySamples * 1000.0 / outRateHz;
    }

    /**
     * Upper bound of the samples one {@link #process} call writes for {@code inLen} input samples, whatever the state:
     * {@code ceil(inLen * outRateHz / inRateHz)}. Size output buffers with it.
     *
     * @param inLen a number of input samples
     * @return the most output samples they can produce
     */
    public int maxOutputSamples(int inLen) {
        if (inLen < 0) {
            throw new IllegalArgumentException("inLen must be >= 0, was " + inLen);
        }
        return (int) (((long) inLen * up + down - 1) / down);
    }

    /**
     * Exactly the samples the next {@link #process} call writes for {@code inLen} input samples in the current state
     * ({@code maxOutputSamples(inLen)} or one less).
     *
     * @param inLen a number of input samples
     * @return the output samples they produce now
     */
    public int outputSamplesFor(int inLen) {
        if (inLen < 0) {
            throw new IllegalArgumentException("inLen must be >= 0, was " + inLen);
        }
        if (identity) {
            return inLen;
        }
        long numerator = ((long) inLen - (pushesUntilOutput - 1)) * up - phase;
        return numerator <= 0 ? 0 : (int) ((numerator + down - 1) / down);
    }

    /**
     * Converts {@code inLen} samples of {@code in} from {@code inOff}, writing the output at {@code out[outOff...]}.
     *
     * @param in     the input samples
     * @param inOff  index of the first input sample
     * @param inLen  how many input samples
     * @param out    where the output goes
     * @param outOff index of the first output sample
     * @return the number of samples written, {@link #outputSamplesFor outputSamplesFor(inLen)}
     * @throws IllegalArgumentException when a range is outside its array or {@code out} has too little room after
     *     {@code outOff} for this call's output
     */
    public int process(float[] in, int inOff, int inLen, float[] out, int outOff) {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(out, "out");
        if (inOff < 0 || inLen < 0 || inOff > in.length - inLen) {
            throw new IllegalArgumentException("input range [" + inOff + ", " + inOff + " + " + inLen
                    + ") is outside the input array of length " + in.length);
        }
        if (outOff < 0 || outOff > out.length) {
            throw new IllegalArgumentException("outOff must be 0.." + out.length + ", was " + outOff);
        }
        int needed = outputSamplesFor(inLen);
        if (out.length - outOff < needed) {
            throw new IllegalArgumentException("output array too small: " + inLen + " input samples at " + inRateHz
                    + " Hz need " + needed + " output samples at " + outRateHz + " Hz from offset " + outOff
                    + ", given room for " + (out.length - outOff));
        }
        if (identity) {
            System.arraycopy(in, inOff, out, outOff, inLen);
            return inLen;
        }
        return convert(in, inOff, inLen, out, outOff, Integer.MAX_VALUE);
    }

    /**
     * Drains the filter tail at the end of a stream: writes exactly {@link #delaySamples()} samples (the response to
     * the last input samples, as if silence followed), then {@link #reset() resets} for a new stream.
     *
     * @param out    where the tail goes
     * @param outOff index of its first sample
     * @return the number of samples written, {@code delaySamples()}
     * @throws IllegalArgumentException when {@code out} has fewer than {@code delaySamples()} samples of room
     */
    public int flush(float[] out, int outOff) {
        Objects.requireNonNull(out, "out");
        if (outOff < 0 || outOff > out.length) {
            throw new IllegalArgumentException("outOff must be 0.." + out.length + ", was " + outOff);
        }
        if (out.length - outOff < delaySamples) {
            throw new IllegalArgumentException("output array too small for flush: need " + delaySamples
                    + " samples from offset " + outOff + ", given room for " + (out.length - outOff));
        }
        int written = 0;
        while (written < delaySamples) {
            written += convert(null, 0, 1, out, outOff + written, delaySamples - written);
        }
        reset();
        return written;
    }

    /** Forgets all history (as if the stream started anew with silence before it); clears any NaN. */
    public void reset() {
        Arrays.fill(history, 0f);
        historyPos = 0;
        phase = 0;
        pushesUntilOutput = 1;
    }

    /**
     * The hot loop. {@code in == null} pushes zeros. Stops after {@code maxOut} outputs, which only {@link #flush}
     * uses (its state is discarded afterwards, so stopping mid-sample is harmless there).
     */
    private int convert(float[] in, int inOff, int inLen, float[] out, int outOff, int maxOut) {
        final float[] h = history;
        final float[] c = coefficients;
        final int k = taps;
        final int l = up;
        final int m = down;
        int pos = historyPos;
        int p = phase;
        int s = pushesUntilOutput;
        int o = outOff;
        int outEnd = maxOut == Integer.MAX_VALUE ? Integer.MAX_VALUE : outOff + maxOut;
        for (int i = 0; i < inLen; i++) {
            float x = in == null ? 0f : in[inOff + i];
            h[pos] = x;
            h[pos + k] = x;
            pos++;
            if (pos == k) {
                pos = 0;
            }
            if (--s == 0) {
                do {
                    if (o == outEnd) {
                        break;
                    }
                    out[o++] = dot(c, p * k, h, pos, k);
                    p += m;
                    s = p / l;
                    p -= s * l;
                } while (s == 0);
            }
        }
        historyPos = pos;
        phase = p;
        pushesUntilOutput = s;
        return o - outOff;
    }

    /** Eight independent sums break the add dependency chain; the order is fixed, so results do not vary by chunking. */
    private static float dot(float[] c, int cOff, float[] h, int hOff, int n) {
        float a0 = 0;
        float a1 = 0;
        float a2 = 0;
        float a3 = 0;
        float a4 = 0;
        float a5 = 0;
        float a6 = 0;
        float a7 = 0;
        int i = 0;
        for (; i + 7 < n; i += 8) {
            a0 += c[cOff + i] * h[hOff + i];
            a1 += c[cOff + i + 1] * h[hOff + i + 1];
            a2 += c[cOff + i + 2] * h[hOff + i + 2];
            a3 += c[cOff + i + 3] * h[hOff + i + 3];
            a4 += c[cOff + i + 4] * h[hOff + i + 4];
            a5 += c[cOff + i + 5] * h[hOff + i + 5];
            a6 += c[cOff + i + 6] * h[hOff + i + 6];
            a7 += c[cOff + i + 7] * h[hOff + i + 7];
        }
        for (; i < n; i++) {
            a0 += c[cOff + i] * h[hOff + i];
        }
        return ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7));
    }

    @Override
    public String toString() {
        return "Resampler[" + inRateHz + " Hz -> " + outRateHz + " Hz, " + (identity ? "identity"
                : "L/M=" + up + "/" + down + ", " + taps + " taps/phase, delay " + delaySamples + " samples") + "]";
    }
}
