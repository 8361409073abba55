package io.github.voicechat.benchmarks;

import io.github.voicechat.spi.EngineOptions;
import io.github.voicechat.spi.Engines;
import io.github.voicechat.spi.SpeechSynthesizer;
import io.github.voicechat.spi.SynthesisSink;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A speech synthesizer on the real clock: cold start, first-frame latency (from {@code synthesize} to the first audio
 * piece reaching the sink), real-time factor by the wall clock and by process CPU time, over sentences of the length
 * a voice assistant says, then one 10,000-character text (chunked by the adapter, not refused).
 *
 * <p>Run: {@code java -XX:+UseParallelGC -Xmx1g -cp benchmarks/target/benchmarks.jar
 * io.github.voicechat.benchmarks.TtsBenchmark [engine] [iterations]}; {@code engine} is a provider id or prefix
 * ({@code freetts}, the default; {@code marytts}; {@code piper-…} once its model is installed). A main() harness
 * rather than JMH because the figures wanted are latency percentiles of one call chain, including the first (cold)
 * call.
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
        String engine = args.length > 0 ? args[0] : "freetts";
        int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long t0 = System.nanoTime();
        try (SpeechSynthesizer tts = Engines.find(SpeechSynthesizer.class, engine).create(EngineOptions.EMPTY)) {
            double loadMs = (System.nanoTime() - t0) / 1e6;
            double rateHz = tts.sampleRateHz();
            Probe first = new Probe();
            tts.synthesize(SENTENCES.get(0), first);
            System.out.printf(Locale.ROOT, "%s (%d Hz): load %.0f ms, first synthesis: first frame %.1f ms, "
                    + "total %.1f ms for %.2f s of audio%n", engine, tts.sampleRateHz(), loadMs, first.firstFrameMs(),
                    first.totalMs(), first.samples / rateHz);
            for (int i = 0; i < 10; i++) { // warm-up
                for (String s : SENTENCES) {
                    tts.synthesize(s, new Probe());
                }
            }
            System.out.printf(Locale.ROOT, "%-6s %8s %12s %12s %12s %8s %8s%n", "chars", "audio s", "first p50 ms",
                    "first p90 ms", "total p50 ms", "RTF", "CPU RTF");
            for (String s : SENTENCES) {
                double[] firstMs = new double[iterations];
                double[] totalMs = new double[iterations];
                double audioS = 0;
                long cpu0 = os.getProcessCpuTime();
                for (int i = 0; i < iterations; i++) {
                    Probe p = new Probe();
                    tts.synthesize(s, p);
                    firstMs[i] = p.firstFrameMs();
                    totalMs[i] = p.totalMs();
                    audioS = p.samples / rateHz;
                }
                double cpuS = (os.getProcessCpuTime() - cpu0) / 1e9 / iterations;
                Arrays.sort(firstMs);
                Arrays.sort(totalMs);
                System.out.printf(Locale.ROOT, "%-6d %8.2f %12.2f %12.2f %12.2f %8.4f %8.4f%n", s.length(), audioS,
                        firstMs[iterations / 2], firstMs[iterations * 9 / 10], totalMs[iterations / 2],
                        totalMs[iterations / 2] / 1000 / audioS, cpuS / audioS);
            }
            StringBuilder text = new StringBuilder();
            while (text.length() < 10_000) {
                text.append("Numbers like ").append(text.length()).append(" are read out. ");
            }
            Probe p = new Probe();
            tts.synthesize(text.toString(), p);
            System.out.printf(Locale.ROOT, "%d characters: %.1f s of audio in %.1f s (RTF %.4f), first frame %.1f ms%n",
                    text.length(), p.samples / rateHz, p.totalMs() / 1000, p.totalMs() / 1000 / (p.samples / rateHz),
                    p.firstFrameMs());
        }
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

        double firstFrameMs() {
            return (firstAt - start) / 1e6;
        }

        double totalMs() {
            return (endAt - start) / 1e6;
        }
    }
}
