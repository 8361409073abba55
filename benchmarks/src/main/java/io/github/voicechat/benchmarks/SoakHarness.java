package io.github.voicechat.benchmarks;

import io.github.voicechat.SessionEvent;
import io.github.voicechat.VoicePipeline;
import io.github.voicechat.VoiceSession;
import io.github.voicechat.audio.AudioData;
import io.github.voicechat.audio.AudioSink;
import io.github.voicechat.audio.AudioSource;
import io.github.voicechat.audio.WavReader;
import io.github.voicechat.spi.SpeechRecognizer;
import io.github.voicechat.spi.Transcript;
import io.github.voicechat.testkit.ScriptedResponder;
import io.github.voicechat.testkit.SharedData;
import io.github.voicechat.testkit.SineSynthesizer;
import io.github.voicechat.time.Clock;
import io.github.voicechat.time.VirtualClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import javax.management.ObjectName;

/**
 * A soak: many long conversations at once, sampling what leaks show up in, to prove they stay flat.
 *
 * <ul>
 *   <li>{@code virtual}: 16 sessions of 60 minutes of conversation each on the virtual clock (as fast as the machine
 *       allows), with the test kit's engines (a scripted recogniser that cycles through the clips' transcripts, the
 *       440 Hz sine synthesizer, the echo responder) and the real Silero VAD v6 deciding every turn;</li>
 *   <li>{@code real}: 2 sessions of 10 minutes on the real clock with the real engines (Silero VAD v6, Sphinx4,
 *       FreeTTS).</li>
 * </ul>
 *
 * <p>The user is the real speech of {@code ../shared/speech}, clip after clip, each followed by a pause in which the
 * bot answers; every fifth pause is short, so the next clip barges in on the answer. Every {@code --sample-s} seconds
 * of wall time the harness runs a full GC and records the heap in use after it, the live threads, the resident set
 * ({@code VmRSS} of {@code /proc/self/status}: Java heap plus native memory of ONNX Runtime and the JIT) and the open
 * file descriptors ({@code /proc/self/fd}), against the conversation time every session has reached. After the
 * warm-up (the first tenth of the conversation) each must stay within +-5 % of its median. A class histogram is taken
 * at the end of the warm-up and at the end, and the classes that grew most are listed, so a leak names itself.
 *
 * <p>Writes {@code soak.csv}, {@code soak.png} and {@code summary.md} into {@code --out}. Run from the repository
 * root (see benchmarks/SOAK.md):
 * {@code java -Xmx1g -cp benchmarks/target/benchmarks.jar io.github.voicechat.benchmarks.SoakHarness virtual}.
 */
public final class SoakHarness {

    private static final int USER_RATE_HZ = 16_000;
    private static final int OUT_RATE_HZ = 48_000;
    private static final double LIMIT = 0.05;

    private SoakHarness() {
    }

    record Options(String mode, int sessions, int minutes, int sampleS, Path out) {
        static Options parse(String[] args) {
            if (args.length == 0 || !(args[0].equals("virtual") || args[0].equals("real"))) {
                throw new IllegalArgumentException("usage: SoakHarness virtual|real [--sessions N] [--minutes M]"
                        + " [--sample-s S] [--out DIR]");
            }
            boolean virtual = args[0].equals("virtual");
            Map<String, String> m = new HashMap<>();
            for (int i = 1; i + 1 < args.length; i += 2) {
                m.put(args[i], args[i + 1]);
            }
            return new Options(args[0], Integer.parseInt(m.getOrDefault("--sessions", virtual ? "16" : "2")),
                    Integer.parseInt(m.getOrDefault("--minutes", virtual ? "60" : "10")),
                    Integer.parseInt(m.getOrDefault("--sample-s", virtual ? "15" : "10")),
                    Path.of(m.getOrDefault("--out", "benchmarks/soak/" + args[0])));
        }

        boolean virtual() {
            return mode.equals("virtual");
        }
    }

    /** One sample of the process. */
    record Sample(double wallS, double conversationS, long turns, double heapMb, int threads, double rssMb, int fds,
                  int running) {
        static final String HEADER = "wall_s,conversation_s,turns,heap_after_gc_mb,threads,rss_mb,fds,sessions_running";

        String csv() {
            return String.format(Locale.ROOT, "%.1f,%.1f,%d,%.2f,%d,%.1f,%d,%d", wallS, conversationS, turns, heapMb,
                    threads, rssMb, fds, running);
        }
    }

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        Files.createDirectories(o.out());
        List<float[]> clips = new ArrayList<>();
        List<String> transcripts = new ArrayList<>();
        for (SharedData.SpeechClip c : SharedData.speechClips()) {
            AudioData a = WavReader.read(c.wav());
            if (a.sampleRateHz() == USER_RATE_HZ) {
                clips.add(a.mono());
                transcripts.add(c.transcript());
            }
        }
        System.out.printf(Locale.ROOT, "soak %s: %d sessions x %d min of conversation, %d clips, sample every %d s%n",
                o.mode(), o.sessions(), o.minutes(), clips.size(), o.sampleS());

