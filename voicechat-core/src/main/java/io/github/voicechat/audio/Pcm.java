package io.github.voicechat.audio;

/** Conversions between PCM16 bytes and float samples, and the finite-sample check every engine edge uses. */
public final class Pcm {

    private Pcm() {
    }

    /** Full scale of PCM16: -32768 maps to -1.0, 32767 to just below 1.0. */
    private static final float SCALE = 32768f;

    public static float toFloat(short sample) {
        return sample / SCALE;
    }

    /** Rounds to nearest and clips to the PCM16 range (a float of exactly 1.0 becomes 32767). */
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

    /** Little-endian PCM16 bytes to floats. */
    public static void pcm16LeToFloat(byte[] src, int srcOffset, float[] dst, int dstOffset, int samples) {
        for (int i = 0; i < samples; i++) {
            int b = srcOffset + 2 * i;
            dst[dstOffset + i] = (short) ((src[b] & 0xff) | (src[b + 1] << 8)) / SCALE;
        }
    }

    /** Big-endian PCM16 bytes to floats (FreeTTS and javax.sound often produce big-endian). */
    public static void pcm16BeToFloat(byte[] src, int srcOffset, float[] dst, int dstOffset, int samples) {
        for (int i = 0; i < samples; i++) {
            int b = srcOffset + 2 * i;
            dst[dstOffset + i] = (short) ((src[b] << 8) | (src[b + 1] & 0xff)) / SCALE;
        }
    }

    /** Floats to little-endian PCM16 bytes, rounded and clipped. */
    public static void floatToPcm16Le(float[] src, int srcOffset, byte[] dst, int dstOffset, int samples) {
        for (int i = 0; i < samples; i++) {
            short s = toPcm16(src[srcOffset + i]);
            int b = dstOffset + 2 * i;
            dst[b] = (byte) s;
            dst[b + 1] = (byte) (s >> 8);
        }
    }

    /** {@code short[]} PCM16 to floats. */
    public static void pcm16ToFloat(short[] src, int srcOffset, float[] dst, int dstOffset, int samples) {
        for (int i = 0; i < samples; i++) {
            dst[dstOffset + i] = src[srcOffset + i] / SCALE;
        }
    }

    /** Floats to {@code short[]} PCM16, rounded and clipped. */
    public static void floatToPcm16(float[] src, int srcOffset, short[] dst, int dstOffset, int samples) {
        for (int i = 0; i < samples; i++) {
            dst[dstOffset + i] = toPcm16(src[srcOffset + i]);
        }
    }

    /**
     * Throws if any sample is NaN or infinite. Engines call this before handing audio to native code, where a NaN
     * can poison recurrent state for the rest of the stream.
     *
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

    /** Root mean square of the samples; 0 for an empty range. */
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

    /** Level in dB relative to full scale of an RMS value; -inf dBFS maps to -200. */
    public static double dbfs(double rms) {
        return rms <= 1e-10 ? -200.0 : 20 * Math.log10(rms);
    }
}
