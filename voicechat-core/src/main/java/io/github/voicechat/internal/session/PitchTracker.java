package io.github.voicechat.internal.session;

import java.util.Arrays;

/**
 * The voice's pitch trend at the end of what was said: an autocorrelation pitch tracker (70–400 Hz, a 30 ms window
 * every 10 ms, on audio decimated to about 8 kHz) and a least-squares line through the voiced points of the last
 * {@link #TREND_MS} before the latest one, in semitones per second.
 *
 * <p>Session thread only; preallocated, so it adds no garbage per frame. Fed the same audio as the VAD.
 */
final class PitchTracker {

    static final int MIN_HZ = 70;
    static final int MAX_HZ = 400;
    static final int WINDOW_MS = 30;
    static final int HOP_MS = 10;
    /** The stretch of voice the trend is read from: the end of a phrase, where its final fall or rise is. */
    static final int TREND_MS = 300;
    /** A window is voiced when its normalised autocorrelation peak reaches this ... */
    static final double VOICED_CORRELATION = 0.6;
    /** ... and its level this (−45 dBFS RMS). */
    static final double VOICED_RMS = 0.0056;
    /** A point further than this from the median of the trend's points is an octave error, not intonation. */
    static final double OUTLIER_SEMITONES = 6;
    /** Fewer voiced points than this (50 ms) tell no trend. */
    static final int MIN_POINTS = 5;

    private final int decimation;
    private final double rateHz;
    private final int window;
    private final int minLag;
    private final int maxLag;
    private final int hop;
    /** The last {@code window + maxLag} decimated samples, oldest first. */
    private final float[] history;
    private int filled;
    private int sinceHop;
    private float accumulator;
    private int accumulated;
    /** Decimated samples seen so far: the time axis of the points. */
    private long position;

    private final long[] pointAt;
    private final double[] pointSemitones;
    private final double[] scratch;
    private int points;
    private int nextPoint;
    private long version;
    private long slopeVersion = -1;
    private double slope = Double.NaN;

    /** @param sampleRateHz the rate of the audio it is fed */
    PitchTracker(int sampleRateHz) {
        this.decimation = Math.max(1, sampleRateHz / 8000);
        this.rateHz = (double) sampleRateHz / decimation;
        this.window = (int) (rateHz * WINDOW_MS / 1000);
        this.minLag = (int) Math.floor(rateHz / MAX_HZ);
        this.maxLag = (int) Math.ceil(rateHz / MIN_HZ);
        this.hop = (int) (rateHz * HOP_MS / 1000);
        this.history = new float[window + maxLag + 1];
        int capacity = TREND_MS / HOP_MS + 1;
        this.pointAt = new long[capacity];
        this.pointSemitones = new double[capacity];
        this.scratch = new double[capacity];
    }

    /** Feeds audio at the rate given at construction. */
    void accept(float[] samples, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            accumulator += samples[i];
            if (++accumulated < decimation) {
                continue;
            }
            float x = accumulator / decimation; // a boxcar: enough low-pass for a pitch up to 400 Hz
            accumulator = 0;
            accumulated = 0;
            push(x);
        }
    }

    private void push(float x) {
        if (filled == history.length) {
            System.arraycopy(history, 1, history, 0, history.length - 1);
            history[history.length - 1] = x;
        } else {
            history[filled++] = x;
        }
        position++;
        if (++sinceHop >= hop && filled == history.length) {
            sinceHop = 0;
            analyse();
        }
    }

    /** Pitch of the window ending at the newest sample, compared with the {@code maxLag} samples before it. */
    private void analyse() {
        int start = history.length - window;
        double e0 = 0;
        for (int i = start; i < history.length; i++) {
            e0 += history[i] * history[i];
        }
        if (Math.sqrt(e0 / window) < VOICED_RMS) {
            return;
        }
        double best = 0;
        int bestLag = -1;
        for (int lag = minLag; lag <= maxLag; lag++) {
            double c = correlation(start, lag, e0);
            if (c > best) {
                best = c;
                bestLag = lag;
            }
        }
        if (bestLag < 0 || best < VOICED_CORRELATION) {
            return;
        }
        // The shortest period nearly as good as the best: a double period correlates as well as the true one.
        for (int lag = minLag; lag < bestLag; lag++) {
            double c = correlation(start, lag, e0);
            if (c >= 0.9 * best && c >= correlation(start, lag - 1, e0) && c >= correlation(start, lag + 1, e0)) {
                bestLag = lag;
                best = c;
                break;
            }
        }
        double left = correlation(start, bestLag - 1, e0);
        double right = correlation(start, bestLag + 1, e0);
        double denominator = left - 2 * best + right;
        double lag = bestLag + (denominator < 0 ? 0.5 * (left - right) / denominator : 0);
        double hz = rateHz / lag;
        pointAt[nextPoint] = position;
        pointSemitones[nextPoint] = 12 * Math.log(hz / 100.0) / Math.log(2);
        nextPoint = (nextPoint + 1) % pointAt.length;
        points = Math.min(points + 1, pointAt.length);
        version++;
    }

    /** Normalised correlation of the window with itself {@code lag} samples earlier; 0 outside the history. */
    private double correlation(int start, int lag, double e0) {
        if (lag < 1 || start - lag < 0) {
            return 0;
        }
        double c = 0;
        double el = 0;
        for (int i = start; i < history.length; i++) {
            float y = history[i - lag];
            c += history[i] * y;
            el += y * y;
        }
        return el <= 0 ? 0 : c / Math.sqrt(e0 * el);
    }

    /**
     * {@return the pitch trend over the last {@link #TREND_MS} of voice before the latest voiced point, in semitones
     * per second; NaN with fewer than {@link #MIN_POINTS} voiced points there}
     */
    double slopeSemitonesPerS() {
        if (slopeVersion == version) {
            return slope;
        }
        slopeVersion = version;
        slope = Double.NaN;
        if (points < MIN_POINTS) {
            return slope;
        }
        int newest = (nextPoint - 1 + pointAt.length) % pointAt.length;
        long from = pointAt[newest] - (long) (rateHz * TREND_MS / 1000);
        int n = 0;
        for (int k = 0; k < points; k++) {
            int idx = (newest - k + pointAt.length) % pointAt.length;
            if (pointAt[idx] < from) {
                break;
            }
            scratch[n++] = pointSemitones[idx];
        }
        if (n < MIN_POINTS) {
            return slope;
        }
        Arrays.sort(scratch, 0, n);
        double median = scratch[n / 2];
        double st = 0;
        double sy = 0;
        double stt = 0;
        double sty = 0;
        int used = 0;
        for (int k = 0; k < n; k++) {
            int idx = (newest - k + pointAt.length) % pointAt.length;
            double y = pointSemitones[idx];
            if (Math.abs(y - median) > OUTLIER_SEMITONES) {
                continue;
            }
            double t = (pointAt[idx] - from) / rateHz;
            st += t;
            sy += y;
            stt += t * t;
            sty += t * y;
            used++;
        }
        double d = used * stt - st * st;
        if (used < MIN_POINTS || d <= 0) {
            return slope;
        }
        slope = (used * sty - st * sy) / d;
        return slope;
    }
}
