package io.github.voicechat.audio;

/**
 * Cuts audio arriving in chunks of any size into frames of exactly {@code frameSamples}, keeping the remainder for the
 * next push. Zero allocation after construction.
 */
public final class Framer {

    /** Receives each complete frame; the array is reused, so copy what you keep. */
    @FunctionalInterface
    public interface FrameConsumer {
        /**
         * Takes one complete frame.
         *
         * @param frame       the array holding it, reused for the next frame
         * @param offset      index of its first sample
         * @param length      its length, always the framer's {@code frameSamples}
         * @param startSample its position in the stream
         */
        void accept(float[] frame, int offset, int length, long startSample);
    }

    private final int frameSamples;
    private final float[] pending;
    private int pendingLength;
    private long nextStartSample;

    /**
     * A framer starting at sample 0.
     *
     * @param frameSamples the length of every frame
     */
    public Framer(int frameSamples) {
        if (frameSamples <= 0) {
            throw new IllegalArgumentException("frame length must be positive, was " + frameSamples);
        }
        this.frameSamples = frameSamples;
        this.pending = new float[frameSamples];
    }

    /** {@return the length of every frame} */
    public int frameSamples() {
        return frameSamples;
    }

    /** {@return the samples held back until the next push completes a frame} */
    public int remainder() {
        return pendingLength;
    }

    /** {@return the stream position of the next frame's first sample} */
    public long nextStartSample() {
        return nextStartSample;
    }

    /**
     * Adds {@code length} samples and emits every frame they complete, in order.
     *
     * @param src      the samples
     * @param offset   index of the first one
     * @param length   how many
     * @param consumer takes each completed frame
     */
    public void push(float[] src, int offset, int length, FrameConsumer consumer) {
        if (length < 0 || offset < 0 || offset + length > src.length) {
            throw new IllegalArgumentException("range [" + offset + ", " + (offset + length)
                    + ") is outside an array of " + src.length + " samples");
        }
        int i = offset;
        int end = offset + length;
        if (pendingLength > 0) {
            int take = Math.min(frameSamples - pendingLength, end - i);
            System.arraycopy(src, i, pending, pendingLength, take);
            pendingLength += take;
            i += take;
            if (pendingLength < frameSamples) {
                return;
            }
            emit(pending, 0, consumer);
            pendingLength = 0;
        }
        // Whole frames straight from the caller's array: no copy.
        while (end - i >= frameSamples) {
            emit(src, i, consumer);
            i += frameSamples;
        }
        int rest = end - i;
        System.arraycopy(src, i, pending, 0, rest);
        pendingLength = rest;
    }

    /**
     * Emits the remainder as a last frame padded with zeros to full length, if any samples are pending.
     *
     * @param consumer takes the padded frame
     * @return the number of real (unpadded) samples in the emitted frame, 0 if none was emitted
     */
    public int flushPadded(FrameConsumer consumer) {
        int real = pendingLength;
        if (real == 0) {
            return 0;
        }
        java.util.Arrays.fill(pending, real, frameSamples, 0f);
        emit(pending, 0, consumer);
        pendingLength = 0;
        return real;
    }

    /**
     * Drops the remainder and restarts positions at {@code startSample}.
     *
     * @param startSample the position of the next frame's first sample
     */
    public void reset(long startSample) {
        pendingLength = 0;
        nextStartSample = startSample;
    }

    private void emit(float[] array, int offset, FrameConsumer consumer) {
        long start = nextStartSample;
        nextStartSample += frameSamples;
        consumer.accept(array, offset, frameSamples, start);
    }
}