        // The diagnostic command behind the class histogram loads classes and keeps objects the first time: do that
        // before the first sample, so the histogram taken after the warm-up does not show up as growth.
        histogram();
        AtomicLong turns = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        List<String> errorSamples = java.util.Collections.synchronizedList(new ArrayList<>());
        int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
        double heapBeforeMb = sample(0, 0, 0, 0).heapMb();
        List<VoiceSession> sessions = new ArrayList<>();
        for (int i = 0; i < o.sessions(); i++) {
            VoicePipeline.Builder b = VoicePipeline.builder()
                    .vad("silero-vad-v6")
                    .responder(ScriptedResponder.echo())
                    .listener(e -> {
                        if (e instanceof SessionEvent.TurnCompleted) {
                            turns.incrementAndGet();
                        } else if (e instanceof SessionEvent.EngineError err) {
                            errors.incrementAndGet();
                            if (errorSamples.size() < 10) {
                                errorSamples.add(err.engine() + ": " + err.message());
                            }
                        }
                    });
            if (o.virtual()) {
                b.asr(() -> new CyclingRecognizer(transcripts)).tts(SineSynthesizer::new).clock(new VirtualClock());
            } else {
                b.asr("sphinx-en-us").tts("freetts-kevin16").clock(Clock.system());
            }
            long total = (long) o.minutes() * 60 * USER_RATE_HZ;
            sessions.add(b.build().openSession(new ConversationSource(clips, total, i), new DiscardingSink()));
        }
        long t0 = System.nanoTime();
        for (VoiceSession s : sessions) {
            s.start();
        }

        List<Sample> samples = new ArrayList<>();
        Map<String, long[]> warmHistogram = null;
        double warmUpS = o.minutes() * 60 / 10.0;
        double lastConversation = -1;
        while (true) {
            boolean allDone = true;
            for (VoiceSession s : sessions) {
                if (!s.awaitTermination(Duration.ofMillis(
                        Math.max(1, o.sampleS() * 1000L / sessions.size())))) {
                    allDone = false;
                }
            }
            double conversation = Double.MAX_VALUE;
            int running = 0;
            for (VoiceSession s : sessions) {
                conversation = Math.min(conversation, s.report().durationS());
                if (!s.awaitTermination(Duration.ZERO)) {
                    running++;
                }
            }
            Sample now = sample((System.nanoTime() - t0) / 1e9, conversation, turns.get(), running);
            samples.add(now);
            System.out.println(now.csv());
            if (warmHistogram == null && conversation >= warmUpS) {
                warmHistogram = parseHistogram(histogram());
            }
            if (allDone) {
                break;
            }
            lastConversation = conversation;
        }
        Map<String, long[]> endHistogram = parseHistogram(histogram());
        double heapAtEndMb = samples.get(samples.size() - 1).heapMb();
        for (VoiceSession s : sessions) {
            s.close();
        }
        int threadsAfter = ManagementFactory.getThreadMXBean().getThreadCount();
        double wallS = (System.nanoTime() - t0) / 1e9;
        StringBuilder ends = new StringBuilder();
        for (VoiceSession s : sessions) {
            ends.append(s.report().endReason()).append("; ");
        }
        // What a session holds for its whole life (its report, its conversation history) goes when the host drops it:
        // the heap after that, against the heap before the sessions, tells retained-by-design from leaked.
        sessions.clear();
        double heapReleasedMb = sample(0, 0, 0, 0).heapMb();
        String heapLine = String.format(Locale.ROOT, "- heap after GC: %.1f MB before the sessions, %.1f MB at the end"
                + " with every session still held, %.1f MB once they were closed and dropped%n", heapBeforeMb,
                heapAtEndMb, heapReleasedMb);

