package io.github.voicechat.audio;

/**
 * A whole clip in memory: per-channel float samples and the format they were read with.
 *
 * @param format   rate, channel count and the encoding the clip was stored in
 * @param channels {@code channels[c][i]} is sample {@code i} of channel {@code c}; all the same length
 */
public record AudioData(AudioFormat format, float[][] channels) {

    /**
     * Checks that the channels match the format's count and are all the same length.
     *
     * @param format   rate, channel count and the encoding the clip was stored in
     * @param channels {@code channels[c][i]} is sample {@code i} of channel {@code c}; all the same length
     */
    public AudioData {
        if (channels.length != format.channels()) {
            throw new IllegalArgumentException(
                    "format says " + format.channels() + " channels but " + channels.length + " were given");
        }
        for (float[] ch : channels) {
            if (ch.length != channels[0].length) {
                throw new IllegalArgumentException("channels differ in length: " + ch.length + " vs "
                        + channels[0].length);
            }
        }
    }

    /**
     * {@return a mono clip of {@code samples}, recorded as PCM16}
     *
     * @param sampleRateHz the clip's sample rate
     * @param samples      the samples, not copied
     */
    public static AudioData mono(int sampleRateHz, float[] samples) {
        return new AudioData(AudioFormat.monoPcm16(sampleRateHz), new float[][] {samples});
    }

    /** {@return the sample rate in Hz} */
    public int sampleRateHz() {
        return format.sampleRateHz();
    }

    /** {@return the length in samples per channel} */
    public int lengthSamples() {
        return channels[0].length;
    }

    /** {@return the duration in milliseconds} */
    public double durationMs() {
        return format.millisFor(lengthSamples());
    }

    /** {@return the first channel if mono, else the average of all channels (a new array)} */
    public float[] mono() {
        if (channels.length == 1) {
            return channels[0];
        }
        float[] out = new float[lengthSamples()];
        for (float[] ch : channels) {
            for (int i = 0; i < out.length; i++) {
                out[i] += ch[i];
            }
        }
        float inv = 1f / channels.length;
        for (int i = 0; i < out.length; i++) {
            out[i] *= inv;
        }
        return out;
    }
}
