package io.github.voicechat.sphinx.internal;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.SplittableRandom;

/**
 * About a second of synthetic, speech-like audio (16 kHz PCM16 little-endian) for the warm-up decode: quiet noise,
 * then voiced "syllables" (a 120-180 Hz harmonic source with moving formant-like peaks, 4 per second), then quiet
 * noise again. It only has to pass Sphinx's speech classifier and keep the search busy so the JIT compiles the hot
 * paths; what it is recognised as does not matter. Fixed seed: every recognizer warms up on the same bytes.
 */
public final class WarmupAudio {
    private static final int RATE_HZ = 16_000;

    private WarmupAudio() {
    }

    public static InputStream stream() {
        int lead = RATE_HZ / 5;
        int voiced = RATE_HZ;
        int tail = RATE_HZ / 5;
        byte[] pcm = new byte[2 * (lead + voiced + tail)];
        SplittableRandom random = new SplittableRandom(0x5EED);
        double phase = 0;
        for (int i = 0; i < lead + voiced + tail; i++) {
            double v = 30 * (random.nextDouble() * 2 - 1);
            int k = i - lead;
            if (k >= 0 && k < voiced) {
                double t = (double) k / RATE_HZ;
                double syllable = Math.sin(Math.PI * ((t * 4) % 1.0));
                double f0 = 120 + 60 * Math.sin(2 * Math.PI * 0.7 * t);
                phase += 2 * Math.PI * f0 / RATE_HZ;
                double formant1 = 500 + 300 * Math.sin(2 * Math.PI * 4 * t);
                double formant2 = 1500 + 700 * Math.cos(2 * Math.PI * 3 * t);
                double s = 0;
                for (int h = 1; h <= 25; h++) {
                    double f = h * f0;
                    double gain = 1 / (1 + sq((f - formant1) / 150)) + 0.5 / (1 + sq((f - formant2) / 200));
                    s += gain * Math.sin(h * phase);
                }
                v += 4000 * syllable * syllable * s;
            }
            int sample = (int) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(v)));
            pcm[2 * i] = (byte) sample;
            pcm[2 * i + 1] = (byte) (sample >> 8);
        }
        return new ByteArrayInputStream(pcm);
    }

    private static double sq(double x) {
        return x * x;
    }
}
