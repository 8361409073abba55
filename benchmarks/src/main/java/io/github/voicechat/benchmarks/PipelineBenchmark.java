package io.github.voicechat.benchmarks;

import io.github.voicechat.SessionEvent;
import io.github.voicechat.SessionReport;
import io.github.voicechat.TurnReport;
import io.github.voicechat.VoicePipeline;
import io.github.voicechat.VoiceSession;
import io.github.voicechat.audio.AudioSink;
import io.github.voicechat.audio.AudioSinks;
import io.github.voicechat.audio.AudioSources;
import io.github.voicechat.testkit.EnergyVad;
import io.github.voicechat.testkit.Scenario;
import io.github.voicechat.testkit.ScriptedRecognizer;
import io.github.voicechat.testkit.ScriptedResponder;
import io.github.voicechat.testkit.SharedData;
import io.github.voicechat.testkit.SineSynthesizer;
import io.github.voicechat.time.Clock;
import io.github.voicechat.time.VirtualClock;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The whole session pipeline (VAD, turn and barge-in logic, ASR and responder threads, TTS, playout) with the test
 * kit's engines, so what is measured is the library's own machinery, not an engine.
 *
 * <p>The user script (16 kHz, {@value #SCRIPT_MS} ms): asks for a ten-word answer, interrupts it 600 ms in (a
 * confirmed barge-in), gets a short answer, then asks a third question with a 20-word answer. Three turns, one
 * barge-in.
 *
 * <p><b>Real clock: a plain {@link #main} harness, not JMH.</b> The quantity is a distribution over N concurrent
 * sessions of one multi-second run (per-session playout jitter p50/p99 from {@link SessionReport}, first-audio
 * latency per turn, underruns, dropped frames), summarised as median/p95/max over sessions. JMH's result model is one
 * score per iteration aggregated over iterations and forks; {@code @AuxCounters} are summed or averaged, so "max of
 * p99 over 20 sessions" cannot be expressed, and warmup iterations and forks add minutes of wall time without making
 * a paced 11 s run any more precise (its timing is set by the 20 ms pacing, not by the code being measured). The
 * harness warms the JIT with virtual-clock runs first, starts all N sessions at once (the worst case: every session
 * wakes on the same 20 ms grid), and also times every sink write itself as an independent check of the session's
 * own jitter accounting. The sessions share the library's tick threads (one per core, see {@code TickLoop}); the
 * harness also reads every thread's CPU time, so the cost per session is known even on a loaded machine. Run:
 * {@code java -cp benchmarks/target/benchmarks.jar io.github.voicechat.benchmarks.PipelineBenchmark 3 20}, or
 * with Silero as the VAD on real speech: {@code ... PipelineBenchmark --vad silero 64 128}.
 *
 * <p><b>Silero script.</b> The same timings, with real speech cut at word boundaries from
 * {@code ../shared/speech/pocketsphinx_librivox-0870.wav} instead of the synthetic bursts (Silero does not take a
 * buzz for speech). Its turn boundaries are Silero's, so the run is checked against a virtual-clock run of the same
 * script: every real-clock session must give the same turns, barge-ins and played texts.
 *
 * <p><b>Virtual clock: JMH</b> ({@link #virtualClockConversation}), one op = one whole conversation in lockstep.
 * Seconds of conversation per wall second = session audio time (11.54 s, or 31.54 s with 20 s extra) / score.
 * With {@code -prof gc}, {@code gc.alloc.rate.norm} is bytes per conversation over all threads (JMH uses the JVM-wide
 * {@code getTotalThreadAllocatedBytes}, so the session's own short-lived threads are counted); the difference
 * between {@code extraSilenceS=20} and {@code 0} divided by 1000 ticks is the steady-state allocation per idle
 * (listening) tick. Run:
 * {@code java -jar benchmarks/target/benchmarks.jar PipelineBenchmark -prof gc}.
 */
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class PipelineBenchmark {

    static final int IN_RATE = 16_000;
    static final int OUT_RATE = SineSynthesizer.SAMPLE_RATE_HZ;
    static final int SCRIPT_MS = 11_000;
    static final List<String> TRANSCRIPTS = List.of("count to ten", "stop", "tell me about the weather");
    static final String ANSWER_1 = "One two three four five six seven eight nine ten.";
    static final String ANSWER_2 = "Okay, stopping.";
    static final String ANSWER_3 =
            "It is noon. The sky is clear and the wind is light. It will stay dry and warm all day.";

    /**
     * The user side. Answer 1 (2 s) plays from 2.0 s; the interruption at 2.6 s is confirmed after 200 ms of speech;
     * answer 2 (0.4 s) plays from 4.1 s; answer 3 (20 words, 4.0 s) from 7.5 s to 11.5 s, so the session runs
     * 11.54 s although the source ends at 11.0 s.
     */
    static Scenario script(int extraSilenceMs) {
        return Scenario.at(IN_RATE)
                .silence(500).speech("u1", 1000)      // 0.5-1.5 s
                .silence(1100).speech("u2", 1000)     // 2.6-3.6 s, barges into answer 1
                .silence(1900).speech("u3", 1500)     // 5.5-7.0 s
                .silence(4000 + extraSilenceMs);      // source ends at 11.0 s (+ extra)
    }

    static VoicePipeline pipeline(Clock clock, List<SessionEvent> events) {
        VoicePipeline.Builder b = VoicePipeline.builder()
                .vad(EnergyVad::new)
                .asr(() -> new ScriptedRecognizer(IN_RATE, -1, TRANSCRIPTS))
                .tts(SineSynthesizer::new)
                // A responder holds its position in the script: one per session.
                .responder(ScriptedResponder.of(ANSWER_1, ANSWER_2, ANSWER_3))
                .clock(clock);
        if (events != null) {
            b.listener(events::add);
        }
        return b.build();
    }

    /** Fails loudly if the run did not go as scripted, so a broken pipeline is never reported as fast. */
    static void check(SessionReport r, String what) {
        List<TurnReport> t = r.turns();
        boolean ok = t.size() == 3 && r.bargeIns() == 1 && t.get(0).bargedIn()
                && t.get(1).playedText().equals(ANSWER_2) && t.get(2).playedText().equals(ANSWER_3)
                && r.endReason().equals("source ended");
        if (!ok) {
            throw new IllegalStateException(what + " did not follow the script: " + r);
        }
    }

    // ------------------------------------------------------------------ JMH: virtual clock

    @State(Scope.Benchmark)
    public static class VirtualRun {
        /** Extra trailing silence: the difference between 20 and 0 isolates the per-tick cost of listening. */
        @Param({"0", "20"})
        public int extraSilenceS;
        float[] user;

        @Setup
        public void setUp() {
            user = script(extraSilenceS * 1000).samples();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public SessionReport virtualClockConversation(VirtualRun run) throws InterruptedException {
        VoicePipeline p = pipeline(new VirtualClock(), null);
        try (VoiceSession s = p.openSession(AudioSources.memory(IN_RATE, run.user), AudioSinks.discard(OUT_RATE))) {
            s.start();
            if (!s.awaitTermination(Duration.ofSeconds(60))) {
                throw new IllegalStateException("virtual-clock session did not end within 60 s");
            }
            SessionReport r = s.report();
            check(r, "virtual-clock session");
            return r;
        }
    }

    // ------------------------------------------------------------------ real clock harness

    /** A sink that times its own writes: lateness of write k against first write + k x 20 ms. */
    static final class PipelineTimingSink implements AudioSink {
        private final long[] writeNanos;
        private final boolean[] audible;
        private int writes;

        PipelineTimingSink(int maxWrites) {
            writeNanos = new long[maxWrites];
            audible = new boolean[maxWrites];
        }

        @Override
        public int sampleRateHz() {
            return OUT_RATE;
        }

        @Override
        public void write(float[] samples, int offset, int length) {
            if (writes < writeNanos.length) {
                writeNanos[writes] = System.nanoTime();
                audible[writes] = samples[offset] != 0f || samples[offset + length - 1] != 0f;
            }
            writes++;
        }

        @Override
        public void close() {
        }

        /**
         * Wall-clock first-audio latency: from the moment the end of the user's speech was due at the microphone
         * (first write + userEnd, the source being paced on the same grid) to the first audible write at or after
         * the tick the session says it played, in ms; NaN if none.
         */
        double wallFirstAudioMs(double userEndMs, double audioLatencyMs) {
            int n = Math.min(writes, writeNanos.length);
            for (int k = (int) Math.round((userEndMs + audioLatencyMs) / 20); k < n; k++) {
                if (audible[k]) {
                    return (writeNanos[k] - writeNanos[0]) / 1e6 - userEndMs;
                }
            }
            return Double.NaN;
        }

        /** Audio time (s) of the latest write. */
        double worstAtS() {
            int n = Math.min(writes, writeNanos.length);
            int worst = 0;
            for (int k = 1; k < n; k++) {
                if (writeNanos[k] - k * 20_000_000L > writeNanos[worst] - worst * 20_000_000L) {
                    worst = k;
                }
            }
            return worst * 0.020;
        }

        /** Lateness of each write in ms, sorted. */
        double[] latenessMs() {
            int n = Math.min(writes, writeNanos.length);
            double[] late = new double[n];
            for (int k = 0; k < n; k++) {
                late[k] = Math.max(0, writeNanos[k] - (writeNanos[0] + k * 20_000_000L)) / 1e6;
            }
            Arrays.sort(late);
            return late;
        }
    }

    record SessionResult(SessionReport report, double sinkP50Ms, double sinkP99Ms, double sinkMaxMs,
            double[] wallFirstAudioMs, List<SessionEvent> events) {
    }

    /** What a real-clock run plays: the user's side, the pipeline, and how to tell a session that went off-script. */
    record Script(String name, float[] user, java.util.function.BiFunction<Clock, List<SessionEvent>, VoicePipeline>
            pipeline, java.util.function.Predicate<SessionReport> onScript) {
    }

    static Script energyScript() {
        return new Script("energy VAD, synthetic speech", script(0).samples(), PipelineBenchmark::pipeline, r -> {
            try {
                check(r, "session");
                return true;
            } catch (IllegalStateException e) {
                return false;
            }
        });
    }

    /** Real speech, cut at word boundaries (alignments.tsv), in the synthetic script's places. */
    static Script sileroScript() throws Exception {
        Path wav = SharedData.requireSpeech().resolve("pocketsphinx_librivox-0870.wav");
        float[] clip = io.github.voicechat.audio.WavReader.read(wav).mono();
        float[] user = Scenario.at(IN_RATE)
                .silence(500).clip("u1", slice(clip, 0.20, 1.58))      // "and mister john dashwood"
                .silence(1100).clip("u2", slice(clip, 2.25, 3.44))     // "leisure to consider", over answer 1
                .silence(1900).clip("u3", slice(clip, 4.00, 5.56))     // "much there might be prudently in"
                .silence(4000).samples();
        java.util.function.BiFunction<Clock, List<SessionEvent>, VoicePipeline> pipeline = (clock, events) -> {
            VoicePipeline.Builder b = VoicePipeline.builder()
                    .vad("silero")
                    .asr(() -> new ScriptedRecognizer(IN_RATE, -1, TRANSCRIPTS))
                    .tts(SineSynthesizer::new)
                    .responder(ScriptedResponder.of(ANSWER_1, ANSWER_2, ANSWER_3))
                    .clock(clock);
            if (events != null) {
                b.listener(events::add);
            }
            return b.build();
        };
        SessionReport reference = runVirtual(pipeline, user);
        System.out.println("Silero script on the virtual clock (the reference): " + reference.turns());
        if (reference.turns().size() != 3 || reference.bargeIns() != 1) {
            throw new IllegalStateException("the Silero script no longer gives 3 turns and 1 barge-in: " + reference);
        }
        List<TurnReport> expected = reference.turns().stream().map(PipelineBenchmark::withoutLatency).toList();
        return new Script("Silero VAD v6, real speech", user, pipeline,
                r -> r.turns().stream().map(PipelineBenchmark::withoutLatency).toList().equals(expected)
                        && r.endReason().equals(reference.endReason()));
    }

    /**
     * A turn without its first-audio latency: on the real clock a transcript may come back a tick or two later than
     * in lockstep (the recogniser's thread runs beside the tick), which moves the answer but not the conversation.
     */
    static TurnReport withoutLatency(TurnReport t) {
        return new TurnReport(t.turn(), t.userStartS(), t.userEndS(), t.transcript(), t.responseText(),
                t.playedText(), Double.NaN, t.bargedIn(), t.bargeInLatencyMs(), t.falseAlarms());
    }

    static float[] slice(float[] clip, double fromS, double toS) {
        return Arrays.copyOfRange(clip, (int) Math.round(fromS * IN_RATE), (int) Math.round(toS * IN_RATE));
    }

    static SessionReport runVirtual(java.util.function.BiFunction<Clock, List<SessionEvent>, VoicePipeline> pipeline,
            float[] user) throws InterruptedException {
        try (VoiceSession s = pipeline.apply(new VirtualClock(), null).openSession(AudioSources.memory(IN_RATE, user),
                AudioSinks.discard(OUT_RATE))) {
            s.start();
            if (!s.awaitTermination(Duration.ofSeconds(120))) {
                throw new IllegalStateException("virtual-clock session did not end within 120 s");
            }
            return s.report();
        }
    }

    public static void main(String[] args) throws Exception {
        List<String> rest = new ArrayList<>(List.of(args));
        boolean silero = false;
        if (rest.size() >= 2 && rest.get(0).equals("--vad")) {
            silero = rest.get(1).equals("silero");
            if (!silero && !rest.get(1).equals("energy")) {
                throw new IllegalArgumentException("--vad must be energy or silero, was " + rest.get(1));
            }
            rest = rest.subList(2, rest.size());
        }
        int[] counts = rest.isEmpty() ? new int[] {3, 20} : rest.stream().mapToInt(Integer::parseInt).toArray();
        System.out.printf(Locale.ROOT, "java %s, %d cpus, load average %s%n", System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), loadAverage());
        long t0 = System.nanoTime();
        for (int i = 0; i < 30; i++) {
            VirtualRun warm = new VirtualRun();
            warm.setUp();
            new PipelineBenchmark().virtualClockConversation(warm);
        }
        Script script = silero ? sileroScript() : energyScript();
        System.out.printf(Locale.ROOT,
                "JIT warm-up: 30 virtual-clock conversations in %.1f s, %.1f MB allocated since start; script: %s%n",
                (System.nanoTime() - t0) / 1e9, allocatedBytes() / 1e6, script.name());
        for (int n : counts) {
            runRealClock(script, n);
        }
    }

    /** Samples every live thread's CPU time, so threads that end before the run does are still counted. */
    static final class CpuSampler implements AutoCloseable {
        private final java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        private final java.util.Map<Long, long[]> cpuById = new java.util.concurrent.ConcurrentHashMap<>();
        private final java.util.Map<Long, String> nameById = new java.util.concurrent.ConcurrentHashMap<>();
        private final Thread sampler;
        private volatile boolean running = true;

        CpuSampler() {
            sampler = new Thread(() -> {
                while (running) {
                    sample();
                    java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
                }
            }, "cpu-sampler");
            sampler.setDaemon(true);
            sampler.start();
        }

        private void sample() {
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                long cpu = threads.getThreadCpuTime(t.getId());
                if (cpu > 0) {
                    cpuById.computeIfAbsent(t.getId(), id -> new long[2]);
                    long[] v = cpuById.get(t.getId());
                    if (v[0] == 0) {
                        v[0] = cpu; // first sight: what it had spent before the run started counting
                    }
                    v[1] = cpu;
                    nameById.put(t.getId(), t.getName());
                }
            }
        }

        /** CPU ms spent during the run by threads whose name matches each role. */
        java.util.Map<String, Double> byRole() {
            java.util.Map<String, Double> out = new java.util.TreeMap<>();
            cpuById.forEach((id, v) -> {
                String name = nameById.get(id);
                String role = name.startsWith("voicechat-tick-") ? "tick loops"
                        : name.matches("voicechat-session-\\d+-asr.*") ? "recognisers"
                        : name.matches("voicechat-session-\\d+-respond.*") ? "responders"
                        : name.startsWith("voicechat-") ? "session open/close" : "other (JIT, GC, harness)";
                out.merge(role, (v[1] - v[0]) / 1e6, Double::sum);
            });
            return out;
        }

        @Override
        public void close() throws InterruptedException {
            sample();
            running = false;
            sampler.join();
        }
    }

    /**
     * A bare thread that parks to a 20 ms grid and does nothing else: how late it wakes is the machine's scheduling
     * noise during the run, with no library code in it. Sessions cannot be more punctual than this.
     */
    static final class Canary implements AutoCloseable {
        private final List<Double> lateMs = new ArrayList<>();
        private final Thread thread;
        private volatile boolean running = true;

        Canary() {
            thread = new Thread(() -> {
                long start = System.nanoTime();
                for (long k = 1; running; k++) {
                    long deadline = start + k * 20_000_000L;
                    long wait;
                    while ((wait = deadline - System.nanoTime()) > 0) {
                        java.util.concurrent.locks.LockSupport.parkNanos(wait);
                    }
                    lateMs.add((System.nanoTime() - deadline) / 1e6);
                }
            }, "canary");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join();
        }

        double[] sorted() {
            return lateMs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        }
    }

    static void runRealClock(Script script, int n) throws Exception {
        String loadBefore = loadAverage();
        List<VoiceSession> sessions = new ArrayList<>();
        List<PipelineTimingSink> sinks = new ArrayList<>();
        List<List<SessionEvent>> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<SessionEvent> ev = new CopyOnWriteArrayList<>();
            PipelineTimingSink sink = new PipelineTimingSink(2 * SCRIPT_MS / 20 + 500);
            sessions.add(script.pipeline().apply(Clock.system(), ev)
                    .openSession(AudioSources.memory(IN_RATE, script.user()), sink));
            sinks.add(sink);
            events.add(ev);
        }
        // Start each run with an empty young generation, so the run's own allocation (about 0.78 MB per session,
        // nearly all of it set-up) does not trigger a collection left over from the warm-up.
        System.gc();
        long alloc0 = allocatedBytes();
        long gcCount0 = gcCount();
        long gcMs0 = gcMillis();
        long processCpu0 = processCpuNanos();
        CpuSampler cpu = new CpuSampler();
        Canary canary = new Canary();
        long start = System.nanoTime();
        for (VoiceSession s : sessions) {
            s.start();
        }
        List<SessionResult> results = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            VoiceSession s = sessions.get(i);
            if (!s.awaitTermination(Duration.ofSeconds(120))) {
                throw new IllegalStateException(s.name() + " did not end within 120 s");
            }
            s.close();
            PipelineTimingSink sink = sinks.get(i);
            double[] late = sink.latenessMs();
            double[] wallFirst = s.report().turns().stream().filter(t -> !Double.isNaN(t.firstAudioLatencyMs()))
                    .mapToDouble(t -> sink.wallFirstAudioMs(t.userEndS() * 1000, t.firstAudioLatencyMs())).toArray();
            results.add(new SessionResult(s.report(), pct(late, 0.50), pct(late, 0.99), late[late.length - 1],
                    wallFirst, events.get(i)));
        }
        double wallS = (System.nanoTime() - start) / 1e9;
        canary.close();
        cpu.close();
        double processCpuMs = (processCpuNanos() - processCpu0) / 1e6;
        long allocated = allocatedBytes() - alloc0;
        long gcs = gcCount() - gcCount0;
        long gcMs = gcMillis() - gcMs0;
        long leftThreads = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("voicechat-")).count();

        System.out.printf(Locale.ROOT,
                "%n== N = %d sessions on the real clock (paced, %s), load average before %s, after %s%n",
                n, script.name(), loadBefore, loadAverage());
        System.out.printf(Locale.ROOT,
                "wall %.2f s for %.2f s of audio per session; GC: %d collections, %d ms; voicechat threads left: %d%n",
                wallS, results.get(0).report().durationS(), gcs, gcMs, leftThreads);
        int offScript = 0;
        for (SessionResult r : results) {
            if (!script.onScript().test(r.report())) {
                offScript++;
                System.out.println("OFF SCRIPT: " + r.report());
            }
        }
        double audioS = results.stream().mapToDouble(r -> r.report().durationS()).sum();
        System.out.printf(Locale.ROOT, "CPU: %.2f ms per session-second of audio, whole process (%.0f ms in %.0f "
                + "session-seconds); by thread role (ms per session-second):", processCpuMs / audioS, processCpuMs,
                audioS);
        cpu.byRole().forEach((role, ms) -> System.out.printf(Locale.ROOT, " %s %.2f;", role, ms / audioS));
        System.out.println();
        double[] p50 = results.stream().mapToDouble(r -> r.report().playoutJitterP50Ms()).sorted().toArray();
        double[] p99 = results.stream().mapToDouble(r -> r.report().playoutJitterP99Ms()).sorted().toArray();
        double[] sinkP50 = results.stream().mapToDouble(SessionResult::sinkP50Ms).sorted().toArray();
        double[] sinkP99 = results.stream().mapToDouble(SessionResult::sinkP99Ms).sorted().toArray();
        double[] sinkMax = results.stream().mapToDouble(SessionResult::sinkMaxMs).sorted().toArray();
        double[] firstAudio = results.stream().flatMap(r -> r.report().turns().stream())
                .mapToDouble(TurnReport::firstAudioLatencyMs).filter(d -> !Double.isNaN(d)).sorted().toArray();
        double[] wallFirstAudio = results.stream().flatMapToDouble(r -> Arrays.stream(r.wallFirstAudioMs()))
                .sorted().toArray();
        double[] bargeIn = results.stream().flatMap(r -> r.report().turns().stream()).filter(TurnReport::bargedIn)
                .mapToDouble(TurnReport::bargeInLatencyMs).sorted().toArray();
        long underruns = results.stream().mapToLong(r -> r.report().underrunFrames()).sum();
        long dropped = results.stream().mapToLong(r -> r.report().framesDropped()).sum();
        long errors = results.stream().flatMap(r -> r.events().stream())
                .filter(e -> e instanceof SessionEvent.EngineError).count();
        long ticks = results.stream().mapToLong(r -> Math.round(r.report().durationS() * 50)).sum();
        System.out.printf(Locale.ROOT, "allocated %.1f MB in all threads during the run: %.0f B per session tick%n",
                allocated / 1e6, allocated / (double) ticks);
        System.out.println("latest write of each session at audio time (s), first 20 sessions: " + sinks.stream()
                .limit(20).map(k -> String.format(Locale.ROOT, "%.2f", k.worstAtS())).toList());
        System.out.println("over sessions:                      median    p95     max   (ms)");
        row("report playout jitter p50", p50);
        row("report playout jitter p99", p99);
        row("sink-timed write lateness p50", sinkP50);
        row("sink-timed write lateness p99", sinkP99);
        row("sink-timed write lateness max", sinkMax);
        double[] bare = canary.sorted();
        System.out.printf(Locale.ROOT, "  %-32s %7.2f %7.2f %7.2f   (p50 p99 max over its %d wake-ups: the machine)%n",
                "bare 20 ms thread, lateness", pct(bare, 0.5), pct(bare, 0.99), bare[bare.length - 1], bare.length);
        System.out.println("over turns:                          min    median   p95     max   (ms)");
        row4("first-audio latency (" + firstAudio.length + " turns)", firstAudio);
        row4("first-audio, wall (sink-timed)", wallFirstAudio);
        row4("barge-in latency (" + bargeIn.length + " turns)", bargeIn);
        System.out.printf(Locale.ROOT,
                "underrun frames %d, dropped input frames %d, engine errors %d, off-script sessions %d%n",
                underruns, dropped, errors, offScript);
    }

    static void row(String label, double[] sorted) {
        System.out.printf(Locale.ROOT, "  %-32s %7.2f %7.2f %7.2f%n", label, pct(sorted, 0.5), pct(sorted, 0.95),
                sorted[sorted.length - 1]);
    }

    static void row4(String label, double[] sorted) {
        if (sorted.length == 0) {
            System.out.printf(Locale.ROOT, "  %-32s (none)%n", label);
            return;
        }
        System.out.printf(Locale.ROOT, "  %-32s %7.1f %7.1f %7.1f %7.1f%n", label, sorted[0], pct(sorted, 0.5),
                pct(sorted, 0.95), sorted[sorted.length - 1]);
    }

    /** Nearest-rank percentile of sorted values. */
    static double pct(double[] sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    /** JVM-wide bytes allocated so far, terminated threads included (JDK 14+). */
    static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getTotalThreadAllocatedBytes();
    }

    static long gcCount() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(b -> Math.max(0, b.getCollectionCount()))
                .sum();
    }

    static long gcMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(b -> Math.max(0, b.getCollectionTime()))
                .sum();
    }

    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (Exception e) {
            return String.format(Locale.ROOT, "%.2f",
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }
}
