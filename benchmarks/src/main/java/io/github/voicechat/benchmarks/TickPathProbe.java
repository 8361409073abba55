package io.github.voicechat.benchmarks;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.isMethod;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.not;

import io.github.voicechat.SessionReport;
import io.github.voicechat.VoicePipeline;
import io.github.voicechat.VoiceSession;
import io.github.voicechat.audio.AudioSinks;
import io.github.voicechat.audio.AudioSources;
import io.github.voicechat.testkit.EnergyVad;
import io.github.voicechat.testkit.ScriptedRecognizer;
import io.github.voicechat.testkit.ScriptedResponder;
import io.github.voicechat.testkit.SineSynthesizer;
import io.github.voicechat.time.VirtualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import net.bytebuddy.agent.ByteBuddyAgent;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

/**
 * Which files of voicechat-core a session's tick runs code in, and how often each is entered: the measure behind
 * issue 13's "one input frame's path crosses at most 10 files of core, no file re-entered more than twice per tick".
 *
 * <p>Every method and constructor of core (not the test kit, not adapters, not this module) gets a method-entry and
 * -exit advice (Byte Buddy, attached to this JVM). On the session's thread, between entering and leaving
 * {@code SessionStages.tick}, the probe keeps the stack of files; entering a method of file F from a method of
 * another file counts as one entry into F (calls within a file, and nested classes and lambdas, which live in their
 * top-level class's file, do not). It runs the PipelineBenchmark script (3 turns, a barge-in) on the virtual clock
 * with the test kit's engines, and prints, per kind of tick, the files crossed and the most entries into one file.
 * The recogniser's and responder's threads are reported separately: that is the rest of the frame's journey to the
 * speaker (transcript, answer, synthesis, output ring).
 *
 * <p>Run: {@code java -Djdk.attach.allowAttachSelf=true -cp benchmarks/target/benchmarks.jar
 * io.github.voicechat.benchmarks.TickPathProbe [--real] [--record] [--check]}: {@code --real} runs the session on
 * the real clock, ticked by a shared {@code TickLoop} (the production path; 12 s), else on the virtual clock (with
 * the lockstep gate); {@code --record} also records the session to a WAV; {@code --check} exits with status 1
 * unless every tick, ordinary or eventful (turn start and end, transcript, first audio, barge-in pause, false alarm,
 * confirmed barge-in, turn completed), crosses at most {@link #MAX_FILES} files of core and enters none more than
 * {@link #MAX_ENTRIES} times, the host's and the engine's files ({@link #HOST}) aside. Ticks are grouped by the
 * events the session emitted on them (the listener runs on the session's thread, inside the tick).
 */
public final class TickPathProbe {

    /** One tick's entries per file, in first-entry order, and the events the session emitted on it. */
    static final class Tick {
        final int number;
        final Map<String, Integer> entries = new LinkedHashMap<>();
        /**
         * The events the session emitted on the tick, as the listener got them: named only after the run (see
         * {@link #kind}), so that the probe's own listener calls nothing of core inside the tick.
         */
        final List<io.github.voicechat.SessionEvent> events = new ArrayList<>();

        Tick(int number) {
            this.number = number;
        }

        /** The files of core's own path: every file entered but the host's and the engine's (see {@link #HOST}). */
        Map<String, Integer> core() {
            Map<String, Integer> core = new LinkedHashMap<>(entries);
            core.keySet().removeAll(HOST);
            return core;
        }

        int coreFiles() {
            return core().size();
        }

        int mostEntries() {
            return core().values().stream().max(Integer::compare).orElse(0);
        }

        /** What happened on the tick: its events (state changes named by their target), or its kind if none. */
        String kind(boolean speaking) {
            return events.isEmpty() ? (speaking ? "speaking" : "listening")
                    : String.join(" + ", events.stream().map(TickPathProbe::name).toList());
        }
    }

    /**
     * Files of core that run on a tick but are not core's path: the host's source and sink (in this script
     * {@code AudioSources.memory} and {@code AudioSinks.discard}, reached through the default methods of the
     * {@code AudioSource}/{@code AudioSink} interfaces they implement), and what the VAD engine calls itself (the
     * test kit's energy VAD uses {@code Pcm}; no file of core's tick path calls it). Listed apart, never hidden.
     */
    static final java.util.Set<String> HOST = java.util.Set.of("audio/AudioSource.java", "audio/AudioSink.java",
            "audio/AudioSources.java", "audio/AudioSinks.java", "audio/Pcm.java");
    /** Issue 13's bound on a tick: at most this many files of core ... */
    static final int MAX_FILES = 10;
    /** ... none entered more than this often. */
    static final int MAX_ENTRIES = 2;

