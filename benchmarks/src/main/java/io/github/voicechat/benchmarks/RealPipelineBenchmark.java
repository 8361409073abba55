package io.github.voicechat.benchmarks;

import io.github.voicechat.Responder;
import io.github.voicechat.SessionEvent;
import io.github.voicechat.SessionReport;
import io.github.voicechat.TurnPolicy;
import io.github.voicechat.TurnReport;
import io.github.voicechat.VoicePipeline;
import io.github.voicechat.VoiceSession;
import io.github.voicechat.audio.AudioSink;
import io.github.voicechat.audio.AudioSinks;
import io.github.voicechat.audio.AudioSources;
import io.github.voicechat.spi.EngineOptions;
import io.github.voicechat.spi.EngineProvider;
import io.github.voicechat.spi.Engines;
import io.github.voicechat.spi.SpeechRecognizer;
import io.github.voicechat.spi.SpeechSynthesizer;
import io.github.voicechat.spi.SynthesisSink;
import io.github.voicechat.spi.VoiceActivityDetector;
import io.github.voicechat.time.Clock;
import io.github.voicechat.time.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * End-to-end {@code voicechat talk --demo --realtime} with the real engines (silero-vad-v6, sphinx-en-us,
 * freetts-kevin16, chosen through {@link Engines}) on the real clock, for 1 and N concurrent sessions.
 *
 * <p>The user is scripted like the examples' {@code DemoScript} (package-private there, so rebuilt here): four lines
 * in a second FreeTTS voice (pitch 150, rate 170), a 120 ms "ahem" cough 0.7 s into the first answer (a false alarm
 * that must resume), and line 3 interrupting the second answer 1.2 s in. DemoScript places the bot's answers at
 * end of line + 0.56 s (end of turn + one frame), i.e. as if the recogniser took no time; on the real clock Sphinx
 * does take time, so this script adds {@link #ASR_MARGIN_S} to that estimate so that the cough and the interruption
 * still land on the bot's speech, and (by default) opens with a "hello" turn followed by a long pause, which absorbs
 * a fresh recogniser's slow first utterance and measures it (see {@link #COLD_START}).
 *
 * <p>Per turn it prints: the end of the user's speech (VAD), when the transcript came back (audio time, and the
 * ASR's own real-time factor from {@link SessionEvent.TranscriptReady}), first-audio latency in audio time
 * ({@link TurnReport#firstAudioLatencyMs}) and in wall time (sink-timed: the first non-zero response frame written
 * at or after the tick the session says it played, minus first write + userEnd, the source being paced on the
 * session's tick grid), the onset of audible speech in that response (first frame with a peak over 0.01, as
 * FreeTTS answers start with near-silence), TTS real-time factor ({@link SessionEvent.SynthesisFinished}), barge-in
 * latency; per session: ASR RTF ({@link SessionReport#asrRealTimeFactor}), underruns, jitter p50/p99, and threads
 * left after close. A virtual-clock run of the same script comes first: it warms the JIT and is the reference in
 * which the recogniser's time does not count (lockstep), so real minus virtual is what the engines cost.
 *
 * <p>Run (from the repository root):
 * {@code java -XX:+UseParallelGC -Xmx1g -cp benchmarks/target/benchmarks.jar
 * io.github.voicechat.benchmarks.RealPipelineBenchmark 1 3}.
 */
public final class RealPipelineBenchmark {

    static final String VAD = "silero-vad-v6";
    static final String ASR = "sphinx-en-us";
    static final String TTS = "freetts-kevin16";
    static final int OUT_RATE = 48_000;
    static final String[] LINES = {
        "what is the weather like today",
        "please read me the news about the harbour",
        "stop that please",
        "thank you goodbye",
    };
    /**
     * Extra time allowed for the recogniser when placing the cough and the interruption on the bot's answers
     * ({@code -Drealbench.asrMarginS}, default 0.5 s; 0 = DemoScript's positions).
     */
    static final double ASR_MARGIN_S = Double.parseDouble(System.getProperty("realbench.asrMarginS", "0.5"));
    /**
     * Whether the user first says "hello" and waits {@link #COLD_PAUSE_S}: a fresh Sphinx recognizer takes 1.2-4.3 s
     * to finish its first utterance on this machine (vs 8-30 ms later), so without it the cough lands before the
     * first transcript, which kills the session (see {@link ThinkingOverlapRepro}).
     * {@code -Drealbench.coldStart=false} gives DemoScript's script.
     */
    static final boolean COLD_START = Boolean.parseBoolean(System.getProperty("realbench.coldStart", "true"));
    static final double COLD_PAUSE_S = 7.0;
    static final double BOT_START_AFTER_S = TurnPolicy.defaults().minSilenceMs() / 1000.0 + 0.06;

    private RealPipelineBenchmark() {
    }

    record Cue(String what, double startS, double endS) {
    }

    record Script(int rateHz, float[] samples, List<Cue> cues) {
    }

    /** The talk command's echo responder. */
    static Responder echo() {
        return (request, sink) -> {
            String heard = request.transcript().isBlank() ? "nothing I could understand" : request.transcript();
            sink.text("You said: " + heard + ".");
        };
    }

    static Script script(EngineProvider<SpeechSynthesizer> provider) {
        EngineOptions userVoice = EngineOptions.EMPTY.with("pitch", "150").with("rate", "170")
                .only(provider.options()); // where the engine has them
        float[][] lines = new float[LINES.length][];
        double[] answerS = new double[LINES.length];
        float[] ahem;
        int rate;
        try (SpeechSynthesizer user = provider.create(userVoice);
             SpeechSynthesizer bot = provider.create(EngineOptions.EMPTY)) {
            rate = user.sampleRateHz();
            ahem = trim(render(user, "ahem"));
            for (int i = 0; i < LINES.length; i++) {
                lines[i] = trim(render(user, LINES[i]));
                answerS[i] = trim(render(bot, "You said: " + LINES[i] + ".")).length / (double) bot.sampleRateHz();
            }
        }
        List<Cue> cues = new ArrayList<>();
        float[] out = new float[rate * 60];
        int[] len = {0};
        double lead = BOT_START_AFTER_S + ASR_MARGIN_S;
        len[0] = (int) (0.8 * rate);
        if (COLD_START) {
            float[] hello = trim(render(provider, userVoice, "hello"));
            double end0 = line(out, len, rate, hello, "hello (cold start of the recogniser)", cues);
            len[0] = (int) ((end0 + COLD_PAUSE_S) * rate);
        }
        double end1 = line(out, len, rate, lines[0], LINES[0], cues);
        double bot1 = end1 + lead;
        len[0] = Math.max(len[0], (int) ((bot1 + 0.7) * rate));
        cough(out, len, rate, ahem, cues);
        len[0] = Math.max(len[0], (int) ((bot1 + answerS[0] + 1.2) * rate));
        double end2 = line(out, len, rate, lines[1], LINES[1], cues);
        double bot2 = end2 + lead;
        len[0] = Math.max(len[0], (int) ((bot2 + 1.2) * rate));
        double end3 = line(out, len, rate, lines[2], LINES[2], cues);
        len[0] = Math.max(len[0], (int) ((end3 + lead + answerS[2] + 1.2) * rate));
        double end4 = line(out, len, rate, lines[3], LINES[3], cues);
        len[0] = Math.max(len[0], (int) ((end4 + lead + answerS[3] + 1.0) * rate));
        return new Script(rate, Arrays.copyOf(out, len[0]), List.copyOf(cues));
    }

    private static double line(float[] out, int[] len, int rate, float[] clip, String text, List<Cue> cues) {
        double start = len[0] / (double) rate;
        System.arraycopy(clip, 0, out, len[0], clip.length);
        len[0] += clip.length;
        cues.add(new Cue(text, start, len[0] / (double) rate));
        return len[0] / (double) rate;
    }

    /** DemoScript's cough: the loudest 120 ms of "ahem", faded in and out over 5 ms. */
    private static void cough(float[] out, int[] len, int rate, float[] ahem, List<Cue> cues) {
        int n = Math.min(ahem.length, (int) (0.12 * rate));
        int best = 0;
        double bestEnergy = -1;
        for (int start = 0; start + n <= ahem.length; start += rate / 100) {
            double e = 0;
            for (int i = start; i < start + n; i++) {
                e += ahem[i] * ahem[i];
            }
            if (e > bestEnergy) {
                bestEnergy = e;
                best = start;
            }
        }
        int fade = rate / 200;
        for (int i = 0; i < n; i++) {
            double env = Math.min(1.0, Math.min((i + 1.0) / fade, (n - i) / (double) fade));
            out[len[0] + i] = (float) (ahem[best + i] * env);
        }
        cues.add(new Cue("(cough)", len[0] / (double) rate, (len[0] + n) / (double) rate));
        len[0] += n;
    }

    static float[] render(EngineProvider<SpeechSynthesizer> provider, EngineOptions options, String text) {
        try (SpeechSynthesizer tts = provider.create(options)) {
            return render(tts, text);
        }
    }

    static float[] render(SpeechSynthesizer tts, String text) {
        float[][] buf = {new float[1 << 16]};
        int[] n = {0};
        tts.synthesize(text, new SynthesisSink() {
            @Override
            public boolean audio(float[] samples, int offset, int length) {
                if (n[0] + length > buf[0].length) {
                    buf[0] = Arrays.copyOf(buf[0], Math.max(n[0] + length, buf[0].length * 2));
                }
                System.arraycopy(samples, offset, buf[0], n[0], length);
                n[0] += length;
                return true;
            }
        });
        return Arrays.copyOf(buf[0], n[0]);
    }

    static float[] trim(float[] clip) {
        int first = 0;
        while (first < clip.length && Math.abs(clip[first]) < 0.01f) {
            first++;
        }
        int last = clip.length - 1;
        while (last > first && Math.abs(clip[last]) < 0.01f) {
            last--;
        }
        return first >= clip.length ? new float[0] : Arrays.copyOfRange(clip, first, last + 1);
    }

    /** Times its own writes and keeps each frame's peak, so the first (audible) response frame can be found. */
    static final class TimingSink implements AudioSink {
        final long[] writeNanos;
        final float[] peak;
        int writes;

        TimingSink(int maxWrites) {
            writeNanos = new long[maxWrites];
            peak = new float[maxWrites];
        }

        @Override
        public int sampleRateHz() {
            return OUT_RATE;
        }

        @Override
        public void write(float[] samples, int offset, int length) {
            if (writes < writeNanos.length) {
                writeNanos[writes] = System.nanoTime();
                float p = 0;
                for (int i = offset; i < offset + length; i++) {
                    p = Math.max(p, Math.abs(samples[i]));
                }
                peak[writes] = p;
            }
            writes++;
        }

        @Override
        public void close() {
        }

        /** First write at or after tick {@code fromTick} whose peak exceeds {@code threshold}, or -1. */
        int firstAbove(int fromTick, float threshold) {
            for (int k = Math.max(0, fromTick); k < Math.min(writes, writeNanos.length); k++) {
                if (peak[k] > threshold) {
                    return k;
                }
            }
            return -1;
        }

        /** Wall ms from first write + {@code audioMs} (when that audio time was due) to write {@code k}. */
        double wallAfterMs(int k, double audioMs) {
            return (writeNanos[k] - writeNanos[0]) / 1e6 - audioMs;
        }
    }

    /**
     * Times the synthesizer itself: wall time inside {@code synthesize} minus the time spent in the sink's
     * callbacks, which is where the session blocks on a full output ring (back-pressure, not synthesis). Also keeps,
     * per call, when it started and when its first audio came ({@link #calls}).
     */
    static final class TimedSynthesizer implements SpeechSynthesizer {
        private final SpeechSynthesizer inner;
        volatile long engineNanos;
        volatile long samples;
        /** Per call: {System.nanoTime() at the start, at the first audio (0: none)}. */
        final List<long[]> calls = new CopyOnWriteArrayList<>();

        TimedSynthesizer(SpeechSynthesizer inner) {
            this.inner = inner;
        }

        @Override
        public int sampleRateHz() {
            return inner.sampleRateHz();
        }

        @Override
        public void synthesize(String text, SynthesisSink sink) {
            long[] inSink = {0};
            long t0 = System.nanoTime();
            long[] call = {t0, 0};
            calls.add(call);
            inner.synthesize(text, new SynthesisSink() {
                @Override
                public boolean audio(float[] s, int offset, int length) {
                    long c0 = System.nanoTime();
                    if (call[1] == 0) {
                        call[1] = c0;
                    }
                    samples += length;
                    boolean more = sink.audio(s, offset, length);
                    inSink[0] += System.nanoTime() - c0;
                    return more;
                }

                @Override
                public void textMark(int endChar) {
                    sink.textMark(endChar);
                }

                @Override
                public boolean isCancelled() {
                    return sink.isCancelled();
                }
            });
            engineNanos += System.nanoTime() - t0 - inSink[0];
        }

        /** The first call that started at or after {@code nanos}, or null. */
        long[] firstCallAfter(long nanos) {
            return calls.stream().filter(c -> c[0] >= nanos).findFirst().orElse(null);
        }

        double realTimeFactor() {
            return samples == 0 ? Double.NaN : engineNanos / 1e9 / (samples / (double) inner.sampleRateHz());
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    static VoicePipeline pipeline(Clock clock, List<SessionEvent> events) {
        return pipeline(clock, events, new ArrayList<>());
    }

    static VoicePipeline pipeline(Clock clock, List<SessionEvent> events, List<TimedSynthesizer> created) {
        EngineProvider<VoiceActivityDetector> vad = Engines.find(VoiceActivityDetector.class, VAD);
        EngineProvider<SpeechRecognizer> asr = Engines.find(SpeechRecognizer.class, ASR);
        EngineProvider<SpeechSynthesizer> tts = Engines.find(SpeechSynthesizer.class, TTS);
        return VoicePipeline.builder()
                .vad(() -> vad.create(EngineOptions.EMPTY))
                .asr(() -> asr.create(EngineOptions.EMPTY))
                .tts(() -> {
                    TimedSynthesizer t = new TimedSynthesizer(tts.create(EngineOptions.EMPTY));
                    created.add(t);
                    return t;
                })
                .responder(echo())
                .clock(clock)
                .outputSampleRateHz(OUT_RATE)
                .listener(events::add)
                .build();
    }

    public static void main(String[] args) throws Exception {
        int[] counts = args.length == 0 ? new int[] {1, 3} : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        System.out.printf(Locale.ROOT, "java %s, %d cpus, max heap %d MB, load average %s%n",
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20, PipelineBenchmark.loadAverage());
        long t0 = System.nanoTime();
        Script script = script(Engines.find(SpeechSynthesizer.class, TTS));
        System.out.printf(Locale.ROOT, "script: %.2f s at %d Hz, synthesised in %.1f s; ASR margin %.2f s,"
                        + " cold start %s; cues:%n", script.samples().length / (double) script.rateHz(),
                script.rateHz(), (System.nanoTime() - t0) / 1e9, ASR_MARGIN_S, COLD_START);
        for (Cue c : script.cues()) {
            System.out.printf(Locale.ROOT, "  %6.2f-%6.2f s  %s%n", c.startS(), c.endS(), c.what());
        }

        // Virtual clock (lockstep: the recogniser's time is not audio time): JIT warm-up and the reference.
        List<SessionEvent> vev = new CopyOnWriteArrayList<>();
        t0 = System.nanoTime();
        try (VoiceSession s = pipeline(new VirtualClock(), vev).openSession(
                AudioSources.memory(script.rateHz(), script.samples()), AudioSinks.discard(OUT_RATE))) {
            s.start();
            if (!s.awaitTermination(Duration.ofSeconds(300))) {
                throw new IllegalStateException("virtual-clock session did not end within 300 s");
            }
            System.out.printf(Locale.ROOT, "%n== virtual clock (reference, JIT warm-up), %.1f s wall%n",
                    (System.nanoTime() - t0) / 1e9);
            printSession(s.report(), vev, null, script);
        }
        for (int n : counts) {
            runRealClock(n, script);
        }
    }

    static void runRealClock(int n, Script script) throws Exception {
        Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
        String loadBefore = PipelineBenchmark.loadAverage();
        int maxWrites = (int) (script.samples().length / (double) script.rateHz() * 50) + 1000;
        List<VoiceSession> sessions = new ArrayList<>();
        List<TimingSink> sinks = new ArrayList<>();
        List<List<SessionEvent>> events = new ArrayList<>();
        List<List<TimedSynthesizer>> synths = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<SessionEvent> ev = new CopyOnWriteArrayList<>();
            List<TimedSynthesizer> ts = new CopyOnWriteArrayList<>();
            synths.add(ts);
            TimingSink sink = new TimingSink(maxWrites);
            sessions.add(pipeline(Clock.system(), ev, ts)
                    .openSession(AudioSources.memory(script.rateHz(), script.samples()), sink));
            sinks.add(sink);
            events.add(ev);
        }
        System.gc();
        long gc0 = PipelineBenchmark.gcCount();
        long gcMs0 = PipelineBenchmark.gcMillis();
        long start = System.nanoTime();
        for (VoiceSession s : sessions) {
            s.start();
        }
        List<SessionReport> reports = new ArrayList<>();
        for (VoiceSession s : sessions) {
            if (!s.awaitTermination(Duration.ofSeconds(300))) {
                throw new IllegalStateException(s.name() + " did not end within 300 s");
            }
            s.close();
            reports.add(s.report());
        }
        double wallS = (System.nanoTime() - start) / 1e9;
        long gcs = PipelineBenchmark.gcCount() - gc0;
        long gcMs = PipelineBenchmark.gcMillis() - gcMs0;
        List<Thread> leftThreads = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !before.contains(t)).toList();
        List<String> left = leftThreads.stream().map(Thread::getName).sorted().toList();
        // A thread seen right after close() may be an executor worker between "terminated" and its actual exit:
        // give each 2 s to end before calling it left over.
        for (Thread t : leftThreads) {
            t.join(2000);
        }
        List<String> leftAfterJoin = leftThreads.stream().filter(Thread::isAlive).map(Thread::getName).toList();
        System.out.printf(Locale.ROOT,
                "%n== N = %d on the real clock (paced), load average before %s, after %s%n", n, loadBefore,
                PipelineBenchmark.loadAverage());
        System.out.printf(Locale.ROOT, "wall %.1f s (engine loading included); GC %d collections, %d ms;"
                + " threads alive right after close: %d %s, still alive after a 2 s join: %d %s%n", wallS, gcs, gcMs,
                left.size(), left, leftAfterJoin.size(), leftAfterJoin);
        for (int i = 0; i < n; i++) {
            System.out.printf(Locale.ROOT, "-- session %d: TTS engine RTF without back-pressure %.4f%n", i + 1,
                    synths.get(i).isEmpty() ? Double.NaN : synths.get(i).get(0).realTimeFactor());
            printSession(reports.get(i), events.get(i), sinks.get(i), script);
        }
    }

    static void printSession(SessionReport r, List<SessionEvent> events, TimingSink sink, Script script) {
        long errors = events.stream().filter(e -> e instanceof SessionEvent.EngineError).count();
        System.out.printf(Locale.ROOT, "%.2f s audio, end: %s; %d turns, %d barge-ins, %d false alarms; ASR RTF %.3f;"
                        + " underrun frames %d, dropped %d; jitter p50 %.2f p99 %.2f ms; engine errors %d%n",
                r.durationS(), r.endReason(), r.turns().size(), r.bargeIns(), r.falseAlarms(), r.asrRealTimeFactor(),
                r.underrunFrames(), r.framesDropped(), r.playoutJitterP50Ms(), r.playoutJitterP99Ms(), errors);
        events.stream().filter(e -> e instanceof SessionEvent.EngineError)
                .forEach(e -> System.out.println("   ERROR " + e));
        if (r.endReason().startsWith("failed") || Boolean.getBoolean("realbench.timeline")) {
            events.stream().filter(e -> !(e instanceof SessionEvent.TurnCompleted))
                    .forEach(e -> System.out.printf(Locale.ROOT, "   %8.0f ms  %s%n", e.atMs(), e));
        }
        System.out.println("  turn  userEnd  asrDone(+ms)  asrRTF  1st-audio(ms)  wall(ms)  audible(+ms)  ttsRTF"
                + "  barge-in(ms)  fa  transcript");
        for (int ti = 0; ti < r.turns().size(); ti++) {
            TurnReport t = r.turns().get(ti);
            double nextStartMs = ti + 1 < r.turns().size() ? r.turns().get(ti + 1).userStartS() * 1000 : 1e12;
            double userEndMs = t.userEndS() * 1000;
            SessionEvent.TranscriptReady tr = events.stream()
                    .filter(e -> e instanceof SessionEvent.TranscriptReady x && x.turn() == t.turn())
                    .map(e -> (SessionEvent.TranscriptReady) e).findFirst().orElse(null);
            SessionEvent.SynthesisFinished sf = events.stream()
                    .filter(e -> e instanceof SessionEvent.SynthesisFinished x && x.turn() == t.turn())
                    .map(e -> (SessionEvent.SynthesisFinished) e).findFirst().orElse(null);
            double wall = Double.NaN;
            double audible = Double.NaN;
            if (sink != null && !Double.isNaN(t.firstAudioLatencyMs())) {
                int fromTick = (int) Math.round((userEndMs + t.firstAudioLatencyMs()) / 20);
                int k = sink.firstAbove(fromTick, 0f);
                if (k >= 0) {
                    wall = sink.wallAfterMs(k, userEndMs);
                    int a = sink.firstAbove(k, 0.01f);
                    // Only within this response: an answer interrupted in its leading near-silence has no onset.
                    audible = a < 0 || a * 20.0 >= nextStartMs ? Double.NaN : (a - k) * 20.0;
                }
            }
            System.out.printf(Locale.ROOT, "  %4d %7.2fs %10.0f %9.3f %12.0f %10.1f %10.0f %9.4f %10.0f %5d  \"%s\"%n",
                    t.turn(), t.userEndS(), tr == null ? Double.NaN : tr.atMs() - userEndMs,
                    tr == null ? Double.NaN : tr.realTimeFactor(), t.firstAudioLatencyMs(), wall, audible,
                    sf == null ? Double.NaN : sf.realTimeFactor(), t.bargedIn() ? t.bargeInLatencyMs() : Double.NaN,
                    t.falseAlarms(), t.transcript());
        }
    }
}