        try (var w = Files.newBufferedWriter(o.out().resolve("soak.csv"), StandardCharsets.UTF_8)) {
            w.write(Sample.HEADER);
            w.newLine();
            for (Sample s : samples) {
                w.write(s.csv());
                w.newLine();
            }
        }
        // Steady state: past the warm-up, every session still running (the last samples see them end one by one).
        List<Sample> steady = samples.stream()
                .filter(s -> s.conversationS() >= warmUpS && s.running() == o.sessions()).toList();
        String summary = summary(o, samples, steady, warmUpS, wallS, turns.get(), errors.get(), errorSamples,
                threadsBefore, threadsAfter, ends.toString(), growth(warmHistogram, endHistogram))
                .replaceFirst("\n- live threads", "\n" + java.util.regex.Matcher.quoteReplacement(heapLine)
                        + "- live threads");
        Files.writeString(o.out().resolve("summary.md"), summary, StandardCharsets.UTF_8);
        SoakChart.write(o.out().resolve("soak.png"), "soak " + o.mode() + ": " + o.sessions() + " sessions x "
                + o.minutes() + " min", samples, warmUpS, LIMIT);
        System.out.println(summary);
        if (lastConversation < 0) {
            System.out.println("(one sample only: raise --minutes or lower --sample-s)");
        }
    }

    static Sample sample(double wallS, double conversationS, long turns, int running) {
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        int threads = ManagementFactory.getThreadMXBean().getThreadCount();
        return new Sample(wallS, conversationS, turns, heap / 1048576.0, threads, rssKb() / 1024.0, openFds(),
                running);
    }

    static long rssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return -1;
    }

    /**
     * Open file descriptors, the least of three looks 20 ms apart: the JVM itself opens a file for a moment now and
     * then (cgroup limits, a jar), and a leaked descriptor stays open through all three.
     */
    static int openFds() {
        int least = Integer.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
                least = (int) Math.min(least, fds.count() - 1); // not the descriptor of this listing
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
        }
        return least;
    }

    /** The JVM's class histogram ({@code jcmd GC.class_histogram}), which runs a full GC first. */
    static String histogram() throws Exception {
        return (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
    }

    /** The ten classes whose instances grew most in bytes between two histograms. */
    static List<String> growth(Map<String, long[]> b, Map<String, long[]> a) {
        if (b == null) {
            return List.of("(the run ended before the warm-up did)");
        }
        List<Map.Entry<String, long[]>> grew = new ArrayList<>();
        for (Map.Entry<String, long[]> e : a.entrySet()) {
            long[] was = b.getOrDefault(e.getKey(), new long[2]);
            grew.add(Map.entry(e.getKey(), new long[] {e.getValue()[0] - was[0], e.getValue()[1] - was[1]}));
        }
        grew.sort((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1]));
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, long[]> e : grew.subList(0, Math.min(10, grew.size()))) {
            out.add(String.format(Locale.ROOT, "| `%s` | %+d | %+.1f |", e.getKey(), e.getValue()[0],
                    e.getValue()[1] / 1024.0));
        }
        return out;
    }

    private static Map<String, long[]> parseHistogram(String h) {
        Map<String, long[]> m = new HashMap<>();
        for (String line : h.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && f[0].endsWith(":")) {
                m.put(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
            }
        }
        return m;
    }

    static String summary(Options o, List<Sample> all, List<Sample> steady, double warmUpS, double wallS, long turns,
            long errors, List<String> errorSamples, int threadsBefore, int threadsAfter, String ends,
            List<String> growth) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "### %s: %d sessions x %d min of conversation%n%n", o.mode(),
                o.sessions(), o.minutes()));
        s.append(String.format(Locale.ROOT, "- wall time %.0f s (%.1fx real time per session), %d samples, %d turns,"
                + " %d engine errors%s%n", wallS, o.minutes() * 60 / wallS, all.size(), turns, errors,
                errorSamples.isEmpty() ? "" : " " + errorSamples));
        s.append("- session ends: ").append(ends).append('\n');
        s.append(String.format(Locale.ROOT, "- live threads before the sessions %d, after closing them %d%n",
                threadsBefore, threadsAfter));
        s.append(String.format(Locale.ROOT, "- after the warm-up (first %.0f s of conversation), while all %d sessions"
                + " run, %d samples:%n%n", warmUpS, o.sessions(), steady.size()));
        s.append("| metric | median | min | max | first | last | max deviation | within +-5 % |\n");
        s.append("|---|---|---|---|---|---|---|---|\n");
        row(s, "heap after GC (MB)", steady.stream().mapToDouble(Sample::heapMb).toArray());
        row(s, "live threads", steady.stream().mapToDouble(Sample::threads).toArray());
        row(s, "resident set VmRSS (MB)", steady.stream().mapToDouble(Sample::rssMb).toArray());
        row(s, "open file descriptors", steady.stream().mapToDouble(Sample::fds).toArray());
        if (steady.size() >= 2) {
            s.append(String.format(Locale.ROOT, "%nHeap after GC against completed turns (least squares, after the"
                    + " warm-up): %+.0f bytes per turn, %+.2f MB over the %d turns of the steady state.%n",
                    slope(steady) * 1048576, slope(steady) * (steady.get(steady.size() - 1).turns()
                            - steady.get(0).turns()), steady.get(steady.size() - 1).turns() - steady.get(0).turns()));
        }
        s.append("\nClasses that grew most from the end of the warm-up to the end (instances, KiB):\n\n");
        s.append("| class | instances | KiB |\n|---|---|---|\n");
        growth.forEach(g -> s.append(g).append('\n'));
        return s.toString();
    }

    /** Heap MB per completed turn, least squares. */
    private static double slope(List<Sample> v) {
        double mx = v.stream().mapToDouble(Sample::turns).average().orElse(0);
        double my = v.stream().mapToDouble(Sample::heapMb).average().orElse(0);
        double sxy = 0;
        double sxx = 0;
        for (Sample s : v) {
            sxy += (s.turns() - mx) * (s.heapMb() - my);
            sxx += (s.turns() - mx) * (s.turns() - mx);
        }
        return sxx == 0 ? 0 : sxy / sxx;
    }

    private static void row(StringBuilder s, String name, double[] v) {
        if (v.length == 0) {
            s.append("| ").append(name).append(" | no samples after the warm-up | | | | | | |\n");
            return;
        }
        double[] sorted = v.clone();
        java.util.Arrays.sort(sorted);
        double median = sorted[sorted.length / 2];
        double dev = Math.max(sorted[sorted.length - 1] / median - 1, 1 - sorted[0] / median);
        s.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.1f | %.1f | %.2f %% | %s |%n", name, median,
                sorted[0], sorted[sorted.length - 1], v[0], v[v.length - 1], 100 * dev, dev <= LIMIT ? "yes" : "NO"));
    }

    /**
     * The user: the clips one after another, each followed by a pause of 5 to 9 s for the answer, every fifth pause
     * 1.2 s so that the next clip barges in; then silence to the end. Generated as it is read: an hour of audio per
     * session would not fit in the heap 16 times.
     */
    static final class ConversationSource implements AudioSource {
        private final List<float[]> clips;
        private final long totalSamples;
        private long position;
        private int clip;
        private int offsetInClip;
        private int pauseLeft;
        private int turn;

        ConversationSource(List<float[]> clips, long totalSamples, int session) {
            this.clips = clips;
            this.totalSamples = totalSamples;
            this.clip = session % clips.size();
            this.pauseLeft = USER_RATE_HZ / 2 + session * USER_RATE_HZ / 10; // sessions do not start in step
        }

        @Override
        public int sampleRateHz() {
            return USER_RATE_HZ;
        }

        @Override
        public int read(float[] buffer, int offset, int length) {
            if (position >= totalSamples) {
                return -1;
            }
            int n = (int) Math.min(length, totalSamples - position);
            for (int i = 0; i < n; i++) {
                if (pauseLeft > 0) {
                    buffer[offset + i] = 0f;
                    if (--pauseLeft == 0) {
                        offsetInClip = 0;
                    }
                    continue;
                }
                float[] c = clips.get(clip);
                buffer[offset + i] = c[offsetInClip++];
                if (offsetInClip == c.length) {
                    turn++;
                    clip = (clip + 1) % clips.size();
                    double pauseS = turn % 5 == 0 ? 1.2 : 5 + (turn * 7 % 5);
                    pauseLeft = (int) (pauseS * USER_RATE_HZ);
                }
            }
            position += n;
            return n;
        }

        @Override
        public void close() {
        }
    }

    /** A speaker that plays nothing and keeps nothing: an hour of 48 kHz audio per session would not fit either. */
    static final class DiscardingSink implements AudioSink {
        @Override
        public int sampleRateHz() {
            return OUT_RATE_HZ;
        }

        @Override
        public void write(float[] samples, int offset, int length) {
            if (offset < 0 || length < 0 || offset + length > samples.length) {
                throw new IllegalArgumentException("bad write [" + offset + ", +" + length + ")");
            }
        }

        @Override
        public void close() {
        }
    }

    /** The test kit's scripted recogniser, cycling: it answers each utterance with the next clip's transcript. */
    static final class CyclingRecognizer implements SpeechRecognizer {
        private final List<String> transcripts;
        private int next;

        CyclingRecognizer(List<String> transcripts) {
            this.transcripts = transcripts;
        }

        @Override
        public int sampleRateHz() {
            return USER_RATE_HZ;
        }

        @Override
        public void accept(float[] samples, int offset, int length) {
            io.github.voicechat.audio.Pcm.requireFinite(samples, offset, length);
        }

        @Override
        public synchronized Transcript finish() {
            return Transcript.of(transcripts.get(next++ % transcripts.size()));
        }

        @Override
        public void cancel() {
        }

        @Override
        public void close() {
        }
    }
}
