package io.github.voicechat.audio;

import java.util.Arrays;

/**
 * A mutable slot holding one frame of mono float audio and its place in the stream.
 *
 * <p>Frames are preallocated by the frame bus and reused (as Disruptor events are), so the hot path never
 * allocates. {@link #startSample()} is the frame's position in samples since the stream began: audio time is the
 * truth, and every latency is computed from it. A consumer that keeps a frame beyond its callback must
 * {@link #copy()} it.
 */
public final class AudioFrame {

    private final float[] samples;
    private int length;
    private int sampleRateHz;
    private long startSample;
    private long sequence;

    /**
     * A frame able to hold up to {@code capacitySamples} samples.
     *
     * @param capacitySamples the largest frame this slot holds
     */
    public AudioFrame(int capacitySamples) {
        if (capacitySamples <= 0) {
            throw new IllegalArgumentException("capacity must be positive, was " + capacitySamples);
        }
        this.samples = new float[capacitySamples];
    }

    /**
     * Fills this frame from {@code src}. The samples are copied.
     *
     * @param src          where the samples come from
     * @param offset       index of the first sample in {@code src}
     * @param length       how many samples
     * @param sampleRateHz their sample rate
     * @param startSample  the position of the first sample in the stream
     * @param sequence     the frame's number in the stream
     * @return this frame
     * @throws IllegalArgumentException if {@code length} exceeds the capacity or the rate is not positive
     */
    public AudioFrame set(float[] src, int offset, int length, int sampleRateHz, long startSample, long sequence) {
        if (length < 0 || length > samples.length) {
            throw new IllegalArgumentException(
                    "frame length must be 0.." + samples.length + " samples, was " + length);
        }
        if (sampleRateHz <= 0) {
            throw new IllegalArgumentException("sample rate must be positive, was " + sampleRateHz);
        }
        System.arraycopy(src, offset, samples, 0, length);
        this.length = length;
        this.sampleRateHz = sampleRateHz;
        this.startSample = startSample;
        this.sequence = sequence;
        return this;
    }

    /**
     * Copies another frame's samples and metadata into this one.
     *
     * @param other the frame to copy
     * @return this frame
     */
    public AudioFrame setFrom(AudioFrame other) {
        return set(other.samples, 0, other.length, other.sampleRateHz, other.startSample, other.sequence);
    }

    /**
     * Fills this frame with {@code length} samples of silence.
     *
     * @param length       how many samples
     * @param sampleRateHz their sample rate
     * @param startSample  the position of the first sample in the stream
     * @param sequence     the frame's number in the stream
     * @return this frame
     */
    public AudioFrame setSilence(int length, int sampleRateHz, long startSample, long sequence) {
        if (length < 0 || length > samples.length) {
            throw new IllegalArgumentException(
                    "frame length must be 0.." + samples.length + " samples, was " + length);
        }
        if (sampleRateHz <= 0) {
            throw new IllegalArgumentException("sample rate must be positive, was " + sampleRateHz);
        }
        Arrays.fill(samples, 0, length, 0f);
        this.length = length;
        this.sampleRateHz = sampleRateHz;
        this.startSample = startSample;
        this.sequence = sequence;
        return this;
    }

    /** {@return the backing array; valid samples are {@code [0, length())}} Writable by the frame's current owner. */
    public float[] samples() {
        return samples;
    }

    /** {@return the number of valid samples} */
    public int length() {
        return length;
    }

    /** {@return the most samples this frame holds} */
    public int capacity() {
        return samples.length;
    }

    /** {@return the sample rate in Hz} */
    public int sampleRateHz() {
        return sampleRateHz;
    }

    /** {@return the position of the first sample, in samples since the stream began} */
    public long startSample() {
        return startSample;
    }

    /** {@return one past the last sample's position} */
    public long endSample() {
        return startSample + length;
    }

    /** {@return the frame's number in its stream} */
    public long sequence() {
        return sequence;
    }

    /** {@return the position of the first sample in milliseconds of audio time} */
    public double startMs() {
        return startSample * 1000.0 / sampleRateHz;
    }

    /** {@return the duration of the valid samples in milliseconds} */
    public double durationMs() {
        return length * 1000.0 / sampleRateHz;
    }

    /** {@return a detached copy sized to the valid samples} */
    public AudioFrame copy() {
        AudioFrame c = new AudioFrame(Math.max(1, length));
        return c.set(samples, 0, length, sampleRateHz, startSample, sequence);
    }

    @Override
    public String toString() {
        return "AudioFrame[seq=" + sequence + ", start=" + startSample + ", length=" + length + ", rate="
                + sampleRateHz + "Hz]";
    }
}
