package io.github.voicechat.audio;

/** Conversions between PCM16 bytes and float samples, and the finite-sample check every engine edge uses. */
public final class Pcm {

    private Pcm() {
    }

    /** Full scale of PCM16: -32768 maps to -1.0, 32767 to just below 1.0. */
    private static final float SCALE = 32768f;

    /**
     * {@return {@code sample} as a float in [-1, 1)}
     *
     * @param sample a PCM16 sample
     */
    public static float toFloat(short sample) {
        return sample / SCALE;
    }

    /**
     * Rounds to nearest and clips to the PCM16 range (a float of exactly 1.0 becomes 32767).
     *
     * @param sample a float sample, nominally in [-1, 1]
     * @return the PCM16 sample
     */
    public static short toPcm16(float sample) {
        float scaled = sample * SCALE;
        if (scaled >= 32767f) {
            return Short.MAX_VALUE;
        }
        if (scaled <= -32768f) {
            return Short.MIN_VALUE;
        }
        return (short) Math.round(scaled);
    }

    /**
     * Little-endian PCM16 bytes to floats.
     *
     * @param src       the source array
     * @param srcOffset index of the first source byte
     * @param dst       the destination array
     * @param dstOffset index of the first destination sample
     * @param samples   how many samples to convert
     */
    public static void pcm16LeToFloat(byte[] src, int srcOffset, float[] dst, int dstOffset, int samples) {
        for (int i = 0; i < samples; i++) {
            int b = srcOffset + 2 * i;
            dst[dstOffset + i] = (short) ((src[b] & 0xff) | (src[b + 1] << 8)) / SCALE;
        }
    }

    /**
     * Big-endian PCM16 bytes to floats (FreeTTS and javax.sound often produce big-endian).
     *
     * @param src       the source array
     * @param srcOffset index of the first source byte
     * @param dst       the destination array
     * @param dstOffset index of the first destination sample
     * @param samples   how many samples to convert
     */
    public static void pcm16BeToFloat(byte[] src, int srcOffset, float[] dst, int dstOffset, int samples) {
        for (int i = 0; i < samples; i++) {
            int b = srcOffset + 2 * i;
            dst[dstOffset + i] = (short) ((src[b] << 8) | (src[b + 1] & 0xff)) / SCALE;
        }
    }

    /**
     * Floats to little-endian PCM16 bytes, rounded and clipped.
     *
     * @param src       the source array
     * @param srcOffset index of the first source sample
     * @param dst       the destination array
     * @param dstOffset index of the first destination byte
     * @param samples   how many samples to convert
     */
    public static void floatToPcm16Le(float[] src, int srcOffset, byte[] dst, int dstOffset, int samples) {
        for (int i = 0; i < samples; i++) {
            short s = toPcm16(src[srcOffset + i]);
            int b = dstOffset + 2 * i;
            dst[b] = (byte) s;
            dst[b + 1] = (byte) (s >> 8);
        }
    }

    /**
     * {@code short[]} PCM16 to floats.
     *
     * @param src       the source array
     * @param srcOffset index of the first source sample
     * @param dst       the destination array
     * @param dstOffset index of the first destination sample
     * @param samples   how many samples to convert
     */
    public static void pcm16ToFloat(short[] src, int srcOffset, float[] dst, int dstOffset, int samples) {
        for (int i = 0; i < samples; i++) {
            dst[dstOffset + i] = src[srcOffset + i] / SCALE;
        }
    }

    /**
     * Floats to {@code short[]} PCM16, rounded and clipped.
     *
     * @param src       the source array
     * @param srcOffset index of the first source sample
     * @param dst       the destination array
     * @param dstOffset index of the first destination sample
     * @param samples   how many samples to convert
     */
    public static void floatToPcm16(float[] src, int srcOffset, short[] dst, int dstOffset, int samples) {
        for (int i = 0; i < samples; i++) {
            dst[dstOffset + i] = toPcm16(src[srcOffset + i]);
        }
    }

    /**
     * Throws if any sample is NaN or infinite. Engines call this before handing audio to native code, where a NaN
     * can poison recurrent state for the rest of the stream.
     *
     * @param samples the audio
     * @param offset  index of the first sample to check
     * @param length  how many samples to check
     * @throws IllegalArgumentException naming the first bad sample's index and value
     */
    public static void requireFinite(float[] samples, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            float v = samples[i];
            if (Float.isNaN(v) || Float.isInfinite(v)) {
                throw new IllegalArgumentException(
                        "audio must be finite, but sample " + (i - offset) + " is " + v);
            }
        }
    }

    /**
     * {@return the root mean square of the samples; 0 for an empty range}
     *
     * @param samples the audio
     * @param offset  index of the first sample
     * @param length  how many samples
     */
    public static double rms(float[] samples, int offset, int length) {
        if (length == 0) {
            return 0;
        }
        double sum = 0;
        for (int i = offset; i < offset + length; i++) {
            sum += (double) samples[i] * samples[i];
        }
        return Math.sqrt(sum / length);
    }

    /**
     * {@return the level in dB relative to full scale of an RMS value; -inf dBFS maps to -200}
     *
     * @param rms a root mean square, 1.0 being full scale
     */
    public static double dbfs(double rms) {
        return rms <= 1e-10 ? -200.0 : 20 * Math.log10(rms);
    }
}
