package io.github.voicechat.marytts;

import io.github.voicechat.spi.SynthesisSink;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * MaryTTS on the real clock: cold start, first-frame latency (from {@code synthesize} to the first block reaching
 * the sink) and real-time factor, over the sentences of the FreeTTS {@code TtsBenchmark}. A main(), not a test:
 * timed figures do not belong in the unit tests. Run from the module after {@code test-compile}:
 *
 * <pre>
 * ./mvnw -B -q -pl voicechat-adapters/voicechat-marytts -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test      # the last module written is this one
 * java -XX:+UseParallelGC -Xmx1g -Dorg.slf4j.simpleLogger.log.marytts=warn \
 *     -cp voicechat-adapters/voicechat-marytts/target/test-classes:voicechat-adapters/voicechat-marytts/target/classes:$(cat /tmp/cp.txt) \
 *     io.github.voicechat.marytts.MaryTtsLatencyHarness 20
 * </pre>
 */
public final class MaryTtsLatencyHarness {

    static final List<String> SENTENCES = List.of(
            "Hello, how are you today?",
            "The meeting starts at ten in the morning, in the large room on the second floor.",
            "Sure.",
            "I have set a timer for five minutes; I will tell you when it is done.",
            "Here is the weather for London: cloudy, with a chance of rain in the afternoon and a high of fourteen degrees.");

    private MaryTtsLatencyHarness() {
    }

    public static void main(String[] args) {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        long t0 = System.nanoTime();
        MaryTtsSynthesizer tts = MaryTtsSynthesizer.create();
        double loadMs = (System.nanoTime() - t0) / 1e6;
        Probe first = new Probe();
        tts.synthesize(SENTENCES.get(0), first);
        System.out.printf(Locale.ROOT, "MaryTTS cmu-slt-hsmm: load %.0f ms, first synthesis: first frame %.1f ms, "
                + "total %.1f ms for %.2f s of audio%n", loadMs, first.firstFrameMs(), first.totalMs(),
                first.samples / 48_000.0);
        for (int i = 0; i < 5; i++) { // warm-up
            for (String s : SENTENCES) {
                tts.synthesize(s, new Probe());
            }
        }
        System.out.printf(Locale.ROOT, "%-6s %8s %12s %12s %12s %8s %8s%n", "chars", "audio s", "first p50 ms",
                "first p90 ms", "total p50 ms", "RTF", "CPU RTF");
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                        .getOperatingSystemMXBean();
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
                audioS = p.samples / 48_000.0;
            }
            double cpuS = (os.getProcessCpuTime() - cpu0) / 1e9 / iterations;
            Arrays.sort(firstMs);
            Arrays.sort(totalMs);
            System.out.printf(Locale.ROOT, "%-6d %8.2f %12.1f %12.1f %12.1f %8.3f %8.3f%n", s.length(), audioS,
                    firstMs[iterations / 2], firstMs[iterations * 9 / 10], totalMs[iterations / 2],
                    totalMs[iterations / 2] / 1000 / audioS, cpuS / audioS);
        }
        StringBuilder b = new StringBuilder();
        while (b.length() < 10_000) {
            b.append("Numbers like ").append(b.length()).append(" are read out. ");
        }
        Probe p = new Probe();
        tts.synthesize(b.toString(), p);
        System.out.printf(Locale.ROOT, "%d characters: %.1f s of audio in %.1f s (RTF %.3f), first frame %.1f ms%n",
                b.length(), p.samples / 48_000.0, p.totalMs() / 1000, p.totalMs() / 1000 / (p.samples / 48_000.0),
                p.firstFrameMs());
        tts.close();
    }

    private static final class Probe implements SynthesisSink {
        final long start = System.nanoTime();
        long firstAt;
        long samples;

        @Override
        public boolean audio(float[] s, int offset, int length) {
            if (samples == 0) {
                firstAt = System.nanoTime();
            }
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
            return (System.nanoTime() - start) / 1e6;
        }
    }
}
