package io.github.voicechat.benchmarks;

import io.github.voicechat.freetts.FreeTtsSynthesizer;
import io.github.voicechat.spi.SynthesisSink;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * FreeTTS (kevin16) on the real clock: cold start, first-frame latency (from {@code synthesize} to the first audio
 * piece reaching the sink) and real-time factor, over sentences of the length a voice assistant says.
 *
 * <p>Run: {@code java -XX:+UseParallelGC -cp benchmarks/target/benchmarks.jar
 * io.github.voicechat.benchmarks.TtsBenchmark [iterations]}. A main() harness rather than JMH because the figures
 * wanted are latency percentiles of one call chain, including the first (cold) call.
 */
public final class TtsBenchmark {

    static final List<String> SENTENCES = List.of(
            "Hello, how are you today?",
            "The meeting starts at ten in the morning, in the large room on the second floor.",
            "Sure.",
            "I have set a timer for five minutes; I will tell you when it is done.",
            "Here is the weather for London: cloudy, with a chance of rain in the afternoon and a high of fourteen degrees.");

    private TtsBenchmark() {
    }

    public static void main(String[] args) {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        long t0 = System.nanoTime();
        FreeTtsSynthesizer tts = FreeTtsSynthesizer.create();
        double loadMs = (System.nanoTime() - t0) / 1e6;
        Probe first = new Probe();
        tts.synthesize(SENTENCES.get(0), first);
        System.out.printf(Locale.ROOT, "FreeTTS kevin16: load %.0f ms, first synthesis: first frame %.1f ms, "
                + "total %.1f ms for %.2f s of audio%n", loadMs, first.firstFrameMs(), first.totalMs(),
                first.samples / 16_000.0);
        for (int i = 0; i < 10; i++) { // warm-up
            for (String s : SENTENCES) {
                tts.synthesize(s, new Probe());
            }
        }
        System.out.printf(Locale.ROOT, "%-12s %8s %12s %12s %12s %10s%n", "chars", "audio s", "first p50 ms",
                "first p90 ms", "total p50 ms", "RTF");
        for (String s : SENTENCES) {
            double[] firstMs = new double[iterations];
            double[] totalMs = new double[iterations];
            double audioS = 0;
            for (int i = 0; i < iterations; i++) {
                Probe p = new Probe();
                tts.synthesize(s, p);
                firstMs[i] = p.firstFrameMs();
                totalMs[i] = p.totalMs();
                audioS = p.samples / 16_000.0;
            }
            Arrays.sort(firstMs);
            Arrays.sort(totalMs);
            System.out.printf(Locale.ROOT, "%-12d %8.2f %12.2f %12.2f %12.2f %10.4f%n", s.length(), audioS,
                    firstMs[iterations / 2], firstMs[iterations * 9 / 10], totalMs[iterations / 2],
                    totalMs[iterations / 2] / 1000 / audioS);
        }
        tts.close();
    }

    private static final class Probe implements SynthesisSink {
        final long start = System.nanoTime();
        long firstAt;
        long endAt;
        long samples;

        @Override
        public boolean audio(float[] s, int offset, int length) {
            long now = System.nanoTime();
            if (firstAt == 0) {
                firstAt = now;
            }
            endAt = now;
            samples += length;
            return true;
        }

        @Override
        public void textMark(int endChar) {
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        double firstFrameMs() {
            return (firstAt - start) / 1e6;
        }

        double totalMs() {
            return (endAt - start) / 1e6;
        }
    }
}