    private static volatile Thread watched;
    private static final Deque<String> STACK = new ArrayDeque<>();
    private static final List<Tick> TICKS = new ArrayList<>();
    private static Tick current;
    private static final Map<String, TreeSet<String>> WORKER_FILES = new TreeMap<>();

    private TickPathProbe() {
    }

    private static volatile boolean realClock;
    /** With {@code --trace N}, every entry of tick N is printed with its caller's file. */
    private static volatile int TRACE_TICK = -1;

    /** Called from the advice on every core method entry. */
    public static void enter(String typeAndMethod) {
        Thread t = Thread.currentThread();
        if (realClock && watched == null && t.getName().startsWith("voicechat-tick-")) {
            watched = t; // the one loop thread that ticks the one session
        }
        String type = typeAndMethod.substring(0, typeAndMethod.lastIndexOf('.'));
        String file = fileOf(type);
        if (t != watched) {
            String name = t.getName();
            if (name.startsWith("voicechat-session-") && (name.contains("-asr") || name.contains("-respond"))) {
                String role = name.contains("-asr") ? "recogniser thread" : "responder thread";
                synchronized (WORKER_FILES) {
                    WORKER_FILES.computeIfAbsent(role, k -> new TreeSet<>()).add(file);
                }
            }
            return;
        }
        if (typeAndMethod.endsWith("SessionStages.tick")) {
            current = new Tick(TICKS.size());
            TICKS.add(current);
            STACK.clear();
        }
        if (current != null && !file.equals(STACK.peek())) {
            current.entries.merge(file, 1, Integer::sum);
            if (TRACE_TICK == current.number) {
                System.out.println("  tick " + current.number + ": " + STACK.peek() + " -> " + typeAndMethod);
            }
        }
        STACK.push(file);
    }

    /** Called from the advice on every core method exit. */
    public static void exit(String typeAndMethod) {
        if (Thread.currentThread() != watched) {
            return;
        }
        if (!STACK.isEmpty()) {
            STACK.pop();
        }
        if (typeAndMethod.endsWith("SessionStages.tick")) {
            current = null;
        }
    }

    static String fileOf(String type) {
        int dollar = type.indexOf('$');
        String top = dollar < 0 ? type : type.substring(0, dollar);
        return top.substring("io.github.voicechat.".length()).replace('.', '/') + ".java";
    }

    /** The advice woven into core's methods. */
    public static final class Probe {
        @Advice.OnMethodEnter
        static void enter(@Advice.Origin("#t.#m") String method) {
            TickPathProbe.enter(method);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class)
        static void exit(@Advice.Origin("#t.#m") String method) {
            TickPathProbe.exit(method);
        }
    }

    /** For constructors, whose exit advice cannot catch (a constructor that throws leaves the stack one deep). */
    public static final class ConstructorProbe {
        @Advice.OnMethodEnter
        static void enter(@Advice.Origin("#t.#m") String method) {
            TickPathProbe.enter(method);
        }

        @Advice.OnMethodExit
        static void exit(@Advice.Origin("#t.#m") String method) {
            TickPathProbe.exit(method);
        }
    }

