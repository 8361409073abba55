package io.github.voicechat.sphinx.internal;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.SplittableRandom;

/**
 * Synthetic speech-like audio (16 kHz PCM16 little-endian) for the warm-up decodes: phrases of pseudo-syllables
 * separated by pauses, between stretches of quiet noise. It only has to drive Sphinx the way speech does so that the
 * JIT compiles the decoder's hot paths with the type profiles real speech gives them; what it is recognised as does
 * not matter.
 *
 * <p>Why this shape: with one second of a single repeated vowel-like buzz (the first warm-up), the first real
 * utterance still triggered about 300 compilations of Sphinx methods, 86 of them C2, and de-optimisations of methods
 * compiled for the buzz (word histories and lexical-tree states that the buzz never produced). Speech-like variety
 * drives those paths: ten vowels with gliding formants (a glottal harmonic source shaped by three formant
 * resonances), fricatives (noise through a resonator at 2.5-6 kHz), stops (closure and burst), nasals (a low murmur);
 * a falling pitch contour per phrase; pauses of 250-450 ms between phrases, so Sphinx's endpointer ends a segment and
 * the result path (best path, word times) runs as well. Each variant is a different sequence from a fixed seed:
 * every recognizer warms up on the same bytes.
 */
public final class WarmupAudio {
    private static final int RATE_HZ = 16_000;
    /** Peak level of every variant: -3 dBFS. */
    private static final double PEAK = 0.708;
    /** F1, F2, F3 (Hz) of ten American English vowels (Peterson and Barney's averages for adult male speakers). */
    private static final double[][] VOWELS = {
        {270, 2290, 3010}, {390, 1990, 2550}, {530, 1840, 2480}, {660, 1720, 2410}, {730, 1090, 2440},
        {570, 840, 2410}, {440, 1020, 2240}, {300, 870, 2240}, {520, 1190, 2390}, {490, 1350, 1690},
    };

    private WarmupAudio() {
    }

    /** About {@code seconds} of audio (whole phrases), variant {@code variant}. */
    public static InputStream stream(int variant, double seconds) {
        return new ByteArrayInputStream(toPcm16(samples(variant, seconds)));
    }

    /** The samples of {@link #stream}, in [-1, 1]. */
    public static float[] samples(int variant, double seconds) {
        SplittableRandom random = new SplittableRandom(0x5EED + 7919L * variant);
        int total = (int) (seconds * RATE_HZ);
        float[] out = new float[total + RATE_HZ];
        int at = noise(out, 0, RATE_HZ / 5, random);
        double phase = 0;
        while (at < total) {
            double phraseS = 0.5 + 0.4 * random.nextDouble();
            int phraseEnd = Math.min(out.length - RATE_HZ / 2, at + (int) (phraseS * RATE_HZ));
            int phraseStart = at;
            double f0Start = 130 + 30 * random.nextDouble();
            int vowel = random.nextInt(VOWELS.length);
            while (at < phraseEnd) {
                double progress = (at - phraseStart) / (double) (phraseEnd - phraseStart);
                double f0 = f0Start * (1 - 0.3 * progress);
                at = consonant(out, at, random);
                int next = random.nextInt(VOWELS.length);
                int len = (int) ((0.09 + 0.12 * random.nextDouble()) * RATE_HZ);
                phase = vowel(out, at, len, VOWELS[vowel], VOWELS[next], f0, phase, random);
                at += len;
                vowel = next;
            }
            at = noise(out, at, (int) ((0.25 + 0.2 * random.nextDouble()) * RATE_HZ), random);
        }
        float[] trimmed = new float[Math.min(at, out.length)];
        System.arraycopy(out, 0, trimmed, 0, trimmed.length);
        float peak = 0;
        for (float v : trimmed) {
            peak = Math.max(peak, Math.abs(v));
        }
        scale(trimmed, 0, trimmed.length, PEAK / peak); // a burst can add up past full scale
        return trimmed;
    }

    /** Quiet background noise (about -60 dBFS) over {@code [at, at + len)}; returns the end. */
    private static int noise(float[] out, int at, int len, SplittableRandom random) {
        int end = Math.min(out.length, at + len);
        for (int i = at; i < end; i++) {
            out[i] += (float) (0.001 * (random.nextDouble() * 2 - 1));
        }
        return end;
    }

