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

    /** A frame able to hold up to {@code capacitySamples} samples. */
    public AudioFrame(int capacitySamples) {
        if (capacitySamples <= 0) {
            throw new IllegalArgumentException("capacity must be positive, was " + capacitySamples);
        }
        this.samples = new float[capacitySamples];
    }

    /**
     * Fills this frame from {@code src}. The samples are copied.
     *
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

    /** Copies another frame's samples and metadata into this one. */
    public AudioFrame setFrom(AudioFrame other) {
        return set(other.samples, 0, other.length, other.sampleRateHz, other.startSample, other.sequence);
    }

    /** Fills this frame with {@code length} samples of silence. */
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

    /** The backing array; valid samples are {@code [0, length())}. Writable by the frame's current owner. */
    public float[] samples() {
        return samples;
    }

    public int length() {
        return length;
    }

    public int capacity() {
        return samples.length;
    }

    public int sampleRateHz() {
        return sampleRateHz;
    }

    public long startSample() {
        return startSample;
    }

    /** One past the last sample's position. */
    public long endSample() {
        return startSample + length;
    }

    public long sequence() {
        return sequence;
    }

    /** Position of the first sample in milliseconds of audio time. */
    public double startMs() {
        return startSample * 1000.0 / sampleRateHz;
    }

    public double durationMs() {
        return length * 1000.0 / sampleRateHz;
    }

    /** A detached copy sized to the valid samples. */
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
