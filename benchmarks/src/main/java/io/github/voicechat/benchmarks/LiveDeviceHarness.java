package io.github.voicechat.benchmarks;

import io.github.voicechat.BargeInPolicy;
import io.github.voicechat.SessionEvent;
import io.github.voicechat.TurnPolicy;
import io.github.voicechat.VoicePipeline;
import io.github.voicechat.VoiceSession;
import io.github.voicechat.audio.AudioSink;
import io.github.voicechat.audio.AudioSource;
import io.github.voicechat.audio.AudioSinks;
import io.github.voicechat.audio.AudioSources;
import io.github.voicechat.audio.ForwardingAudioSink;
import io.github.voicechat.spi.EchoCanceller;
import io.github.voicechat.spi.EngineOptions;
import io.github.voicechat.spi.EngineProvider;
import io.github.voicechat.spi.Engines;
import io.github.voicechat.spi.SpeechRecognizer;
import io.github.voicechat.spi.SpeechSynthesizer;
import io.github.voicechat.spi.VoiceActivityDetector;
import io.github.voicechat.testkit.PulseAudio;
import io.github.voicechat.testkit.SharedData;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * {@code live}'s audio path measured at the device (issue #16): a private PulseAudio server (testkit
 * {@link PulseAudio}), the session in a child JVM that reaches it through javax.sound, and everything judged from
 * recordings of the devices themselves, stamped on the shared monotonic clock.
 *
 * <ol>
 *   <li><b>Output latency.</b> The child writes a 10 ms 1 kHz click every second through
 *       {@link AudioSinks#speaker(int)}; the parent finds each click in the recording of {@code spk.monitor}.
 *       Reported: write call → heard, and the sink's own {@code playbackDelaySamples()} at that moment.</li>
 *   <li><b>Self-interruptions on a speakerphone loop</b> ({@code module-loopback spk.monitor → micsink, 60 ms}): the
 *       parent plays one recording per turn, the bot answers each with about 40 s of FreeTTS speech; every barge-in
 *       pause, interruption or user turn that no recording started counts.</li>
 *   <li><b>Barge-in onset → silence at the speaker</b> (loop unloaded, so the microphone holds only the user): 2 s into
 *       an answer a recording is played into the microphone; from the user's speech onset in the recording of the
 *       microphone (its first 10 ms above -40 dBFS RMS) to the first 100 ms of digital silence in the recording of
 *       the speaker. Also printed from the first single sample above -40 dBFS, the measure before session 6: on
 *       {@code goforward.wav} that is a click 282 ms before the first word.</li>
 * </ol>
 *
 * <p>{@code -Dvoicechat.harness.probe=true} adds, per barge-in, where its time went: when the onset reached the
 * session (against the device's recording), the microphone's backlog then, and the VAD's probability and input level
 * on each frame from before the onset to the decision.
 *
 * <pre>
 * ./mvnw -B -o -DskipTests package
 * java -cp benchmarks/target/benchmarks.jar io.github.voicechat.benchmarks.LiveDeviceHarness [BOT_SPEECH_S=300] [BARGE_INS=5] [aec|noaec] [PHASES=123]
 * </pre>
 * Needs {@code pulseaudio pulseaudio-utils libasound2-plugins}, webrtc-java's libraries and {@code ../shared}.
 */
public final class LiveDeviceHarness {

    private static final String LONG_ANSWER = "Here is a long answer, so that the loop has plenty to hear. "
            + "The weather today is mild, with a light wind from the west and a few clouds in the afternoon. "
            + "Tomorrow will be much the same, although the evening may bring some rain to the coast. "
            + "In other news, the library will open an hour later on Monday, because the staff are moving the "
            + "reading room to the second floor. The new room has more light, more chairs and a quiet corner for "
            + "people who want to work without being disturbed. Finally, the market on the square will sell fresh "
            + "bread, cheese and vegetables from eight in the morning until noon, every Saturday of the month. "
            + "That is all for now, thank you for listening, and have a pleasant day.";
    private static final String[] CLIPS = {"pocketsphinx_librivox-0880.wav", "pocketsphinx_goforward.wav",
        "pocketsphinx_librivox-0890.wav", "pocketsphinx_cards-005.wav"};

    private LiveDeviceHarness() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("child")) {
            child(args);
            return;
        }
        double botSpeechTargetS = args.length > 0 ? Double.parseDouble(args[0]) : 300;
        int bargeIns = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        boolean aec = args.length <= 2 || !args[2].equals("noaec");
        String phases = args.length > 3 ? args[3] : "123";
        PulseAudio.unavailableReason().ifPresent(r -> {
            throw new IllegalStateException("PulseAudio: " + r);
        });
        Path speech = SharedData.location().resolve("speech");
        Path dir = Files.createTempDirectory("live-device-harness");
        System.out.println("uptime: " + uptime());
        try (PulseAudio pulse = PulseAudio.start(dir)) {
            if (phases.contains("1")) {
                outputLatency(pulse);
            }
            if (phases.contains("2")) {
                loop(pulse, speech, botSpeechTargetS, aec);
            }
            if (phases.contains("3")) {
                bargeIn(pulse, speech, bargeIns, aec);
            }
        }
        System.out.println("uptime: " + uptime());
    }

    // ------------------------------------------------------------------ 1. output latency

    private static void outputLatency(PulseAudio pulse) throws Exception {
        try (PulseAudio.Recording spk = pulse.record(PulseAudio.SPEAKER_MONITOR, 48_000)) {
            Child c = Child.start(pulse, "clicks");
            List<long[]> clicks = new ArrayList<>(); // write nanos, reported queue samples
            String line;
            while ((line = c.next(Duration.ofMinutes(2))) != null && !line.equals("DONE")) {
                if (line.startsWith("CLICK ")) {
                    String[] f = line.split(" ");
                    clicks.add(new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
                }
            }
            c.awaitExit();
            float[] x = spk.samples();
            List<Double> latencies = new ArrayList<>();
            List<Double> reported = new ArrayList<>();
            int from = 0;
            for (long[] click : clicks) {
                int onset = firstAbove(x, Math.max(from, index(spk, click[0])), 0.05f);
                if (onset < 0) {
                    continue;
                }
                latencies.add((spk.nanosOf(onset) - click[0]) / 1e6);
                reported.add(click[1] / 48.0);
                from = onset + 4_800;
            }
            System.out.printf(Locale.ROOT, "output latency (write -> heard at spk.monitor), %d clicks: %s ms;"
                    + " speaker's own report at the write: %s ms%n", latencies.size(), summary(latencies),
                    summary(reported));
        }
    }

    // ------------------------------------------------------------------ 2. self-interruptions on the loop

    private static void loop(PulseAudio pulse, Path speech, double targetS, boolean aec) throws Exception {
        int module = pulse.loadModule("module-loopback", "source=" + PulseAudio.SPEAKER_MONITOR,
                "sink=" + PulseAudio.MIC_SINK, "latency_msec=60");
        Child c = Child.start(pulse, "session", aec ? "aec" : "noaec");
        c.await(l -> l.equals("LISTENING"), Duration.ofMinutes(5));
        Tally t = new Tally();
        while (t.botS < targetS) {
            play(pulse, speech.resolve(CLIPS[t.rounds % CLIPS.length]));
            t.rounds++;
            t.userTurnsThisRound = 0;
            t.answersThisRound = 0;
            int answers = t.answers;
            String line;
            while (t.answers == answers && (line = c.next(Duration.ofMinutes(4))) != null) {
                t.accept(line);
                if (line.startsWith("FirstAudioPlayed")) {
                    c.stallAfterFirstAudio();
                }
            }
            if (t.answers == answers) {
                throw new IllegalStateException("no answer to round " + t.rounds);
            }
            // The next recording only once the session has been quiet for 4 s (a phantom turn came 1.2–1.7 s after
            // an answer): playing it over the bot's answer to a phantom turn would be a real barge-in, not a
            // self-interruption, and would count as one.
            while ((line = c.next(Duration.ofSeconds(4))) != null) {
                t.accept(line);
            }
            System.out.printf(Locale.ROOT, "  loop: %d rounds, %.0f s of bot speech, pauses %d, interruptions %d,"
                    + " phantom user turns %d%n", t.rounds, t.botS, t.pauses, t.confirms, t.phantomTurns);
        }
        c.stop();
        pulse.pactl("unload-module", String.valueOf(module));
        int self = t.pauses + t.phantomTurns;
        System.out.printf(Locale.ROOT, "  pauses came at (s into the answer): %s%n", t.pauseOffsetsS.stream()
                .map(v -> String.format(Locale.ROOT, "%.1f", v)).toList());
        // A pause's echo can become a phantom user turn whose answer pauses again, and so on: one early pause can
        // double a run's count. The answers to the recordings themselves are one per round whatever came before.
        System.out.printf(Locale.ROOT, "  answers to a recording that paused: %d of %d (pauses in them: %d)%n",
                t.firstAnswersPaused, t.rounds, t.firstAnswerPauses);
        System.out.printf(Locale.ROOT, "speakerphone loop (60 ms, 0 dB), echo canceller %s: %.0f s of bot speech in"
                + " %d answers to %d recordings; self-interruptions %d (pauses %d, of which confirmed %d; phantom user"
                + " turns %d) = %.2f per minute%n", aec ? "on" : "off", t.botS, t.answers, t.rounds, self, t.pauses,
                t.confirms, t.phantomTurns, self / (t.botS / 60));
    }

    /** The loop's counts, from the child's event lines. Nobody speaks while the bot does: every pause is its own. */
    private static final class Tally {
        int rounds;
        int answers;
        int userTurnsThisRound;
        int answersThisRound;
        int pausesThisAnswer;
        /** The answer to each round's recording (its first): how many paused, and how often. */
        int firstAnswersPaused;
        int firstAnswerPauses;
        int pauses;
        int confirms;
        int phantomTurns;
        double botS;
        double firstAudioAt = Double.NaN;
        /**
         * Where in its answer each pause came (s after the answer's first audio): early in every answer the canceller
         * works with what it learnt in the last one; later, stalls move the echo path.
         */
        final List<Double> pauseOffsetsS = new ArrayList<>();

        void accept(String line) {
            String[] f = line.split(" ");
            switch (f[0]) {
                case "UserSpeechStarted" -> {
                    if (++userTurnsThisRound > 1) {
                        phantomTurns++;
                    }
                }
                case "BargeInPaused" -> {
                    pauses++;
                    pausesThisAnswer++;
                    pauseOffsetsS.add((Double.parseDouble(f[2]) - firstAudioAt) / 1000);
                }
                case "BargeInConfirmed" -> confirms++;
                case "FirstAudioPlayed" -> {
                    firstAudioAt = Double.parseDouble(f[f.length - 1]);
                    pausesThisAnswer = 0;
                }
                case "TurnCompleted" -> {
                    if (!Double.isNaN(firstAudioAt)) {
                        botS += (Double.parseDouble(f[f.length - 1]) - firstAudioAt) / 1000;
                        firstAudioAt = Double.NaN;
                        answers++;
                        if (answersThisRound++ == 0) {
                            firstAnswersPaused += pausesThisAnswer > 0 ? 1 : 0;
                            firstAnswerPauses += pausesThisAnswer;
                        }
                    }
                }
                default -> {
                }
            }
        }
    }

    // ------------------------------------------------------------------ 3. barge-in at the device

    private static void bargeIn(PulseAudio pulse, Path speech, int trials, boolean aec) throws Exception {
        List<Double> deviceMs = new ArrayList<>();
        List<Double> reportedMs = new ArrayList<>();
        List<Double> firstSoundMs = new ArrayList<>();
        int missed = 0;
        try (PulseAudio.Recording spk = pulse.record(PulseAudio.SPEAKER_MONITOR, 48_000);
                PulseAudio.Recording mic = pulse.record(PulseAudio.MIC, 16_000)) {
            Child c = Child.start(pulse, "session", aec ? "aec" : "noaec");
            c.await(l -> l.equals("LISTENING"), Duration.ofMinutes(5));
            play(pulse, speech.resolve(CLIPS[0]));
            for (int i = 0; i < trials; i++) {
                c.await(l -> l.startsWith("FirstAudioPlayed"), Duration.ofMinutes(4));
                long answerHeardNanos = System.nanoTime();
                c.await(l -> false, Duration.ofSeconds(2)); // 2 s into the answer
                Path clip = speech.resolve(CLIPS[1 + i % (CLIPS.length - 1)]);
                c.traces.clear(); // the probe's dumps of earlier barge-ins
                long playNanos = System.nanoTime();
                play(pulse, clip);
                // Speech confirmed on its first frame stops the bot with no pause event.
                String paused = c.await(l -> l.startsWith("BargeInPaused") || l.startsWith("BargeInConfirmed"),
                        Duration.ofMinutes(1));
                if (paused == null) {
                    System.out.printf(Locale.ROOT, "  barge-in %d: the session never stopped for %s%n", i + 1,
                            clip.getFileName());
                    missed++;
                    continue;
                }
                String[] f = paused.split(" ");
                if (f[0].equals("BargeInPaused")) {
                    reportedMs.add(Double.parseDouble(f[3]));
                }
                float[] m = mic.samples();
                int firstSound = firstAbove(m, index(mic, playNanos), 0.01f);
                int userOnset = firstLoudBlock(m, index(mic, playNanos), 160, 0.01);
                float[] s = spk.samples();
                int from = index(spk, Math.max(answerHeardNanos, mic.nanosOf(userOnset)) - 50_000_000L);
                int silent = firstSilence(s, from, 4_800);
                if (userOnset >= 0 && silent >= 0) {
                    double ms = (spk.nanosOf(silent) - mic.nanosOf(userOnset)) / 1e6;
                    deviceMs.add(ms);
                    firstSoundMs.add((spk.nanosOf(silent) - mic.nanosOf(firstSound)) / 1e6);
                    System.out.printf(Locale.ROOT, "  barge-in %d (%s): silent at the speaker %.0f ms after the user's"
                            + " speech onset (%.0f ms after the first sample above -40 dBFS); the answer's longest"
                            + " digital silence before it: %.0f ms%n", i + 1, clip.getFileName(), ms,
                            firstSoundMs.get(firstSoundMs.size() - 1),
                            longestSilence(s, index(spk, answerHeardNanos), silent) / 48.0);
                    if (Boolean.getBoolean("voicechat.harness.probe")) {
                        explain(c.trace(Duration.ofSeconds(10)), mic, userOnset, spk.nanosOf(silent));
                    }
                }
            }
            c.stop();
        }
        System.out.printf(Locale.ROOT, "barge-in, user's speech onset at the microphone (first 10 ms above -40 dBFS)"
                + " -> silence at the speaker, %d trials (%d never stopped the bot): %s ms; from the first sample above"
                + " -40 dBFS instead: %s ms (the session's own figure, detected onset -> silence written: %s ms)%n",
                deviceMs.size(), missed, summary(deviceMs), summary(firstSoundMs), summary(reportedMs));
    }

    /**
     * Where one barge-in's time went, from the probe's trace: when the user's onset reached the session (the first
     * microphone read with 10 ms above -40 dBFS, against the same onset in the parent's recording of {@code mic}),
     * and the VAD's probability on each frame from there to the decision.
     */
    private static void explain(List<String> trace, PulseAudio.Recording mic, int userOnset, long silentNanos) {
        long onsetNanos = mic.nanosOf(userOnset);
        long onsetSample = -1;
        long readNanos = 0;
        int backlog = 0;
        for (String l : trace) {
            String[] f = l.split(" ");
            if (!f[1].equals("R")) {
                continue;
            }
            long end = Long.parseLong(f[3]);
            double db1 = Double.parseDouble(f[5]);
            double db2 = Double.parseDouble(f[6]);
            if (db1 > -40 || db2 > -40) {
                onsetSample = end - 320 + (db1 > -40 ? 0 : 160);
                readNanos = Long.parseLong(f[2]);
                backlog = Integer.parseInt(f[4]);
                break;
            }
        }
        if (onsetSample < 0) {
            System.out.println("    probe: no onset in the trace");
            return;
        }
        System.out.printf(Locale.ROOT, "    probe: onset read by the session %.0f ms after the device heard it (backlog"
                + " left %.0f ms), at input sample %d; silent at the speaker at %.0f ms%n",
                (readNanos - onsetNanos) / 1e6, backlog / 16.0, onsetSample, (silentNanos - onsetNanos) / 1e6);
        StringBuilder v = new StringBuilder("    probe: VAD frames (ms of audio from the onset: p, dBFS after the"
                + " canceller, judged at ms):");
        for (String l : trace) {
            String[] f = l.split(" ");
            if (!f[1].equals("V")) {
                continue;
            }
            long start = Long.parseLong(f[3]) * 512;
            if (start + 512 < onsetSample - 1024 || start > onsetSample + 16 * 400) {
                continue;
            }
            v.append(String.format(Locale.ROOT, " [%+.0f: %s, %s (raw %.1f), %.0f]", (start - onsetSample) / 16.0,
                    f[4], f[5], rawDb(trace, start, start + 512), (Long.parseLong(f[2]) - onsetNanos) / 1e6));
        }
        System.out.println(v);
    }

    /** The raw microphone's loudness over input samples {@code [from, to)}, from the probe's reads (dBFS). */
    private static double rawDb(List<String> trace, long from, long to) {
        double sum = 0;
        int n = 0;
        for (String l : trace) {
            String[] f = l.split(" ");
            if (f[1].equals("R")) {
                long end = Long.parseLong(f[3]);
                for (int h = 0; h < 2; h++) {
                    long start = end - 320 + 160 * h;
                    if (start >= from && start < to) {
                        sum += Math.pow(10, Double.parseDouble(f[5 + h]) / 10);
                        n++;
                    }
                }
            }
        }
        return n == 0 ? Double.NaN : 10 * Math.log10(sum / n + 1e-12);
    }

    /** The first block of {@code block} samples from {@code from} whose RMS is above {@code level}; -1 if none. */
    private static int firstLoudBlock(float[] x, int from, int block, double level) {
        for (int b = Math.max(0, from); b + block <= x.length; b += block) {
            double sum = 0;
            for (int i = b; i < b + block; i++) {
                sum += x[i] * x[i];
            }
            if (Math.sqrt(sum / block) > level) {
                return b;
            }
        }
        return -1;
    }

    /** The longest run of digital silence in {@code x[from, to)}, in samples. */
    private static int longestSilence(float[] x, int from, int to) {
        int longest = 0;
        int run = 0;
        for (int i = Math.max(0, from); i < Math.min(to, x.length); i++) {
            run = Math.abs(x[i]) < 1e-4f ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        return longest;
    }

    // ------------------------------------------------------------------ child JVM

    private static void child(String[] args) throws Exception {
        if (args[1].equals("clicks")) {
            AudioSink speaker = AudioSinks.speaker(48_000);
            float[] frame = new float[960];
            for (int tick = 0; tick < 50 * 12; tick++) {
                boolean click = tick % 50 == 25 && tick > 50;
                for (int i = 0; i < 960; i++) {
                    frame[i] = click && i < 480 ? (float) (0.3 * Math.sin(2 * Math.PI * 1000 * i / 48_000.0)) : 0f;
                }
                if (click) {
                    System.out.println("CLICK " + System.nanoTime() + " " + speaker.playbackDelaySamples());
                }
                speaker.write(frame, 0, 960);
            }
            speaker.close();
            System.out.println("DONE");
            return;
        }
        boolean aec = args[2].equals("aec");
        EngineProvider<VoiceActivityDetector> silero = Engines.find(VoiceActivityDetector.class, "silero");
        // -Dvoicechat.harness.probe=true: per-frame trace (microphone reads, VAD probabilities) around each barge-in.
        Probe probe = Boolean.getBoolean("voicechat.harness.probe") ? new Probe() : null;
        EngineProvider<SpeechRecognizer> asr = Engines.find(SpeechRecognizer.class, "sphinx");
        EngineProvider<SpeechSynthesizer> tts = Engines.find(SpeechSynthesizer.class, "freetts");
        VoicePipeline.Builder b = VoicePipeline.builder()
                .vad(() -> probe == null ? silero.create(EngineOptions.EMPTY)
                        : probe.vad(silero.create(EngineOptions.EMPTY))).asr(() -> asr.create(EngineOptions.EMPTY))
                .tts(() -> tts.create(EngineOptions.EMPTY))
                // -Dvoicechat.harness.answer=echo: the CLI's short answer ("You said: ..."), so that the loop has
                // many answer starts (where the canceller and the gate work with what they kept from the last answer).
                .responder((request, reply) -> reply.text("echo".equals(System.getProperty("voicechat.harness.answer"))
                        ? "You said: " + request.transcript() + "." : LONG_ANSWER))
                .listener(e -> {
                    print(e);
                    if (probe != null && (e instanceof SessionEvent.BargeInPaused
                            || e instanceof SessionEvent.BargeInConfirmed)) {
                        probe.dump(1_500_000_000L);
                    }
                });
        // -Dvoicechat.harness.speculateMs=0: no speculative answers; -Dvoicechat.harness.partialWords=false: a paused
        // barge-in is confirmed by speech alone, not by the recogniser's partial words (separating the suspects).
        Integer speculateMs = Integer.getInteger("voicechat.harness.speculateMs");
        if (speculateMs != null) {
            b.turnPolicy(TurnPolicy.builder().speculateAfterMs(speculateMs).build());
        }
        String partialWords = System.getProperty("voicechat.harness.partialWords");
        if (partialWords != null) {
            b.bargeIn(BargeInPolicy.builder()
                    .confirmOnPartialWords(Boolean.parseBoolean(partialWords)).build());
        }
        if (aec) {
            EngineProvider<EchoCanceller> canceller = Engines.find(EchoCanceller.class, "webrtc-aec");
            b.echoCanceller(() -> canceller.create(EngineOptions.EMPTY));
        }
        int speakerMs = Integer.getInteger("voicechat.harness.speakerMs", AudioSinks.SPEAKER_BUFFER_MS);
        GapCountingSink speaker = new GapCountingSink(AudioSinks.speaker(48_000, speakerMs));
        // -Dvoicechat.harness.recording=X.wav: the session's own stereo recording (microphone left, written right),
        // to find the echo path's true delay offline.
        String recording = System.getProperty("voicechat.harness.recording");
        AudioSource mic = AudioSources.microphone(16_000);
        if (probe != null) {
            mic = probe.source(mic);
        }
        VoiceSession session = recording == null
                ? b.build().openSession(mic, speaker)
                : b.build().openSession(mic, speaker, Path.of(recording));
        session.start();
        // The parent closes stdin to end the session.
        while (System.in.read() >= 0) {
            // nothing is sent
        }
        session.close();
        System.out.println("ENDED " + session.report().endReason());
        System.err.printf(Locale.ROOT, "child: %d speaker writes; gaps between writes over 60 ms (a 60 ms queue"
                + " runs dry): %d, over 100 ms: %d, longest %.0f ms%n", speaker.writes, speaker.over60, speaker.over100,
                speaker.longestGapNanos / 1e6);
    }

    /**
     * A per-frame trace of the child's input, for finding where a barge-in's time goes: each microphone read (when it
     * returned, the backlog left behind it, the loudness of each 10 ms) and each VAD frame (when it was judged, its
     * probability before any echo gate, the loudness of what the VAD heard after the echo canceller). Dumped as
     * {@code TRACE} lines on each barge-in event; the parent lines them up with its recording of the microphone.
     */
    static final class Probe {
        private static final int SIZE = 1024;
        private final long[] readNanos = new long[SIZE];
        private final long[] readEnd = new long[SIZE];
        private final int[] readBacklog = new int[SIZE];
        private final float[] readDb1 = new float[SIZE];
        private final float[] readDb2 = new float[SIZE];
        private long reads;
        private long readSamples;
        private final long[] vadNanos = new long[SIZE];
        private final float[] vadP = new float[SIZE];
        private final float[] vadDb = new float[SIZE];
        private long vads;

        synchronized void read(AudioSource s, float[] b, int off, int n) {
            int i = (int) (reads++ % SIZE);
            readNanos[i] = System.nanoTime();
            readSamples += n;
            readEnd[i] = readSamples;
            readBacklog[i] = s.captureDelaySamples();
            readDb1[i] = db(b, off, n / 2);
            readDb2[i] = db(b, off + n / 2, n - n / 2);
        }

        synchronized void vad(float p, float[] b, int off, int n) {
            int i = (int) (vads++ % SIZE);
            vadNanos[i] = System.nanoTime();
            vadP[i] = p;
            vadDb[i] = db(b, off, n);
        }

        synchronized void dump(long spanNanos) {
            long since = System.nanoTime() - spanNanos;
            StringBuilder out = new StringBuilder();
            for (long k = Math.max(0, reads - SIZE); k < reads; k++) {
                int i = (int) (k % SIZE);
                if (readNanos[i] >= since) {
                    out.append(String.format(Locale.ROOT, "TRACE R %d %d %d %.1f %.1f%n", readNanos[i], readEnd[i],
                            readBacklog[i], readDb1[i], readDb2[i]));
                }
            }
            for (long k = Math.max(0, vads - SIZE); k < vads; k++) {
                int i = (int) (k % SIZE);
                if (vadNanos[i] >= since) {
                    out.append(String.format(Locale.ROOT, "TRACE V %d %d %.3f %.1f%n", vadNanos[i], k, vadP[i],
                            vadDb[i]));
                }
            }
            out.append("TRACE END\n");
            synchronized (System.out) {
                System.out.print(out);
                System.out.flush();
            }
        }

        private static float db(float[] b, int off, int n) {
            double sum = 0;
            for (int i = off; i < off + n; i++) {
                sum += b[i] * b[i];
            }
            return (float) (10 * Math.log10(sum / Math.max(1, n) + 1e-12));
        }

        AudioSource source(AudioSource in) {
            Probe probe = this;
            return new AudioSource() {
                @Override
                public int sampleRateHz() {
                    return in.sampleRateHz();
                }

                @Override
                public int read(float[] buffer, int offset, int length) throws IOException {
                    int n = in.read(buffer, offset, length);
                    if (n > 0) {
                        probe.read(in, buffer, offset, n);
                    }
                    return n;
                }

                @Override
                public boolean isRealtime() {
                    return in.isRealtime();
                }

                @Override
                public int captureDelaySamples() {
                    return in.captureDelaySamples();
                }

                @Override
                public void close() throws IOException {
                    in.close();
                }
            };
        }

        VoiceActivityDetector vad(VoiceActivityDetector in) {
            Probe probe = this;
            return new VoiceActivityDetector() {
                @Override
                public int sampleRateHz() {
                    return in.sampleRateHz();
                }

                @Override
                public int frameSamples() {
                    return in.frameSamples();
                }

                @Override
                public float speechProbability(float[] samples, int offset, int length) {
                    float p = in.speechProbability(samples, offset, length);
                    probe.vad(p, samples, offset, length);
                    return p;
                }

                @Override
                public void reset() {
                    in.reset();
                }

                @Override
                public void close() {
                    in.close();
                }
            };
        }
    }

    /** The speaker, counting the gaps between writes that are long enough to empty its queue. */
    private static final class GapCountingSink extends ForwardingAudioSink {
        long writes;
        long over60;
        long over100;
        long longestGapNanos;
        private long lastNanos;

        GapCountingSink(AudioSink speaker) {
            super(speaker);
        }

        @Override
        public void write(float[] samples, int offset, int length) throws IOException {
            long now = System.nanoTime();
            if (writes++ > 100) { // after start-up
                long gap = now - lastNanos;
                longestGapNanos = Math.max(longestGapNanos, gap);
                over60 += gap > 60_000_000L ? 1 : 0;
                over100 += gap > 100_000_000L ? 1 : 0;
            }
            super.write(samples, offset, length);
            lastNanos = System.nanoTime();
        }
    }

    private static void print(SessionEvent e) {
        String line;
        if (e instanceof SessionEvent.StateChanged s && s.to() == io.github.voicechat.SessionState.LISTENING
                && s.atMs() == 0) {
            line = "LISTENING";
        } else if (e instanceof SessionEvent.BargeInPaused p) {
            line = "BargeInPaused " + p.onsetMs() + " " + p.atMs() + " " + p.latencyMs();
        } else {
            line = e.getClass().getSimpleName() + " " + e.atMs();
        }
        synchronized (System.out) {
            System.out.println(line);
            System.out.flush();
        }
    }

    /** The child JVM, its stdout lines as they come. */
    private static final class Child {
        private final Process process;
        private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        /** The probe's TRACE lines, apart from the events. */
        final LinkedBlockingQueue<String> traces = new LinkedBlockingQueue<>();

        /** Runs the stalls' signals on time, one after another (a daemon: it never holds the harness open). */
        private final ScheduledExecutorService stalls = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "harness-stall");
            t.setDaemon(true);
            return t;
        });

        private Child(Process process) {
            this.process = process;
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String l;
                    while ((l = r.readLine()) != null) {
                        (l.startsWith("TRACE ") ? traces : lines).add(l);
                    }
                } catch (IOException e) {
                    lines.add("ERROR " + e);
                }
            }, "harness-child");
            t.setDaemon(true);
            t.start();
        }

        static Child start(PulseAudio pulse, String... args) throws IOException {
            // The child's collector (-Dvoicechat.harness.jvm="-XX:+UseParallelGC" to compare): its pauses are stalls of
            // the session thread, and each one longer than the speaker's queue is a gap and an echo-path change.
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString()));
            cmd.addAll(Arrays.asList(System.getProperty("voicechat.harness.jvm", "-XX:+UseZGC").split(" ")));
            cmd.addAll(List.of("-Xmx768m", "-cp", System.getProperty("java.class.path")));
            // Logging settings given to the harness (-Dorg.slf4j.simpleLogger.log.io.github.voicechat.audio=debug).
            System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("org.slf4j.") || k.startsWith("voicechat."))
                    .forEach(k -> cmd.add(1, "-D" + k + "=" + System.getProperty(k)));
            cmd.add(LiveDeviceHarness.class.getName());
            cmd.add("child");
            cmd.addAll(Arrays.asList(args));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
            pb.environment().putAll(pulse.clientEnvironment());
            return new Child(pb.start());
        }

        /** The probe's lines up to its next {@code TRACE END}, or none if it sent none in time. */
        List<String> trace(Duration timeout) throws InterruptedException {
            List<String> out = new ArrayList<>();
            String l;
            while ((l = traces.poll(timeout.toNanos(), TimeUnit.NANOSECONDS)) != null && !l.equals("TRACE END")) {
                out.add(l);
            }
            return l == null ? List.of() : out;
        }

        String next(Duration timeout) throws InterruptedException {
            return lines.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        }

        /** The first line matching {@code what}, or (when none comes in time and what matches nothing) null. */
        String await(Predicate<String> what, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                long left = deadline - System.nanoTime();
                String l = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
                if (l == null) {
                    return null;
                }
                if (what.test(l)) {
                    return l;
                }
            }
        }

        /**
         * -Dvoicechat.harness.stallMs=N (with -Dvoicechat.harness.stallAtMs=D, 100 by default): stops the whole child
         * (SIGSTOP) for N ms, D ms after an answer's first audio, as a machine too loaded to run it would: the speaker
         * runs dry and the echo path moves at the answer's start.
         */
        void stallAfterFirstAudio() {
            int stallMs = Integer.getInteger("voicechat.harness.stallMs", 0);
            if (stallMs <= 0) {
                return;
            }
            int atMs = Integer.getInteger("voicechat.harness.stallAtMs", 100);
            stalls.schedule(() -> signal("STOP"), atMs, TimeUnit.MILLISECONDS);
            stalls.schedule(() -> signal("CONT"), atMs + stallMs, TimeUnit.MILLISECONDS);
        }

        private void signal(String name) {
            try {
                new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).start().waitFor();
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException("could not send SIG" + name + " to the child", e);
            }
        }

        void stop() throws Exception {
            process.getOutputStream().close();
            awaitExit();
        }

        void awaitExit() throws InterruptedException {
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    private static void play(PulseAudio pulse, Path clip) throws Exception {
        Process p = pulse.play(clip, PulseAudio.MIC_SINK);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("could not play " + clip);
        }
    }

    private static int index(PulseAudio.Recording r, long nanos) {
        return (int) Math.max(0, (nanos - r.startNanos()) * r.sampleRateHz() / 1_000_000_000L);
    }

    private static int firstAbove(float[] x, int from, float level) {
        for (int i = Math.max(0, from); i < x.length; i++) {
            if (Math.abs(x[i]) > level) {
                return i;
            }
        }
        return -1;
    }

    /** The first sample from which {@code run} samples are digitally silent (what a paused session writes). */
    private static int firstSilence(float[] x, int from, int run) {
        int count = 0;
        for (int i = Math.max(0, from); i < x.length; i++) {
            count = Math.abs(x[i]) < 1e-4f ? count + 1 : 0;
            if (count == run) {
                return i - run + 1;
            }
        }
        return -1;
    }

    private static String summary(List<Double> v) {
        if (v.isEmpty()) {
            return "none";
        }
        double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return String.format(Locale.ROOT, "median %.1f, min %.1f, max %.1f", a[a.length / 2], a[0], a[a.length - 1]);
    }

    private static String uptime() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "?";
        }
    }
}
