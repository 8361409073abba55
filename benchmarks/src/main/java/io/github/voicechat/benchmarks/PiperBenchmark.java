package io.github.voicechat.benchmarks;

import io.github.voicechat.piper.PiperProvider;
import io.github.voicechat.piper.PiperSynthesizer;
import io.github.voicechat.spi.EngineOptions;
import io.github.voicechat.spi.SynthesisSink;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A Piper voice on the real clock: load time, first-audio latency (from {@code synthesize} to the first piece at the
 * sink, i.e. phonemisation plus the first sentence's inference) and real-time factor, over the sentences of
 * {@link TtsBenchmark} and one three-sentence reply.
 *
 * <p>Run: {@code VOICECHAT_MODELS=/path/to/voices java -cp benchmarks/target/benchmarks.jar
 * io.github.voicechat.benchmarks.PiperBenchmark [voice id] [iterations] [threads]} (default
 * {@code piper-en_US-lessac-medium}, 10 iterations, ONNX Runtime's default thread count). Without the voice files
 * it prints why it skipped and where it looked. A main() harness rather than JMH: the figures wanted are latency
 * percentiles of one call chain, including the cold first call.
 */
public final class PiperBenchmark {

    private PiperBenchmark() {
    }

    public static void main(String[] args) {
        String id = args.length > 0 ? args[0] : "piper-en_US-lessac-medium";
        int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        String threads = args.length > 2 ? args[2] : "0";
        PiperProvider provider = new PiperProvider(id, 0, PiperProvider.defaultStore());
        Optional<String> reason = provider.unavailableReason();
        if (reason.isPresent()) {
            System.out.println("PiperBenchmark skipped: " + reason.get());
            return;
        }
        long t0 = System.nanoTime();
        try (PiperSynthesizer tts = (PiperSynthesizer) provider.create(
                EngineOptions.of(java.util.Map.of("threads", threads)))) {
            double loadMs = (System.nanoTime() - t0) / 1e6;
            int rate = tts.sampleRateHz();
            Probe cold = new Probe();
            tts.synthesize(TtsBenchmark.SENTENCES.get(0), cold);
            System.out.printf(Locale.ROOT, "%s (%d Hz, threads=%s): load %.0f ms; cold first synthesis: first audio "
                    + "%.1f ms, total %.1f ms for %.2f s of audio%n", id, rate, threads, loadMs, cold.firstMs(),
                    cold.totalMs(), cold.samples / (double) rate);
            for (int i = 0; i < 2; i++) {
                for (String s : TtsBenchmark.SENTENCES) {
                    tts.synthesize(s, new Probe());
                }
            }
            List<String> texts = new java.util.ArrayList<>(TtsBenchmark.SENTENCES);
            texts.add("Sure. The meeting starts at ten in the morning. I will remind you five minutes before.");
            System.out.printf(Locale.ROOT, "%-6s %8s %13s %13s %13s %8s%n", "chars", "audio s", "first p50 ms",
                    "first p90 ms", "total p50 ms", "RTF");
            for (String s : texts) {
                double[] first = new double[iterations];
                double[] total = new double[iterations];
                double audioS = 0;
                for (int i = 0; i < iterations; i++) {
                    Probe p = new Probe();
                    tts.synthesize(s, p);
                    first[i] = p.firstMs();
                    total[i] = p.totalMs();
                    audioS = p.samples / (double) rate;
                }
                Arrays.sort(first);
                Arrays.sort(total);
                System.out.printf(Locale.ROOT, "%-6d %8.2f %13.1f %13.1f %13.1f %8.3f%n", s.length(), audioS,
                        first[iterations / 2], first[Math.min(iterations - 1, iterations * 9 / 10)],
                        total[iterations / 2], total[iterations / 2] / 1000.0 / audioS);
            }
        }
    }

    /** Times the first piece and counts samples. */
    private static final class Probe implements SynthesisSink {
        final long start = System.nanoTime();
        long first;
        long end;
        long samples;

        @Override
        public boolean audio(float[] s, int off, int len) {
            long now = System.nanoTime();
            if (first == 0) {
                first = now;
            }
            end = now;
            samples += len;
            return true;
        }

        @Override
        public void textMark(int endChar) {
            end = System.nanoTime();
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        double firstMs() {
            return first == 0 ? Double.NaN : (first - start) / 1e6;
        }

        double totalMs() {
            return (end - start) / 1e6;
        }
    }
}