    public static void main(String[] args) throws Exception {
        boolean record = List.of(args).contains("--record");
        boolean check = List.of(args).contains("--check");
        realClock = List.of(args).contains("--real");
        int trace = List.of(args).indexOf("--trace");
        if (trace >= 0) {
            TRACE_TICK = Integer.parseInt(args[trace + 1]);
        }
        new AgentBuilder.Default()
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(AgentBuilder.Listener.StreamWriting.toSystemError().withErrorsOnly())
                .ignore(not(nameStartsWith("io.github.voicechat."))
                        .or(nameStartsWith("io.github.voicechat.benchmarks."))
                        .or(nameStartsWith("io.github.voicechat.testkit."))
                        .or(nameStartsWith("io.github.voicechat.silero."))
                        .or(nameStartsWith("io.github.voicechat.webrtc.")))
                .type(nameStartsWith("io.github.voicechat."))
                .transform((builder, type, loader, module, domain) -> builder
                        .visit(Advice.to(Probe.class).on(isMethod().and(not(isAbstract()))))
                        .visit(Advice.to(ConstructorProbe.class).on(isConstructor())))
                .installOn(ByteBuddyAgent.install());

        float[] user = PipelineBenchmark.script(0).samples();
        Path wav = record ? Files.createTempFile("probe", ".wav") : null;
        VoicePipeline pipeline = VoicePipeline.builder()
                .vad(EnergyVad::new)
                .asr(() -> new ScriptedRecognizer(PipelineBenchmark.IN_RATE, -1, PipelineBenchmark.TRANSCRIPTS))
                .tts(SineSynthesizer::new)
                .responder(ScriptedResponder.of(PipelineBenchmark.ANSWER_1, PipelineBenchmark.ANSWER_2,
                        PipelineBenchmark.ANSWER_3))
                .clock(realClock ? io.github.voicechat.time.Clock.system() : new VirtualClock())
                .listener(e -> {
                    if (!realClock && watched == null) {
                        watched = Thread.currentThread(); // the first event comes from the session's thread
                    }
                    Tick t = current;
                    if (t != null && Thread.currentThread() == watched) {
                        // Kept as is: naming it here (StateChanged's to()) would be a call into core's
                        // SessionEvent.java that the host's listener makes, counted as the session's own.
                        t.events.add(e);
                    }
                })
                .build();
        SessionReport report;
        try (VoiceSession s = pipeline.openSession(AudioSources.memory(PipelineBenchmark.IN_RATE, user),
                AudioSinks.discard(PipelineBenchmark.OUT_RATE), wav)) {
            s.start();
            s.awaitTermination(Duration.ofSeconds(120));
            report = s.report();
        }
        if (wav != null) {
            Files.deleteIfExists(wav);
        }
        PipelineBenchmark.check(report, "probed session");
        System.out.printf("%d ticks probed on the session's thread (%s)%s%n", TICKS.size(),
                realClock ? "real clock: a shared tick loop, TickLoop.java above each tick"
                        : "virtual clock: lockstep, its own thread", record ? ", recording a WAV" : "");
        Tick worstFiles = TICKS.stream().skip(1).max(Comparator.comparingInt(t -> t.entries.size())).orElseThrow();
        Tick worstEntries = TICKS.stream().skip(1)
                .max(Comparator.comparingInt(t -> t.entries.values().stream().max(Integer::compare).orElse(0)))
                .orElseThrow();
        Map<String, Integer> kinds = new TreeMap<>();
        for (Tick t : TICKS) {
            kinds.merge(t.entries.size() + " files, at most "
                    + t.entries.values().stream().max(Integer::compare).orElse(0) + " entries into one", 1,
                    Integer::sum);
        }
        System.out.println("ticks by shape: " + kinds);
        print("tick with the most files", worstFiles);
        print("tick with the most entries into one file", worstEntries);
        print("a quiet listening tick (tick 10)", TICKS.get(10));
        print("a speaking tick (tick 450, 9.0 s, the third answer)", TICKS.get(450));
        WORKER_FILES.forEach((role, files) -> System.out.println(role + ": " + files.size() + " files " + files));
        int violations = byKind();
        if (check && violations > 0) {
            System.out.printf("CHECK FAILED: %d of %d ticks cross more than %d files of core or enter one more than"
                    + " %d times (host and engine files %s not counted)%n", violations, TICKS.size(), MAX_FILES,
                    MAX_ENTRIES, HOST);
            System.exit(1);
        } else if (check) {
            System.out.printf("CHECK PASSED: every one of %d ticks crosses at most %d files of core, none entered"
                    + " more than %d times%n", TICKS.size(), MAX_FILES, MAX_ENTRIES);
        }
    }

    /**
     * Per kind of tick (what happened on it: no event, listening or speaking; or the events it emitted), the worst
     * tick's files of core and entries, and every event tick over the bound with its files. Returns the number of
     * ticks over the bound.
     */
    private static int byKind() {
        Map<String, Tick> worst = new TreeMap<>();
        Map<String, Integer> count = new TreeMap<>();
        int violations = 0;
        for (Tick t : TICKS.subList(1, TICKS.size())) { // tick 0 opens the session's state: set-up, not a frame
            boolean speaking = t.entries.containsKey("internal/bus/OutputRing.java");
            String kind = t.kind(speaking);
            count.merge(kind, 1, Integer::sum);
            worst.merge(kind, t, (a, b) -> b.coreFiles() * 1000 + b.mostEntries() > a.coreFiles() * 1000
                    + a.mostEntries() ? b : a);
            if (t.coreFiles() > MAX_FILES || t.mostEntries() > MAX_ENTRIES) {
                violations++;
            }
        }
        System.out.printf("per kind of tick (files of core besides %s; bound %d files, %d entries):%n", HOST,
                MAX_FILES, MAX_ENTRIES);
        worst.forEach((kind, t) -> System.out.printf("  %-90s x%-4d worst tick %d (%.2f s): %d files, most entries"
                + " %d: %s%n", kind, count.get(kind), t.number, t.number * 0.02, t.coreFiles(), t.mostEntries(),
                t.core()));
        return violations;
    }

    /** An event's name for the report: its record's name, a state change named by its target. */
    static String name(io.github.voicechat.SessionEvent e) {
        return e instanceof io.github.voicechat.SessionEvent.StateChanged sc ? "StateChanged(" + sc.to() + ")"
                : e.getClass().getSimpleName();
    }

    private static void print(String what, Tick t) {
        System.out.printf("%s: tick %d (%.2f s): %d files, entries %s%n", what, t.number, t.number * 0.02,
                t.entries.size(), t.entries);
    }
}
