package io.github.voicechat.audio;

/**
 * Sample rate, channel count and encoding of a stream of audio.
 *
 * <p>Validated on construction so a bad rate fails here, with the value named, rather than deep inside an engine.
 */
public record AudioFormat(int sampleRateHz, int channels, SampleEncoding encoding) {

    /** Upper bound for any rate we accept; beyond it a header is almost certainly corrupt. */
    public static final int MAX_SAMPLE_RATE_HZ = 384_000;
    public static final int MAX_CHANNELS = 8;

    /** The rates the resampler and the engines are tested with. */
    public static final int[] STANDARD_RATES_HZ = {8_000, 16_000, 22_050, 24_000, 32_000, 44_100, 48_000};

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

    public static AudioFormat monoPcm16(int sampleRateHz) {
        return new AudioFormat(sampleRateHz, 1, SampleEncoding.PCM16);
    }

    public static AudioFormat monoFloat(int sampleRateHz) {
        return new AudioFormat(sampleRateHz, 1, SampleEncoding.FLOAT32);
    }

    /** Bytes of one sample frame (all channels). */
    public int bytesPerFrame() {
        return channels * encoding.bytesPerSample();
    }

    /** Samples per channel in {@code durationMs} milliseconds, rounded down. */
    public int samplesFor(int durationMs) {
        return (int) ((long) sampleRateHz * durationMs / 1000);
    }

    /** Milliseconds represented by {@code samples} samples per channel. */
    public double millisFor(long samples) {
        return samples * 1000.0 / sampleRateHz;
    }
}
