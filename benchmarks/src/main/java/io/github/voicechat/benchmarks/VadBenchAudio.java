package io.github.voicechat.benchmarks;

import io.github.voicechat.audio.WavReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Random;

/** Input for the VAD and echo benchmarks: real speech from ../shared when present, else a seeded voiced-like signal. */
final class VadBenchAudio {

    private VadBenchAudio() {
    }

    /** About 7 s of 16 kHz speech (a LibriVox clip) or, without ../shared, 7 s of a buzzy harmonic signal in noise. */
    static float[] speech16k() {
        String shared = System.getProperty("voicechat.shared", "../shared");
        Path wav = Paths.get(shared, "speech", "pocketsphinx_librivox-0870.wav");
        if (Files.isRegularFile(wav)) {
            try {
                return WavReader.read(wav).mono();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        float[] x = new float[7 * 16_000];
        Random r = new Random(3);
        for (int i = 0; i < x.length; i++) {
            double t = i / 16_000.0;
            double f0 = 120 + 30 * Math.sin(2 * Math.PI * 0.7 * t);
            double v = 0;
            for (int h = 1; h <= 20; h++) {
                v += Math.sin(2 * Math.PI * h * f0 * t) / h;
            }
            x[i] = (float) (0.1 * v * (0.5 + 0.5 * Math.sin(2 * Math.PI * 3 * t)) + 0.003 * r.nextGaussian());
        }
        return x;
    }

    /** The echo of {@code far}: 40 ms later, -6 dB. */
    static float[] echo(float[] far, int rateHz) {
        int delay = rateHz * 40 / 1000;
        float[] out = new float[far.length];
        for (int i = delay; i < far.length; i++) {
            out[i] = 0.5f * far[i - delay];
        }
        return out;
    }
}
