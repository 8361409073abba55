package io.github.voicechat.benchmarks;

import static io.github.voicechat.benchmarks.AsrRealtimeBenchmark.fmt;

import io.github.voicechat.SessionReport;
import io.github.voicechat.TurnPolicy;
import io.github.voicechat.TurnReport;
import io.github.voicechat.VoicePipeline;
import io.github.voicechat.VoiceSession;
import io.github.voicechat.audio.AudioSinks;
import io.github.voicechat.audio.AudioSources;
import io.github.voicechat.audio.WavWriter;
import io.github.voicechat.spi.EndOfTurnDetector;
import io.github.voicechat.spi.EngineOptions;
import io.github.voicechat.spi.Engines;
import io.github.voicechat.spi.SpeechRecognizer;
import io.github.voicechat.spi.SpeechSynthesizer;
import io.github.voicechat.spi.VoiceActivityDetector;
import io.github.voicechat.testkit.Scenario;
import io.github.voicechat.testkit.SharedData;
import io.github.voicechat.testkit.TestAudio;
import io.github.voicechat.time.Clock;
import io.github.voicechat.time.VirtualClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Issue 14, point 4: turn-taking on real speech, with the default engines and turn policy, one fresh JVM per run.
 *
 * <p>The script ({@code input.wav}, 3 min): 20 user turns from the labelled LibriVox clips of {@code ../shared/speech},
 * in the order A D B C D four times, 3 s of silence after each, 1 s before the first: A = 0870 (6.5 s, one sentence),
 * B = 0880 (2.5 s, "he was not an ill disposed young man"), C = 0890 (4.8 s), D = 0880 + 0890 joined as the book has
 * them (one sentence, "he was not an ill disposed young man … unless to be rather cold hearted …", with the
 * recordings' own 0.48 s of silence after "man", where the speaker has not finished). Each turn is labelled from its
 * first clip's labelled speech start to its last clip's labelled speech end: where the speaker actually finished.
 *
 * <p>Per run the child writes the session's turns ({@code run-N.tsv}: start, end as the session decided it, first
 * audio, speculative starts, kept, transcript) and every end-of-turn question the session asked
 * ({@code cues-N.tsv}: when, the recogniser's words, the pitch trend, the silence answered). The parent then
 * measures on the stereo session WAV ({@code session-N.wav}, left the user, right the bot), per labelled turn:
 * <ul>
 *   <li><b>voice-to-voice</b>: labelled end of speech → the first bot sample at or above −40 dBFS before the next
 *       labelled turn starts;</li>
 *   <li><b>cut-off</b>: the session declared the end of a turn overlapping this one more than 100 ms before the
 *       labelled end (its {@code userEndS}), i.e. before the speaker had finished;</li>
 *   <li><b>speculative</b> responses started, discarded unheard and kept, summed over the session's turns inside
 *       it.</li>
 * </ul>
 * and runs {@code ../shared/tools/score-turns} on the WAV as an independent check from the audio alone (its
 * cut-offs: a bot onset inside a labelled span).
 *
 * <p>{@code --clock real} (default) is the measurement: the WAV paced at real time, engines competing for the
 * CPU. {@code --clock virtual} runs the same session in lockstep on a virtual clock: every engine takes no audio
 * time, so the figures are the turn-taking rules' own (VAD lag + the silence decided + a tick), the same on any
 * machine under any load; the rules are tuned with it. Run from the repository root, after
 * {@code ./mvnw -B -q -pl benchmarks -am package -DskipTests}: {@code java -cp benchmarks/target/benchmarks.jar
 * io.github.voicechat.benchmarks.TurnTakingBenchmark [--runs 10] [--out target/turn-taking] [--clock real|virtual]
 * [--jvm "FLAGS"]}. See {@code benchmarks/TURN-TAKING.md}.
 */
public final class TurnTakingBenchmark {

    static final int RATE_HZ = 16_000;
    static final int OUT_RATE_HZ = 48_000;
    static final int GAP_MS = 3_000;
    static final String ANSWER = "Okay.";
    /** A session end of turn this long before the labelled end is a cut-off (VAD and label disagree by less). */
    static final double CUT_MARGIN_S = 0.1;

    private TurnTakingBenchmark() {
    }

    /** One labelled user turn: its kind (A-D), and its speech in session seconds. */
    record Turn(String kind, String label, double startS, double endS) {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("child")) {
            child(Path.of(args[1]), Path.of(args[2]), args[3], args[4].equals("virtual"));
            return;
        }
        int runs = 10;
        Path out = Path.of("target/turn-taking");
        String jvm = "";
        String clock = "real";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--jvm" -> jvm = args[++i];
                case "--clock" -> clock = args[++i];
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (--runs N, --out DIR, --clock real|virtual, --jvm FLAGS)");
            }
        }
        if (!clock.equals("real") && !clock.equals("virtual")) {
            throw new IllegalArgumentException("--clock must be real or virtual, was " + clock);
        }
        if (runs < 1) {
            throw new IllegalArgumentException("--runs must be at least 1, was " + runs);
        }
        if (!Files.isRegularFile(SharedData.location().resolve("speech/manifest.tsv"))) {
            System.out.println("skipped: real speech recordings not found at " + SharedData.location().resolve("speech")
                    + " (set -Dvoicechat.shared=/path/to/shared)");
            return;
        }
        Files.createDirectories(out);
        Path input = out.resolve("input.wav");
        Path spans = out.resolve("spans.tsv");
        List<Turn> script = buildScript(input, spans);
        System.out.printf(Locale.ROOT, "script: %d turns (%s), %s clock, %d CPUs, child JVM flags [%s]%n",
                script.size(), String.join(" ", script.stream().map(Turn::kind).toList()), clock,
                Runtime.getRuntime().availableProcessors(), jvm);
        Tally all = new Tally();
        Tally first = new Tally();
        Map<String, Tally> byKind = new LinkedHashMap<>();
        for (int run = 1; run <= runs; run++) {
            String tag = Integer.toString(run);
            String loadBefore = AsrRealtimeBenchmark.loadAverage();
            runChild(out, tag, jvm, clock, input);
            String loadAfter = AsrRealtimeBenchmark.loadAverage();
            Path wav = out.resolve("session-" + tag + ".wav");
            List<String[]> reported = readRows(out.resolve("run-" + tag + ".tsv"));
            List<String[]> cues = readRows(out.resolve("cues-" + tag + ".tsv"));
            Tally runTally = new Tally();
            StringBuilder perTurn = new StringBuilder("turn\tkind\tlabel_end_s\tv2v_ms\tcut\tspec_started\tspec_kept"
                    + "\tsession_turns\tvad_lag_ms\tsilence_ms\tdecision_to_first_audio_ms\tonset_ms\n");
            for (int k = 0; k < script.size(); k++) {
                Turn t = script.get(k);
                double until = k + 1 < script.size() ? script.get(k + 1).startS() : Double.POSITIVE_INFINITY;
                // Session turns are matched from 0.5 s before a labelled start (the VAD's onset may lead the label)
                // to 0.5 s before the next one, so no session turn is counted twice.
                Outcome o = outcome(t, until - 0.5, reported, AsrRealtimeBenchmark.audibleAfter(wav, t.endS(),
                        until));
                runTally.add(o);
                all.add(o);
                byKind.computeIfAbsent(t.kind(), x -> new Tally()).add(o);
                if (k == 0) {
                    first.add(o);
                }
                double[] parts = breakdown(t, o, reported, cues);
                for (int c = 0; c < parts.length; c++) {
                    all.parts.get(c).add(parts[c]);
                }
                perTurn.append(String.format(Locale.ROOT, "%d\t%s\t%.3f\t%s\t%b\t%d\t%d\t%s\t%s\t%s\t%s\t%s%n", k + 1,
                        t.kind(), t.endS(), fmt(o.v2vMs), o.cut, o.started, o.kept, o.sessionTurns, fmt(parts[0]),
                        fmt(parts[1]), fmt(parts[2]), fmt(parts[3])));
            }
            Files.writeString(out.resolve("turns-" + tag + ".tsv"), perTurn.toString(), StandardCharsets.UTF_8);
            String scored = AsrRealtimeBenchmark.scoreTurns(wav, spans);
            String session = Files.readAllLines(out.resolve("run-" + tag + ".log")).stream()
                    .filter(l -> l.contains(" turns, end ")).reduce((a, b) -> b).orElse("");
            System.out.printf(Locale.ROOT, "run %s (load %s -> %s): v2v median %s ms, p95 %s ms, first turn %s ms,"
                    + " cut-offs %d/%d, no answer %d, speculative %d/%d/%d; score-turns: %s; session: %s%n", tag,
                    loadBefore, loadAfter, fmt(runTally.median()), fmt(runTally.p95()), fmt(k0(runTally)),
                    runTally.cutoffs, runTally.turns, runTally.missing, runTally.started,
                    runTally.started - runTally.kept, runTally.kept, scored, session);
        }
        System.out.printf(Locale.ROOT, "%nper kind (all runs): kind, turns, v2v median / p95 / max ms, cut-offs,"
                + " no answer, speculative started / discarded / kept%n");
        for (Map.Entry<String, Tally> e : byKind.entrySet()) {
            Tally t = e.getValue();
            System.out.printf(Locale.ROOT, "  %s %3d  %5s / %5s / %5s  %3d  %3d  %d / %d / %d%n", e.getKey(), t.turns,
                    fmt(t.median()), fmt(t.p95()), fmt(t.max()), t.cutoffs, t.missing, t.started,
                    t.started - t.kept, t.kept);
        }
        System.out.printf(Locale.ROOT, "%nwhere voice-to-voice goes (all runs; median, min-max ms): %s%n",
                String.join(", ", java.util.stream.IntStream.range(0, BREAKDOWN.length).mapToObj(c ->
                        BREAKDOWN[c] + " " + fmt(all.parts.get(c).median()) + " (" + fmt(all.parts.get(c).min())
                                + "-" + fmt(all.parts.get(c).max()) + ")").toList()));
        System.out.printf(Locale.ROOT, "%n| clock | runs | turns | v2v median ms | v2v p95 ms | first turns median / p95"
                + " ms | cut-offs (per 20 turns) | no answer | speculative started / discarded / kept |%n");
        System.out.printf(Locale.ROOT, "| %s | %d | %d | %s | %s | %s / %s | %d (%.1f) | %d | %d / %d / %d |%n", clock,
                runs, all.turns, fmt(all.median()), fmt(all.p95()), fmt(first.median()), fmt(first.p95()),
                all.cutoffs, 20.0 * all.cutoffs / all.turns, all.missing, all.started, all.started - all.kept,
                all.kept);
    }

    private static double k0(Tally runTally) {
        return runTally.firstV2vMs;
    }

    private static void runChild(Path out, String tag, String jvm, String clock, Path input) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String f : jvm.trim().split("\\s+")) {
            if (!f.isEmpty()) {
                cmd.add(f);
            }
        }
        cmd.addAll(List.of("-Dvoicechat.shared=" + SharedData.location(), "-cp",
                System.getProperty("java.class.path"), TurnTakingBenchmark.class.getName(), "child",
                input.toString(), out.toString(), tag, clock));
        Path log = out.resolve("run-" + tag + ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(20, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("run " + tag + " took over 20 minutes");
        }
        if (p.exitValue() != 0 || !Files.isRegularFile(out.resolve("run-" + tag + ".tsv"))) {
            throw new IllegalStateException("run " + tag + " failed (exit " + p.exitValue() + "), see " + log);
        }
    }

    /** What happened to one labelled turn. */
    record Outcome(double v2vMs, boolean cut, int started, int kept, String sessionTurns) {
    }

    /**
     * Matches a labelled turn with the session's turns that start inside it (from 0.5 s before its start to
     * {@code untilS}): a cut turn shows as two or more of them, the first ending early.
     */
    static Outcome outcome(Turn t, double untilS, List<String[]> reported, double v2vMs) {
        boolean cut = false;
        int started = 0;
        int kept = 0;
        List<String> numbers = new ArrayList<>();
        for (String[] r : reported) {
            double startS = Double.parseDouble(r[1]);
            double endS = Double.parseDouble(r[2]);
            if (startS < t.startS() - 0.5 || startS >= untilS) {
                continue;
            }
            numbers.add(r[0]);
            if (startS < t.endS() && endS < t.endS() - CUT_MARGIN_S) {
                cut = true;
            }
            started += Integer.parseInt(r[4]);
            kept += Boolean.parseBoolean(r[5]) ? 1 : 0;
        }
        return new Outcome(v2vMs, cut, started, kept, String.join(",", numbers));
    }

    /** The parts of {@link #breakdown}, in its order. */
    static final String[] BREAKDOWN = {"VAD end after label", "silence decided", "decision to first audio",
        "first audio to audible"};

    /**
     * Where a labelled turn's voice-to-voice goes, from the session turn that ended it (the last one matched): the
     * end-of-turn clock's start (the session's end of the user turn) after the labelled end; the silence the
     * end-of-turn rules last answered for it ({@code cues-N.tsv}); the rest of the session's first audio (the silence
     * counted in VAD frames, the tick the answer starts on, and any wait for the transcript or the responder); and
     * the first audio to the first audible sample. NaN where the turn was not answered.
     */
    static double[] breakdown(Turn t, Outcome o, List<String[]> reported, List<String[]> cues) {
        double[] parts = {Double.NaN, Double.NaN, Double.NaN, Double.NaN};
        String[] ended = null;
        for (String[] r : reported) {
            if (!o.sessionTurns.isEmpty() && List.of(o.sessionTurns.split(",")).contains(r[0])) {
                ended = r;
            }
        }
        if (ended == null || Double.isNaN(o.v2vMs)) {
            return parts;
        }
        double endS = Double.parseDouble(ended[2]);
        double firstAudioMs = Double.parseDouble(ended[3]);
        parts[0] = (endS - t.endS()) * 1000;
        for (String[] c : cues) {
            double at = Double.parseDouble(c[0]);
            if (at >= endS - 0.001 && at <= endS + firstAudioMs / 1000 + 0.001) {
                parts[1] = Double.parseDouble(c[3]);
            }
        }
        parts[2] = firstAudioMs - parts[1];
        parts[3] = o.v2vMs - parts[0] - firstAudioMs;
        return parts;
    }

    /** Values of one part of the breakdown. */
    static final class Values {
        final List<Double> v = new ArrayList<>();

        void add(double x) {
            if (!Double.isNaN(x)) {
                v.add(x);
            }
        }

        double median() {
            return v.isEmpty() ? Double.NaN : AsrRealtimeBenchmark.median(v);
        }

        double min() {
            return v.stream().mapToDouble(d -> d).min().orElse(Double.NaN);
        }

        double max() {
            return v.stream().mapToDouble(d -> d).max().orElse(Double.NaN);
        }
    }

    /** Sums of outcomes. */
    static final class Tally {
        final List<Double> v2v = new ArrayList<>();
        final List<Values> parts = java.util.stream.Stream.generate(Values::new).limit(BREAKDOWN.length).toList();
        int turns;
        int cutoffs;
        int missing;
        int started;
        int kept;
        double firstV2vMs = Double.NaN;

        void add(Outcome o) {
            if (turns == 0) {
                firstV2vMs = o.v2vMs;
            }
            turns++;
            cutoffs += o.cut ? 1 : 0;
            started += o.started;
            kept += o.kept;
            if (Double.isNaN(o.v2vMs)) {
                missing++;
            } else {
                v2v.add(o.v2vMs);
            }
        }

        double median() {
            return v2v.isEmpty() ? Double.NaN : AsrRealtimeBenchmark.median(v2v);
        }

        /** The nearest-rank 95th percentile: of 20 turns, the 19th. */
        double p95() {
            if (v2v.isEmpty()) {
                return Double.NaN;
            }
            List<Double> s = v2v.stream().sorted().toList();
            return s.get((int) Math.ceil(0.95 * s.size()) - 1);
        }

        double max() {
            return v2v.stream().mapToDouble(d -> d).max().orElse(Double.NaN);
        }
    }

    private static List<String[]> readRows(Path tsv) throws java.io.IOException {
        List<String> lines = Files.readAllLines(tsv, StandardCharsets.UTF_8);
        List<String[]> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            rows.add(line.split("\t", -1));
        }
        return rows;
    }

    /** Writes the script's audio and its labels ({@code spans.tsv}, the format of {@code score-turns}). */
    static List<Turn> buildScript(Path wav, Path spansTsv) throws java.io.IOException {
        Map<String, SharedData.SpeechClip> clips = new HashMap<>();
        for (SharedData.SpeechClip c : SharedData.labelledClips()) {
            clips.put(c.file(), c);
        }
        Map<String, String[]> kinds = new LinkedHashMap<>();
        kinds.put("A", new String[] {"pocketsphinx_librivox-0870.wav"});
        kinds.put("B", new String[] {"pocketsphinx_librivox-0880.wav"});
        kinds.put("C", new String[] {"pocketsphinx_librivox-0890.wav"});
        kinds.put("D", new String[] {"pocketsphinx_librivox-0880.wav", "pocketsphinx_librivox-0890.wav"});
        List<String> plan = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            plan.addAll(List.of("A", "D", "B", "C", "D"));
        }
        Scenario s = Scenario.at(RATE_HZ).silence(1000);
        List<Turn> out = new ArrayList<>();
        double pad = 0.2;
        for (String kind : plan) {
            String[] parts = kinds.get(kind);
            List<float[]> pieces = new ArrayList<>();
            double speechStart = Double.NaN;
            double at = 0;
            double speechEnd = 0;
            for (int i = 0; i < parts.length; i++) {
                SharedData.SpeechClip clip = clips.get(parts[i]);
                if (clip == null || clip.segments().isEmpty()) {
                    throw new IllegalStateException("no labelled clip " + parts[i]);
                }
                // Joined clips keep the recordings' own audio between them: the reader's pause is theirs.
                double from = i == 0 ? Math.max(0, clip.segments().get(0).startS() - pad) : 0;
                float[] whole = TestAudio.read16k(clip.wav());
                double clipEnd = clip.segments().get(clip.segments().size() - 1).endS();
                double to = i == parts.length - 1 ? clipEnd + pad : whole.length / (double) RATE_HZ;
                float[] audio = TestAudio.slice(whole, from, to, RATE_HZ);
                if (Double.isNaN(speechStart)) {
                    speechStart = clip.segments().get(0).startS() - from;
                }
                speechEnd = at + clipEnd - from;
                at += audio.length / (double) RATE_HZ;
                pieces.add(audio);
            }
            String label = (out.size() + 1) + ":" + kind + ":" + String.join("+", Arrays.stream(parts)
                    .map(p -> p.replace("pocketsphinx_librivox-", "").replace(".wav", "")).toList());
            s.clip(label, TestAudio.concat(pieces.toArray(new float[0][])));
            double t0 = s.part(label).startMs() / 1000;
            out.add(new Turn(kind, label, t0 + speechStart, t0 + speechEnd));
            s.silence(GAP_MS);
        }
        WavWriter.writeMono(wav, RATE_HZ, s.samples());
        StringBuilder tsv = new StringBuilder("utt_start_s\tutt_end_s\n");
        for (Turn t : out) {
            tsv.append(String.format(Locale.ROOT, "%.3f\t%.3f%n", t.startS(), t.endS()));
        }
        Files.writeString(spansTsv, tsv.toString(), StandardCharsets.UTF_8);
        return out;
    }

    /**
     * One fresh JVM: the default engines, created by the session as {@code talk} creates them, the default turn
     * policy (its end-of-turn rules wrapped only to record what they were asked), the script once.
     */
    private static void child(Path input, Path out, String tag, boolean virtual) throws Exception {
        Clock clock = virtual ? new VirtualClock() : Clock.system();
        TurnPolicy defaults = TurnPolicy.defaults();
        EndOfTurnDetector rules = defaults.endOfTurn();
        StringBuilder cues = new StringBuilder("at_s\thypothesis\tpitch_slope_st_per_s\tsilence_ms\n");
        StringBuilder vadLog = new StringBuilder("at_s\tspeech_probability\n");
        // Audio time, exact on either clock: the VAD's position (it runs on the session thread, and the session asks
        // the end-of-turn rules while it judges a frame, so a cue's time is the end of the frame being judged).
        // The session's response workers seen alive at the end of each turn: more than one is a worker replaced
        // (a responder stuck or still unwinding a cancelled answer when the next one came).
        java.util.Set<String> respondThreads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        long[] vadSamples = {0};
        int[] vadRate = {16_000};
        EndOfTurnDetector recorded = cue -> {
            int ms = rules.silenceToEndMs(cue);
            synchronized (cues) {
                cues.append(String.format(Locale.ROOT, "%.3f\t%s\t%.1f\t%d%n", vadSamples[0] / (double) vadRate[0],
                        cue.hypothesis().replace('\t', ' '), cue.pitchSlopeSemitonesPerS(), ms));
            }
            return ms;
        };
        VoicePipeline pipeline = VoicePipeline.builder()
                .vad(() -> {
                    VoiceActivityDetector v = Engines.find(VoiceActivityDetector.class, "silero-vad-v6")
                            .create(EngineOptions.EMPTY);
                    vadRate[0] = v.sampleRateHz();
                    return new Positioned(v, vadSamples, vadLog);
                })
                // Sphinx's accept() returns once its decoder has caught up with the audio given (the adapter's own
                // rule since session 7), so on the virtual clock its words lag by its own 100 ms blocks, never by load.
                .asr(() -> Engines.find(SpeechRecognizer.class, "sphinx-en-us").create(EngineOptions.EMPTY))
                .tts(() -> Engines.find(SpeechSynthesizer.class, "freetts-kevin16").create(EngineOptions.EMPTY))
                .responder((request, sink) -> sink.text(ANSWER))
                .turnPolicy(defaults.toBuilder().endOfTurn(recorded).build())
                .listener(e -> {
                    if (e instanceof io.github.voicechat.SessionEvent.TurnCompleted) {
                        respondThreads.addAll(responderThreads());
                    }
                })
                .clock(clock)
                .outputSampleRateHz(OUT_RATE_HZ)
                .build();
        SessionReport report;
        try (VoiceSession session = pipeline.openSession(AudioSources.wav(input), AudioSinks.discard(OUT_RATE_HZ),
                out.resolve("session-" + tag + ".wav"))) {
            session.start();
            session.awaitTermination(Duration.ofMinutes(15));
            report = session.report();
        }
        StringBuilder tsv = new StringBuilder(
                "turn\tuser_start_s\tuser_end_s\tfirst_audio_ms\tspeculative_starts\tspeculative_kept\ttranscript\n");
        for (TurnReport t : report.turns()) {
            tsv.append(String.format(Locale.ROOT, "%d\t%.3f\t%.3f\t%s\t%d\t%b\t%s%n", t.turn(), t.userStartS(),
                    t.userEndS(), fmt(t.firstAudioLatencyMs()), t.speculativeStarts(), t.speculativeKept(),
                    String.valueOf(t.transcript()).replace('\t', ' ')));
        }
        synchronized (cues) {
            Files.writeString(out.resolve("cues-" + tag + ".tsv"), cues.toString(), StandardCharsets.UTF_8);
        }
        synchronized (vadLog) {
            Files.writeString(out.resolve("vad-" + tag + ".tsv"), vadLog.toString(), StandardCharsets.UTF_8);
        }
        Files.writeString(out.resolve("run-" + tag + ".tsv"), tsv.toString(), StandardCharsets.UTF_8);
        System.out.printf(Locale.ROOT, "%d turns, end %s, ASR frames dropped %d, response workers %s%n",
                report.turns().size(), report.endReason(), report.framesDropped(), new java.util.TreeSet<>(
                        respondThreads));
    }

    private static List<String> responderThreads() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(n -> n.contains("-respond")).toList();
    }

    /** The session's VAD, counting the samples it judged (the audio position) and logging each probability. */
    static final class Positioned implements VoiceActivityDetector {
        private final VoiceActivityDetector vad;
        private final long[] samples;
        private final StringBuilder log;

        Positioned(VoiceActivityDetector vad, long[] samples, StringBuilder log) {
            this.vad = vad;
            this.samples = samples;
            this.log = log;
        }

        @Override
        public int sampleRateHz() {
            return vad.sampleRateHz();
        }

        @Override
        public int frameSamples() {
            return vad.frameSamples();
        }

        @Override
        public float speechProbability(float[] audio, int offset, int length) {
            float p = vad.speechProbability(audio, offset, length);
            samples[0] += length;
            synchronized (log) {
                log.append(String.format(Locale.ROOT, "%.3f\t%.3f%n", samples[0] / (double) vad.sampleRateHz(), p));
            }
            return p;
        }

        @Override
        public void reset() {
            vad.reset();
        }

        @Override
        public void close() {
            vad.close();
        }
    }
}
