package io.github.voicechat.audio;

/**
 * Sample rate, channel count and encoding of a stream of audio.
 *
 * <p>Validated on construction so a bad rate fails here, with the value named, rather than deep inside an engine.
 */
/**
 * @param sampleRateHz samples per second per channel, 1 to {@link #MAX_SAMPLE_RATE_HZ}
 * @param channels     1 to {@link #MAX_CHANNELS}
 * @param encoding     how each sample is stored
 */
public record AudioFormat(int sampleRateHz, int channels, SampleEncoding encoding) {

    /** Upper bound for any rate we accept; beyond it a header is almost certainly corrupt. */
    public static final int MAX_SAMPLE_RATE_HZ = 384_000;
    /** Upper bound for the channel count; beyond it a header is almost certainly corrupt. */
    public static final int MAX_CHANNELS = 8;

    /** The rates the resampler and the engines are tested with. */
    public static final int[] STANDARD_RATES_HZ = {8_000, 16_000, 22_050, 24_000, 32_000, 44_100, 48_000};

    /**
     * Checks the rate, the channel count and the encoding, naming a bad value.
     *
     * @param sampleRateHz samples per second per channel, 1 to {@link #MAX_SAMPLE_RATE_HZ}
     * @param channels     1 to {@link #MAX_CHANNELS}
     * @param encoding     how each sample is stored
     */
    public AudioFormat {
        if (sampleRateHz <= 0 || sampleRateHz > MAX_SAMPLE_RATE_HZ) {
            throw new IllegalArgumentException(
                    "sample rate must be 1.." + MAX_SAMPLE_RATE_HZ + " Hz, was " + sampleRateHz + " Hz");
        }
        if (channels < 1 || channels > MAX_CHANNELS) {
            throw new IllegalArgumentException("channels must be 1.." + MAX_CHANNELS + ", was " + channels);
        }
        if (encoding == null) {
            throw new IllegalArgumentException("encoding must not be null");
        }
    }

    /**
     * {@return mono 16-bit PCM at {@code sampleRateHz}}
     *
     * @param sampleRateHz the sample rate
     */
    public static AudioFormat monoPcm16(int sampleRateHz) {
        return new AudioFormat(sampleRateHz, 1, SampleEncoding.PCM16);
    }

    /**
     * {@return mono 32-bit float at {@code sampleRateHz}}
     *
     * @param sampleRateHz the sample rate
     */
    public static AudioFormat monoFloat(int sampleRateHz) {
        return new AudioFormat(sampleRateHz, 1, SampleEncoding.FLOAT32);
    }

    /** {@return the bytes of one sample frame (all channels)} */
    public int bytesPerFrame() {
        return channels * encoding.bytesPerSample();
    }

    /**
     * {@return the samples per channel in {@code durationMs} milliseconds, rounded down}
     *
     * @param durationMs a duration in milliseconds
     */
    public int samplesFor(int durationMs) {
        return (int) ((long) sampleRateHz * durationMs / 1000);
    }

    /**
     * {@return the milliseconds represented by {@code samples} samples per channel}
     *
     * @param samples a number of samples per channel
     */
    public double millisFor(long samples) {
        return samples * 1000.0 / sampleRateHz;
    }
}
