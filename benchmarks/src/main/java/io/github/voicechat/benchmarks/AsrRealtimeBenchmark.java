package io.github.voicechat.benchmarks;

import io.github.voicechat.SessionEvent;
import io.github.voicechat.SessionReport;
import io.github.voicechat.TurnReport;
import io.github.voicechat.VoicePipeline;
import io.github.voicechat.VoiceSession;
import io.github.voicechat.audio.AudioData;
import io.github.voicechat.audio.AudioSinks;
import io.github.voicechat.audio.AudioSources;
import io.github.voicechat.audio.WavReader;
import io.github.voicechat.audio.WavWriter;
import io.github.voicechat.spi.EngineOptions;
import io.github.voicechat.spi.Engines;
import io.github.voicechat.spi.SpeechRecognizer;
import io.github.voicechat.spi.SpeechSynthesizer;
import io.github.voicechat.spi.VoiceActivityDetector;
import io.github.voicechat.testkit.Scenario;
import io.github.voicechat.testkit.SharedData;
import io.github.voicechat.testkit.TestAudio;
import io.github.voicechat.time.Clock;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Does the recogniser keep up inside a live session, first turn included? Real speech from {@code ../shared/speech}
 * (four utterances of 4.8-7.6 s with their labelled ends), the default engines (silero-vad-v6, sphinx-en-us,
 * freetts-kevin16) on the real clock, each run in a FRESH JVM, as {@code voicechat talk --realtime --in} runs.
 *
 * <p>The parent builds {@code input.wav} and {@code spans.tsv} (labelled utterance start and end, in session seconds,
 * the format of {@code ../shared/tools/score-turns}) and starts one child JVM per run, with the same class path and
 * the JVM flags given. The child runs the session twice: pass {@code cold} is the fresh process (what a user of
 * {@code talk} meets), pass {@code warm} the same script again in the same JVM with freshly created engines, whose
 * turns give the warm reference. Per turn it records, from the session's own events: the end of speech as the VAD
 * saw it, when the transcript was final, the in-session ASR real-time factor ({@link SessionEvent.TranscriptReady}),
 * first audio ({@link TurnReport#firstAudioLatencyMs}); and per thread, between the start of the turn and its
 * transcript, CPU time (ThreadMXBean for the session's threads and the Sphinx decoder; {@code /proc/self/task} for
 * the JIT compiler and GC threads, which Java does not list) and the decoder's run-queue wait (time runnable but not
 * on a CPU, from {@code /proc/self/task/TID/schedstat}: what other threads and processes cost it). The parent then
 * reads each session WAV for the first audible bot sample (peak ≥ −40 dBFS, i.e. |x| ≥ 0.01) after each labelled
 * end.
 *
 * <p>Run (from the repository root, after {@code ./mvnw -B -q -pl benchmarks -am package -DskipTests}):
 * {@code java -cp benchmarks/target/benchmarks.jar io.github.voicechat.benchmarks.AsrRealtimeBenchmark
 * [--runs 10] [--out target/asr-realtime] [--jvm "-XX:+UseParallelGC"] [--asr-option key=value]... [--no-warm]}.
 * The child JVM gets exactly the flags of {@code --jvm} (default none: what {@code java -jar voicechat.jar} gets).
 * See {@code benchmarks/ASR-REALTIME.md}.
 */
public final class AsrRealtimeBenchmark {

    static final int RATE_HZ = 16_000;
    static final int OUT_RATE_HZ = 48_000;
    /** Silence after each utterance: room for the answer ("Okay.", ~0.6 s) even when the transcript is seconds late. */
    static final int GAP_MS = 5_000;
    static final String ANSWER = "Okay.";
    static final float AUDIBLE = 0.01f; // -40 dBFS

    private AsrRealtimeBenchmark() {
    }

    /** One utterance of the script: which clip (or clips, joined), and its labelled speech in session seconds. */
    record Utterance(String label, double startS, double endS) {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("child")) {
            Child.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        int runs = 10;
        Path out = Path.of("target/asr-realtime");
        String jvm = "";
        List<String> asrOptions = new ArrayList<>();
        boolean warm = true;
        String compareCp = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--jvm" -> jvm = args[++i];
                case "--asr-option" -> asrOptions.add(args[++i]);
                case "--no-warm" -> warm = false;
                case "--compare-cp" -> compareCp = args[++i];
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (--runs N, --out DIR, --jvm FLAGS, --asr-option K=V, --no-warm, --compare-cp CLASSPATH)");
            }
        }
        if (!Files.isRegularFile(SharedData.location().resolve("speech/manifest.tsv"))) {
            System.out.println("skipped: real speech recordings not found at " + SharedData.location().resolve("speech")
                    + " (set -Dvoicechat.shared=/path/to/shared)");
            return;
        }
        Files.createDirectories(out);
        Path input = out.resolve("input.wav");
        Path spans = out.resolve("spans.tsv");
        List<Utterance> script = buildScript(input, spans);
        System.out.printf(Locale.ROOT, "script: %s%n", script);
        System.out.printf(Locale.ROOT, "child JVM flags: [%s]; asr options %s; %d runs; %d CPUs%n", jvm, asrOptions,
                runs, Runtime.getRuntime().availableProcessors());

        Map<String, List<Map<String, String>>> rowsByBuild = new LinkedHashMap<>();
        Map<String, String> builds = new LinkedHashMap<>();
        builds.put("this", System.getProperty("java.class.path"));
        if (compareCp != null) {
            // This harness's classes first, so the child main is this one; everything else from the other build.
            String own = Path.of(AsrRealtimeBenchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toString();
            if (!Files.isDirectory(Path.of(own))) {
                throw new IllegalArgumentException("--compare-cp needs this harness from a classes directory (its jar"
                        + " carries this build's engines too): run it with -cp benchmarks/target/classes"
                        + java.io.File.pathSeparator + "benchmarks/target/benchmarks.jar");
            }
            builds.put("other", own + java.io.File.pathSeparator + compareCp);
        }
        for (int run = 1; run <= runs; run++) {
            // Builds alternate run by run, so that on a shared machine both see the same spells of load.
            for (Map.Entry<String, String> build : builds.entrySet()) {
                String tag = builds.size() == 1 ? Integer.toString(run) : build.getKey() + "-" + run;
                List<Map<String, String>> runRows = runChild(out, tag, build.getValue(), jvm, warm, asrOptions,
                        input, script);
                rowsByBuild.computeIfAbsent(build.getKey(), k -> new ArrayList<>()).addAll(runRows);
            }
        }
        for (Map.Entry<String, List<Map<String, String>>> e : rowsByBuild.entrySet()) {
            System.out.printf(Locale.ROOT, "%n=== build: %s (%s)%n", e.getKey(), builds.get(e.getKey()));
            summarize(e.getValue(), script.size());
        }
    }

    private static List<Map<String, String>> runChild(Path out, String tag, String classPath, String jvm, boolean warm,
            List<String> asrOptions, Path input, List<Utterance> script) throws Exception {
        Path result = out.resolve("run-" + tag + ".tsv");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String f : jvm.trim().split("\\s+")) {
            if (!f.isEmpty()) {
                cmd.add(f);
            }
        }
        cmd.add("-Dvoicechat.shared=" + SharedData.location());
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add(AsrRealtimeBenchmark.class.getName());
        cmd.add("child");
        cmd.add(input.toString());
        cmd.add(out.toString());
        cmd.add(tag);
        cmd.add(Boolean.toString(warm));
        cmd.add(String.join(",", asrOptions));
        String loadBefore = loadAverage();
        Path log = out.resolve("run-" + tag + ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(15, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("run " + tag + " took over 15 minutes");
        }
        if (p.exitValue() != 0 || !Files.isRegularFile(result)) {
            throw new IllegalStateException("run " + tag + " failed (exit " + p.exitValue() + "), see " + log);
        }
        List<Map<String, String>> runRows = readTsv(result);
        for (Map<String, String> r : runRows) {
            Path wav = out.resolve("session-" + tag + "-" + r.get("pass") + ".wav");
            int turn = Integer.parseInt(r.get("turn"));
            Utterance u = turn <= script.size() ? script.get(turn - 1) : null;
            r.put("audible_ms", u == null ? "NaN" : fmt(audibleAfter(wav, u.endS(), nextStart(script, turn))));
            r.put("load_before", loadBefore);
        }
        System.out.printf(Locale.ROOT, "run %s (load before: %s, after: %s):%n", tag, loadBefore, loadAverage());
        printRun(runRows);
        for (String pass : warm ? List.of("cold", "warm") : List.of("cold")) {
            String scored = scoreTurns(out.resolve("session-" + tag + "-" + pass + ".wav"), out.resolve("spans.tsv"));
            if (scored != null) {
                System.out.printf(Locale.ROOT, "  score-turns %s: %s%n", pass, scored);
            }
        }
        return runRows;
    }

    /**
     * The last line of {@code ../shared/tools/score-turns SESSION.wav SPANS.tsv} (voice-to-voice from the labelled end
     * to the bot's first 10 ms above −40 dBFS RMS, scored from the audio alone), or null where the tool is absent.
     */
    static String scoreTurns(Path sessionWav, Path spans) throws IOException, InterruptedException {
        Path tool = SharedData.location().resolve("tools/score-turns");
        if (!Files.isRegularFile(tool)) {
            return null;
        }
        Process p = new ProcessBuilder("python3", tool.toString(), sessionWav.toString(), spans.toString())
                .redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        p.waitFor();
        String[] lines = text.split("\n");
        return lines[lines.length - 1];
    }

    // ------------------------------------------------------------------ the script

    /**
     * Four utterances of real speech, labelled: LibriVox 0870 (6.5 s), 0890 (4.8 s), 0880 and 0890 joined as the
     * book has them (one sentence, 0.3 s pause between the clips' labelled speech; 7.6 s), 0870 again (the first
     * utterance's audio on a warm recogniser). Each clip is cut to its labelled speech plus 200 ms either side;
     * {@link #GAP_MS} of silence after each.
     */
    static List<Utterance> buildScript(Path wav, Path spansTsv) throws IOException {
        Map<String, SharedData.SpeechClip> clips = new HashMap<>();
        for (SharedData.SpeechClip c : SharedData.labelledClips()) {
            clips.put(c.file(), c);
        }
        Scenario s = Scenario.at(RATE_HZ).silence(1000);
        List<Utterance> out = new ArrayList<>();
        String[][] plan = {
            {"pocketsphinx_librivox-0870.wav"},
            {"pocketsphinx_librivox-0890.wav"},
            {"pocketsphinx_librivox-0880.wav", "pocketsphinx_librivox-0890.wav"},
            {"pocketsphinx_librivox-0870.wav"},
        };
        double pad = 0.2;
        for (String[] parts : plan) {
            List<float[]> pieces = new ArrayList<>();
            double speechStart = Double.NaN;
            double at = 0;
            double speechEnd = 0;
            for (int i = 0; i < parts.length; i++) {
                SharedData.SpeechClip c = clips.get(parts[i]);
                if (c == null || c.segments().isEmpty()) {
                    throw new IllegalStateException("no labelled clip " + parts[i]);
                }
                double from = c.segments().get(0).startS() - (i == 0 ? pad : 0.15);
                double to = c.segments().get(c.segments().size() - 1).endS() + (i == parts.length - 1 ? pad : 0.15);
                float[] audio = TestAudio.slice(TestAudio.read16k(c.wav()), Math.max(0, from), to, RATE_HZ);
                if (Double.isNaN(speechStart)) {
                    speechStart = c.segments().get(0).startS() - Math.max(0, from);
                }
                speechEnd = at + c.segments().get(c.segments().size() - 1).endS() - Math.max(0, from);
                at += audio.length / (double) RATE_HZ;
                pieces.add(audio);
            }
            String label = (out.size() + 1) + ":" + String.join("+", Arrays.stream(parts)
                    .map(p -> p.replace("pocketsphinx_", "").replace(".wav", "")).toList());
            s.clip(label, TestAudio.concat(pieces.toArray(new float[0][])));
            Scenario.Part part = s.part(label);
            double t0 = part.startMs() / 1000;
            out.add(new Utterance(label, t0 + speechStart, t0 + speechEnd));
            s.silence(GAP_MS);
        }
        WavWriter.writeMono(wav, RATE_HZ, s.samples());
        StringBuilder tsv = new StringBuilder("utt_start_s\tutt_end_s\n");
        for (Utterance u : out) {
            tsv.append(String.format(Locale.ROOT, "%.3f\t%.3f%n", u.startS(), u.endS()));
        }
        Files.writeString(spansTsv, tsv.toString(), StandardCharsets.UTF_8);
        return out;
    }

    private static double nextStart(List<Utterance> script, int turn) {
        return turn < script.size() ? script.get(turn).startS() : Double.POSITIVE_INFINITY;
    }

    /**
     * Milliseconds from {@code endS} to the first bot (right channel) sample at or above −40 dBFS, before the next
     * utterance.
     */
    static double audibleAfter(Path sessionWav, double endS, double untilS) throws IOException {
        AudioData d = WavReader.read(sessionWav);
        float[] bot = d.channels()[1];
        int rate = d.sampleRateHz();
        int from = (int) Math.round(endS * rate);
        int to = (int) Math.min(bot.length, Math.round(untilS * rate));
        for (int i = Math.max(0, from); i < to; i++) {
            if (Math.abs(bot[i]) >= AUDIBLE) {
                return (i - endS * rate) * 1000.0 / rate;
            }
        }
        return Double.NaN;
    }

    // ------------------------------------------------------------------ report

    private static void printRun(List<Map<String, String>> rows) {
        System.out.printf(Locale.ROOT, "  %-5s %4s %9s %9s %9s %9s %7s %10s %9s %9s %9s %7s %7s%n", "pass", "turn",
                "vadEnd", "asrDone", "1stAudio", "audible", "RTF", "decCPU", "decRunq", "C2+C1", "GC", "create",
                "text");
        for (Map<String, String> r : rows) {
            System.out.printf(Locale.ROOT, "  %-5s %4s %9s %9s %9s %9s %7s %10s %9s %9s %9s %7s  %s%n", r.get("pass"),
                    r.get("turn"), r.get("vad_end_after_label_ms"), r.get("transcript_after_vad_end_ms"),
                    r.get("first_audio_ms"), r.get("audible_ms"), r.get("asr_rtf"), r.get("decoder_cpu_rtf"),
                    r.get("decoder_runq_ms"), r.get("jit_cpu_ms"), r.get("gc_cpu_ms"), r.get("asr_create_s"),
                    abbreviate(r.get("text")));
        }
    }

    private static void summarize(List<Map<String, String>> rows, int turns) {
        List<Double> warm = new ArrayList<>();
        for (Map<String, String> r : rows) {
            if (r.get("pass").equals("warm")) {
                warm.add(Double.parseDouble(r.get("first_audio_ms")));
            }
        }
        double warmMedian = warm.isEmpty() ? Double.NaN : median(warm);
        System.out.printf(Locale.ROOT, "%nwarm median first audio: %.0f ms (%d warm turns)%n", warmMedian, warm.size());
        System.out.printf(Locale.ROOT, "%-5s %4s | %-22s | %-22s | %-22s | %-22s | %s%n", "pass", "turn",
                "first audio ms min/med/max", "audible ms min/med/max", "asr done ms min/med/max",
                "in-session RTF min/med/max", "decoder CPU RTF min/med/max");
        int over = 0;
        int overOwn = 0;
        int total = 0;
        for (String pass : List.of("cold", "warm")) {
            for (int t = 1; t <= turns; t++) {
                List<Double> fa = column(rows, pass, t, "first_audio_ms");
                if (fa.isEmpty()) {
                    continue;
                }
                if (pass.equals("cold")) {
                    // The same turn warm: turns may end on different rules (500 or 800 ms of silence), so the pooled
                    // median of all warm turns can sit between two groups; a turn's own warm median cannot.
                    List<Double> warmTurn = column(rows, "warm", t, "first_audio_ms");
                    double own = warmTurn.isEmpty() ? Double.NaN : median(warmTurn);
                    for (double v : fa) {
                        total++;
                        if (Double.isNaN(v) || v > warmMedian + 150) {
                            over++;
                        }
                        if (Double.isNaN(v) || v > own + 150) {
                            overOwn++;
                        }
                    }
                }
                System.out.printf(Locale.ROOT, "%-5s %4d | %-22s | %-22s | %-22s | %-22s | %s%n", pass, t, spread(fa),
                        spread(column(rows, pass, t, "audible_ms")),
                        spread(column(rows, pass, t, "transcript_after_vad_end_ms")),
                        spread3(column(rows, pass, t, "asr_rtf")), spread3(column(rows, pass, t, "decoder_cpu_rtf")));
            }
        }
        for (String pass : List.of("cold", "warm")) {
            List<Double> rtf = new ArrayList<>();
            for (int t = 1; t <= turns; t++) {
                rtf.addAll(column(rows, pass, t, "asr_rtf"));
            }
            if (!rtf.isEmpty()) {
                long slow = rtf.stream().filter(x -> x.isNaN() || x > 0.5).count();
                System.out.printf(Locale.ROOT, "%s turns with in-session ASR RTF over 0.5 (or none): %d of %d%n", pass,
                        slow, rtf.size());
            }
        }
        if (warm.isEmpty()) {
            System.out.println("no warm pass (--no-warm): no warm median to compare the cold turns with");
        } else {
            System.out.printf(Locale.ROOT, "cold-process turns more than 150 ms over the warm median: %d of %d%n", over,
                    total);
            System.out.printf(Locale.ROOT,
                    "cold-process turns more than 150 ms over the same turn's warm median: %d of %d%n", overOwn, total);
        }
    }

    private static List<Double> column(List<Map<String, String>> rows, String pass, int turn, String key) {
        List<Double> v = new ArrayList<>();
        for (Map<String, String> r : rows) {
            if (r.get("pass").equals(pass) && Integer.parseInt(r.get("turn")) == turn) {
                v.add(Double.parseDouble(r.get(key)));
            }
        }
        return v;
    }

    private static String spread(List<Double> v) {
        List<Double> ok = v.stream().filter(x -> !x.isNaN()).sorted().toList();
        if (ok.isEmpty()) {
            return "-";
        }
        String s = String.format(Locale.ROOT, "%.0f / %.0f / %.0f", ok.get(0), median(ok), ok.get(ok.size() - 1));
        return ok.size() < v.size() ? s + " (" + (v.size() - ok.size()) + " none)" : s;
    }

    private static String spread3(List<Double> v) {
        List<Double> ok = v.stream().filter(x -> !x.isNaN()).sorted().toList();
        return ok.isEmpty() ? "-" : String.format(Locale.ROOT, "%.3f / %.3f / %.3f", ok.get(0), median(ok),
                ok.get(ok.size() - 1));
    }

    static double median(List<Double> v) {
        List<Double> s = v.stream().sorted().toList();
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() <= 48 ? s : s.substring(0, 45) + "...";
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    private static List<Map<String, String>> readTsv(Path p) throws IOException {
        List<String> lines = Files.readAllLines(p, StandardCharsets.UTF_8);
        String[] head = lines.get(0).split("\t", -1);
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split("\t", -1);
            Map<String, String> m = new LinkedHashMap<>();
            for (int i = 0; i < head.length; i++) {
                m.put(head[i], i < f.length ? f[i] : "");
            }
            rows.add(m);
        }
        return rows;
    }

    static String fmt(double v) {
        return Double.isNaN(v) ? "NaN" : String.format(Locale.ROOT, "%.0f", v);
    }

    // ------------------------------------------------------------------ the child: one fresh JVM

    /** One run: the session on the real clock, cold then (optionally) warm; per-turn rows to run-N.tsv. */
    static final class Child {
        static final String[] COLUMNS = {"pass", "turn", "user_start_ms", "vad_end_ms", "vad_end_after_label_ms",
            "transcript_after_vad_end_ms", "asr_rtf", "first_audio_ms", "decoder_cpu_ms", "decoder_cpu_rtf",
            "decoder_runq_ms", "jit_cpu_ms", "gc_cpu_ms", "session_cpu_ms", "asr_create_s", "jvm_uptime_at_start_s",
            "jvm_uptime_at_transcript_s", "text"};

        private Child() {
        }

        static void main(String[] args) throws Exception {
            Path input = Path.of(args[0]);
            Path out = Path.of(args[1]);
            String run = args[2];
            boolean warm = Boolean.parseBoolean(args[3]);
            EngineOptions asrOptions = args.length > 4 && !args[4].isBlank()
                    ? EngineOptions.parse(List.of(args[4].split(","))) : EngineOptions.EMPTY;
            List<Utterance> labels = readSpans(out.resolve("spans.tsv"));
            StringBuilder tsv = new StringBuilder(String.join("\t", COLUMNS)).append('\n');
            session("cold", input, out.resolve("session-" + run + "-cold.wav"), asrOptions, labels, tsv);
            if (warm) {
                session("warm", input, out.resolve("session-" + run + "-warm.wav"), asrOptions, labels, tsv);
            }
            Files.writeString(out.resolve("run-" + run + ".tsv"), tsv.toString(), StandardCharsets.UTF_8);
        }

        private static List<Utterance> readSpans(Path p) throws IOException {
            List<Utterance> u = new ArrayList<>();
            List<String> lines = Files.readAllLines(p);
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split("\t");
                u.add(new Utterance("", Double.parseDouble(f[0]), Double.parseDouble(f[1])));
            }
            return u;
        }

        private static void session(String pass, Path input, Path sessionWav, EngineOptions asrOptions,
                List<Utterance> labels, StringBuilder tsv) throws Exception {
            double[] asrCreateS = {Double.NaN};
            TurnProbe probe = new TurnProbe();
            VoicePipeline pipeline = VoicePipeline.builder()
                    .vad(() -> Engines.find(VoiceActivityDetector.class, "silero-vad-v6").create(EngineOptions.EMPTY))
                    .asr(() -> {
                        long t0 = System.nanoTime();
                        SpeechRecognizer r = Engines.find(SpeechRecognizer.class, "sphinx-en-us").create(asrOptions);
                        asrCreateS[0] = (System.nanoTime() - t0) / 1e9;
                        return r;
                    })
                    .tts(() -> Engines.find(SpeechSynthesizer.class, "freetts-kevin16").create(EngineOptions.EMPTY))
                    .responder((request, sink) -> sink.text(ANSWER))
                    .clock(Clock.system())
                    .outputSampleRateHz(OUT_RATE_HZ)
                    .listener(probe::onEvent)
                    .build();
            SessionReport report;
            try (VoiceSession s = pipeline.openSession(AudioSources.wav(input), AudioSinks.discard(OUT_RATE_HZ),
                    sessionWav)) {
                s.start();
                s.awaitTermination(java.time.Duration.ofMinutes(10));
                report = s.report();
            }
            for (TurnReport t : report.turns()) {
                TurnProbe.Turn p = probe.turns.getOrDefault(t.turn(), new TurnProbe.Turn());
                Utterance label = t.turn() <= labels.size() ? labels.get(t.turn() - 1) : null;
                double vadEndMs = t.userEndS() * 1000;
                String[] v = {
                    pass, Integer.toString(t.turn()), fmt(t.userStartS() * 1000), fmt(vadEndMs),
                    label == null ? "NaN" : fmt(vadEndMs - label.endS() * 1000),
                    fmt(p.transcriptMs - vadEndMs), String.format(Locale.ROOT, "%.3f", p.rtf),
                    fmt(t.firstAudioLatencyMs()), fmt(p.decoderCpuNs / 1e6),
                    String.format(Locale.ROOT, "%.3f", p.decoderCpuNs / 1e9 / TurnProbe.fedAudioS(t)),
                    fmt(p.decoderRunqNs / 1e6), fmt(p.jitNs / 1e6), fmt(p.gcNs / 1e6), fmt(p.sessionCpuNs / 1e6),
                    String.format(Locale.ROOT, "%.2f", asrCreateS[0]),
                    String.format(Locale.ROOT, "%.3f", p.uptimeAtStartS),
                    String.format(Locale.ROOT, "%.3f", p.uptimeAtTranscriptS), t.transcript().replace('\t', ' ')};
                tsv.append(String.join("\t", v)).append('\n');
            }
            System.out.printf(Locale.ROOT, "%s: %d turns, end %s, asr created in %.2f s, ASR frames dropped %d,"
                    + " playout jitter p99 %.1f ms%n", pass, report.turns().size(), report.endReason(), asrCreateS[0],
                    report.framesDropped(), report.playoutJitterP99Ms());
        }
    }

    /**
     * Listens to the session and snapshots per-thread CPU at the start of each user turn and when its transcript is
     * final (the listener runs on the session thread; a snapshot reads a few dozen small /proc files, well under a
     * millisecond).
     */
    static final class TurnProbe {
        /**
         * The audio the decoder is given for a turn, with the default turn policy: 300 ms of pre-roll before the VAD's
         * start of speech, then everything up to the end-of-turn decision (500 ms of silence after the VAD's end of
         * speech, plus the tick that decides it).
         */
        static double fedAudioS(TurnReport t) {
            return t.userEndS() - t.userStartS() + 0.3 + 0.5 + 0.02;
        }
        private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

        static final class Turn {
            double startMs = Double.NaN;
            double transcriptMs = Double.NaN;
            double rtf = Double.NaN;
            long decoderCpuNs;
            long decoderRunqNs;
            long jitNs;
            long gcNs;
            long sessionCpuNs;
            Map<String, long[]> atStart;
            long decoderCpuAtStart;
            long sessionCpuAtStart;
            /** JVM uptime, to line turns up with -Xlog (jit, gc) output. */
            double uptimeAtStartS = Double.NaN;
            double uptimeAtTranscriptS = Double.NaN;
        }

        final Map<Integer, Turn> turns = new ConcurrentHashMap<>();

        void onEvent(SessionEvent e) {
            if (e instanceof SessionEvent.UserSpeechStarted s) {
                Turn t = new Turn();
                t.startMs = s.atMs();
                t.uptimeAtStartS = ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0;
                t.atStart = schedstat();
                t.decoderCpuAtStart = javaThreadCpu("voicechat-sphinx-decoder");
                t.sessionCpuAtStart = javaThreadCpu("-session");
                turns.put(s.turn(), t);
            } else if (e instanceof SessionEvent.TranscriptReady r) {
                Turn t = turns.get(r.turn());
                if (t == null || t.atStart == null) {
                    return;
                }
                t.transcriptMs = r.atMs();
                t.uptimeAtTranscriptS = ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0;
                t.rtf = r.realTimeFactor();
                Map<String, long[]> now = schedstat();
                t.decoderCpuNs = javaThreadCpu("voicechat-sphinx-decoder") - t.decoderCpuAtStart;
                t.sessionCpuNs = javaThreadCpu("-session") - t.sessionCpuAtStart;
                t.decoderRunqNs = delta(t.atStart, now, "voicechat-sphin", 1);
                t.jitNs = delta(t.atStart, now, "CompilerThre", 0);
                t.gcNs = delta(t.atStart, now, "GC Thread", 0) + delta(t.atStart, now, "G1 ", 0)
                        + delta(t.atStart, now, "VM Thread", 0);
            }
        }

        /** CPU time of the live Java threads whose name contains {@code part}, summed. */
        static long javaThreadCpu(String part) {
            long sum = 0;
            for (ThreadInfo i : THREADS.dumpAllThreads(false, false)) {
                if (i.getThreadName().contains(part) && !i.getThreadName().endsWith("-asr")
                        && !i.getThreadName().endsWith("-respond")) {
                    long c = THREADS.getThreadCpuTime(i.getThreadId());
                    sum += Math.max(0, c);
                }
            }
            return sum;
        }

        /** tid → {on-CPU ns, run-queue wait ns}, with the thread's name as the key prefix. */
        static Map<String, long[]> schedstat() {
            Map<String, long[]> m = new HashMap<>();
            Path tasks = Path.of("/proc/self/task");
            if (!Files.isDirectory(tasks)) {
                return m;
            }
            try (var dirs = Files.list(tasks)) {
                for (Path d : (Iterable<Path>) dirs::iterator) {
                    try {
                        String comm = Files.readString(d.resolve("comm")).strip();
                        String[] f = Files.readString(d.resolve("schedstat")).strip().split(" ");
                        m.put(comm + "/" + d.getFileName(), new long[] {Long.parseLong(f[0]), Long.parseLong(f[1])});
                    } catch (IOException | RuntimeException e) {
                        // the thread ended meanwhile
                    }
                }
            } catch (IOException e) {
                return m;
            }
            return m;
        }

        /** Sum over threads whose name contains {@code part} of the growth of field {@code field}. */
        static long delta(Map<String, long[]> before, Map<String, long[]> after, String part, int field) {
            long sum = 0;
            for (Map.Entry<String, long[]> e : after.entrySet()) {
                if (e.getKey().contains(part)) {
                    long[] b = before.get(e.getKey());
                    sum += e.getValue()[field] - (b == null ? 0 : b[field]);
                }
            }
            return sum;
        }
    }
}
