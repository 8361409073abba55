package io.github.voicechat.whisper.internal;

import java.util.Arrays;

/**
 * Collects one utterance of 16 kHz audio in a grow-only array that is reused for the next utterance, and hands out
 * windows of at most {@code windowSamples}: Whisper sees 30 s at a time, so a longer utterance is cut into windows
 * that are transcribed as they fill, and the buffer never holds more than one window.
 *
 * <p>Not thread safe: owned by one recognizer, used by one thread at a time.
 */
public final class UtteranceBuffer {

    /** Receives a full window: {@code samples[0, length)} starting {@code startSample} samples into the utterance. */
    @FunctionalInterface
    public interface WindowSink {
        void window(float[] samples, int length, long startSample);
    }

    private final int windowSamples;
    private float[] data;
    private int length;
    private long windowStart;

    /**
     * @param windowSamples   the largest window handed out (Whisper: 30 s = 480 000 samples)
     * @param initialCapacity samples allocated up front; the array doubles as needed up to {@code windowSamples}
     */
    public UtteranceBuffer(int windowSamples, int initialCapacity) {
        if (windowSamples <= 0) {
            throw new IllegalArgumentException("window must be at least 1 sample, was " + windowSamples);
        }
        if (initialCapacity < 0) {
            throw new IllegalArgumentException("initial capacity must be >= 0 samples, was " + initialCapacity);
        }
        this.windowSamples = windowSamples;
        this.data = new float[Math.min(initialCapacity, windowSamples)];
    }

    /**
     * Checks that every sample is finite, without copying anything: a NaN must be refused before any of the batch
     * is buffered, and long before it could reach native code.
     *
     * @throws IllegalArgumentException naming the index and value of the first bad sample
     */
    public static void requireFinite(float[] samples, int offset, int length) {
        for (int i = offset, end = offset + length; i < end; i++) {
            float s = samples[i];
            if (!Float.isFinite(s)) {
                throw new IllegalArgumentException("audio sample " + (i - offset) + " of this batch (array index "
                        + i + ") is " + s + "; expected a finite value in [-1, 1]");
            }
        }
    }

    /** Checks array bounds the way {@link System#arraycopy} would, with a message that names the values. */
    public static void requireRange(float[] samples, int offset, int length) {
        if (samples == null) {
            throw new IllegalArgumentException("samples must not be null");
        }
        if (offset < 0 || length < 0 || offset > samples.length - length) {
            throw new IllegalArgumentException("offset " + offset + " and length " + length
                    + " do not fit an array of " + samples.length + " samples");
        }
    }

    /**
     * Appends audio; each time the buffered audio reaches a full window it is handed to {@code sink} and the buffer
     * starts the next window. Validates the whole batch first, so a bad sample leaves the buffer unchanged.
     */
    public void append(float[] samples, int offset, int count, WindowSink sink) {
        requireRange(samples, offset, count);
        requireFinite(samples, offset, count);
        int pos = offset;
        int left = count;
        while (left > 0) {
            int n = Math.min(left, windowSamples - length);
            ensureCapacity(length + n);
            System.arraycopy(samples, pos, data, length, n);
            length += n;
            pos += n;
            left -= n;
            if (length == windowSamples) {
                emit(sink);
            }
        }
    }

    /** Hands the buffered remainder (if any) to {@code sink} and resets for the next utterance. */
    public void flush(WindowSink sink) {
        if (length > 0) {
            emit(sink);
        }
        windowStart = 0;
    }

    /** Drops everything buffered; the array is kept for the next utterance. */
    public void clear() {
        length = 0;
        windowStart = 0;
    }

    /** Samples buffered in the current window. */
    public int length() {
        return length;
    }

    /** Samples of this utterance already handed out in earlier windows. */
    public long windowStart() {
        return windowStart;
    }

    /** The current array size (grows, never shrinks, never beyond one window). */
    public int capacity() {
        return data.length;
    }

    public int windowSamples() {
        return windowSamples;
    }

    private void emit(WindowSink sink) {
        long start = windowStart;
        int n = length;
        // Reset before calling out, so a sink that throws leaves the buffer in a usable state.
        windowStart += n;
        length = 0;
        sink.window(data, n, start);
    }

    private void ensureCapacity(int needed) {
        if (needed > data.length) {
            int grown = (int) Math.min(windowSamples, Math.max((long) needed, Math.max(16L, data.length * 2L)));
            data = Arrays.copyOf(data, grown);
        }
    }
}