    /** An onset consonant (or none); returns where the vowel starts. */
    private static int consonant(float[] out, int at, SplittableRandom random) {
        int kind = random.nextInt(5);
        switch (kind) {
            case 0: // fricative: s, sh, f by resonance frequency and level
            case 1: {
                double centre = 2500 + 3500 * random.nextDouble();
                int len = (int) ((0.06 + 0.08 * random.nextDouble()) * RATE_HZ);
                return resonatedNoise(out, at, len, centre, 1500, 0.05 + 0.1 * random.nextDouble(), random);
            }
            case 2: { // stop: closure, then a short burst
                int closure = (int) (0.03 * RATE_HZ);
                int end = noise(out, at, closure, random);
                return resonatedNoise(out, end, (int) (0.015 * RATE_HZ), 1500 + 2500 * random.nextDouble(), 2500,
                        0.15, random);
            }
            case 3: { // nasal: a low murmur
                int len = (int) ((0.05 + 0.05 * random.nextDouble()) * RATE_HZ);
                double[] murmur = {250, 1100, 2300};
                vowel(out, at, len, murmur, murmur, 120, 0, random);
                scale(out, at, len, 0.25);
                return at + len;
            }
            default: // no onset
                return at;
        }
    }

    private static int resonatedNoise(float[] out, int at, int len, double centreHz, double bandwidthHz, double level,
            SplittableRandom random) {
        int end = Math.min(out.length, at + len);
        double r = Math.exp(-Math.PI * bandwidthHz / RATE_HZ);
        double a1 = 2 * r * Math.cos(2 * Math.PI * centreHz / RATE_HZ);
        double a2 = -r * r;
        double gain = (1 - r) * 2;
        double y1 = 0;
        double y2 = 0;
        for (int i = at; i < end; i++) {
            double y = gain * (random.nextDouble() * 2 - 1) + a1 * y1 + a2 * y2;
            y2 = y1;
            y1 = y;
            double env = Math.sin(Math.PI * (i - at + 0.5) / (end - at));
            out[i] += (float) (level * 4 * env * y);
        }
        return end;
    }

    /** A vowel gliding from formants {@code from} to {@code to}; returns the source phase at its end. */
    private static double vowel(float[] out, int at, int len, double[] from, double[] to, double f0, double phase,
            SplittableRandom random) {
        int end = Math.min(out.length, at + len);
        double level = 0.15 + 0.15 * random.nextDouble();
        for (int i = at; i < end; i++) {
            double x = (i - at) / (double) Math.max(1, end - at);
            double glide = x < 0.6 ? 0 : (x - 0.6) / 0.4;
            double f1 = from[0] + (to[0] - from[0]) * glide;
            double f2 = from[1] + (to[1] - from[1]) * glide;
            double f3 = from[2] + (to[2] - from[2]) * glide;
            double pitch = f0 * (1 + 0.01 * Math.sin(2 * Math.PI * 5 * i / RATE_HZ));
            phase += 2 * Math.PI * pitch / RATE_HZ;
            double s = 0;
            for (int h = 1; h * pitch < 4000; h++) {
                double f = h * pitch;
                double gain = 1 / (1 + sq((f - f1) / 60)) + 0.6 / (1 + sq((f - f2) / 90))
                        + 0.3 / (1 + sq((f - f3) / 120));
                s += gain * Math.sin(h * phase) / Math.sqrt(h);
            }
            double env = Math.sin(Math.PI * x);
            out[i] += (float) (level * env * s / 3);
        }
        return phase % (2 * Math.PI);
    }

    private static void scale(float[] out, int at, int len, double by) {
        for (int i = at; i < Math.min(out.length, at + len); i++) {
            out[i] *= (float) by;
        }
    }

    private static byte[] toPcm16(float[] x) {
        byte[] pcm = new byte[2 * x.length];
        for (int i = 0; i < x.length; i++) {
            int v = (int) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(x[i] * 32767.0)));
            pcm[2 * i] = (byte) v;
            pcm[2 * i + 1] = (byte) (v >> 8);
        }
        return pcm;
    }

    private static double sq(double x) {
        return x * x;
    }
}
