package io.github.voicechat.benchmarks;

import io.github.voicechat.SessionEvent;
import io.github.voicechat.SessionReport;
import io.github.voicechat.SessionState;
import io.github.voicechat.TurnPolicy;
import io.github.voicechat.benchmarks.RealPipelineBenchmark.TimedSynthesizer;
import io.github.voicechat.benchmarks.RealPipelineBenchmark.TimingSink;
import io.github.voicechat.TurnReport;
import io.github.voicechat.VoicePipeline;
import io.github.voicechat.VoiceSession;
import io.github.voicechat.audio.AudioSources;
import io.github.voicechat.langchain4j.LlmResponder;
import io.github.voicechat.langchain4j.OpenAiCompatible;
import io.github.voicechat.spi.EngineOptions;
import io.github.voicechat.spi.EngineProvider;
import io.github.voicechat.spi.Engines;
import io.github.voicechat.spi.SpeechRecognizer;
import io.github.voicechat.spi.SpeechSynthesizer;
import io.github.voicechat.spi.VoiceActivityDetector;
import io.github.voicechat.testkit.ChatCompletionServer;
import io.github.voicechat.testkit.ChatCompletionServer.Reply;
import io.github.voicechat.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What a person waits for when the bot's answer comes from a language model: {@code talk} on the real clock with the
 * real engines (silero-vad-v6, sphinx-en-us, freetts-kevin16), {@link LlmResponder} and a local OpenAI-compatible
 * server ({@link ChatCompletionServer}) streaming at a fixed token rate, over real HTTP through LangChain4j's OpenAI
 * client.
 *
 * <p>The user (a second FreeTTS voice) says "good morning" and pauses (a fresh recogniser's first utterance is
 * slow), asks about the weather, asks for the news and interrupts the long answer with "stop that please", then says
 * goodbye.
 * Each turn's wait from the end of the user's speech to the first bot sample is split into:
 * <ol>
 *   <li><b>end of turn</b>: end of speech (audio time on the paced source) to the session's end-of-turn decision
 *       (the silence rule: 500 ms by default, plus VAD and tick granularity);</li>
 *   <li><b>ASR</b>: decision to the transcript reaching the session (which hands it to the responder);</li>
 *   <li><b>TTFT</b>: to the model's first token (request, HTTP, the server's first-token delay);</li>
 *   <li><b>clause</b>: first token to the first complete clause handed to synthesis;</li>
 *   <li><b>TTS</b>: to the synthesizer's first audio;</li>
 *   <li><b>playout</b>: to the first frame with that audio written to the sink (queueing and the 20 ms tick).</li>
 * </ol>
 * plus the first <em>audible</em> sample (peak over 0.01; FreeTTS begins with near-silence) and, for the barge-in,
 * the confirmed interruption to the server seeing the stream closed. The first session runs in a fresh JVM (its
 * first turn is the cold start); later sessions are warm.
 *
 * <p>Run (from the repository root, on a quiet machine):
 * {@code java -XX:+UseParallelGC -Xmx1g -cp benchmarks/target/benchmarks.jar
 * io.github.voicechat.benchmarks.LlmLatencyBenchmark [sessions=3] [tokenMs=30] [firstTokenMs=200]}
 * ({@code -Dllmbench.asrS=0.5} on a quiet machine places the lines closer, as a user would).
 */
public final class LlmLatencyBenchmark {

    static final String[] LINES = {
        "good morning", // Sphinx hears FreeTTS's "hello" alone as nothing, and then no model is asked
        "what is the weather like today",
        "please read me the news about the harbour",
        "stop that please",
        "thank you goodbye",
    };
    /** The model's answers to {@link #LINES}, chosen by {@link #answer} from what the recogniser heard. */
    static final String[] ANSWERS = {
        "Hello! How can I help you today?",
        "It is sunny and mild today, with a light breeze from the sea.",
        // Long enough (about 200 tokens) to be still streaming when the user interrupts it.
        "Here is the news. The harbour opens a new pier next week. The ferries will run every hour all summer,"
            + " and the old fish market becomes a concert hall. In sport, the rowing club won the regatta for the"
            + " third year running. The town council met on Tuesday to discuss the new cycle paths along the"
            + " river, which will connect the station with the university and the hospital by the end of next"
            + " year. The library extends its opening hours in the evenings, and the museum shows a collection of"
            + " old maps of the coast, some of them more than three hundred years old. Tickets for the summer"
            + " festival go on sale on Monday morning, and the organisers expect more visitors than ever before."
            + " And finally, the weather stays fine until the weekend, with light winds and a little rain on"
            + " Sunday evening.",
        "Okay, I stopped.",
        "You are welcome. Goodbye!",
    };
    static final int INTERRUPTED = 2;
    static final int OUT_RATE = 48_000;
    static final double COLD_PAUSE_S = 7.0;
    /**
     * Time allowed for the recogniser when placing the user's next line ({@code -Dllmbench.asrS}, default 1.0 s; on
     * a quiet machine Sphinx needs 0.1-0.3 s, on a busy one seconds).
     */
    static final double ASR_ALLOWANCE_S = Double.parseDouble(System.getProperty("llmbench.asrS", "1.0"));

    /**
     * The scripted model: picks the answer by keywords of what the recogniser heard (Sphinx mishears some words),
     * so that a turn lost or split on the way does not shift the answers of the turns after it.
     */
    static String answer(String heard) {
        String t = heard.toLowerCase(Locale.ROOT);
        if (t.contains("weather") || t.contains("today")) {
            return ANSWERS[1];
        }
        if (t.contains("news") || t.contains("harbo") || t.contains("read")) {
            return ANSWERS[2];
        }
        if (t.contains("thank") || t.contains("bye")) {
            return ANSWERS[4];
        }
        if (t.contains("morning") || t.contains("hello")) {
            return ANSWERS[0];
        }
        return ANSWERS[3]; // "stop that please", however it was heard
    }

    private LlmLatencyBenchmark() {
    }

    record Script(int rateHz, float[] samples) {
    }

    /** The user's side, with each answer's room planned from the answer's own length in the bot's voice. */
    static Script script(EngineProvider<SpeechSynthesizer> provider, long tokenMs, long firstTokenMs) {
        EngineOptions userVoice = EngineOptions.EMPTY.with("pitch", "150").with("rate", "170");
        int rate;
        float[][] lines = new float[LINES.length][];
        double[] answerS = new double[ANSWERS.length];
        try (SpeechSynthesizer user = provider.create(userVoice);
             SpeechSynthesizer bot = provider.create(EngineOptions.EMPTY)) {
            rate = user.sampleRateHz();
            for (int i = 0; i < LINES.length; i++) {
                lines[i] = RealPipelineBenchmark.trim(RealPipelineBenchmark.render(user, LINES[i]));
                answerS[i] = RealPipelineBenchmark.render(bot, ANSWERS[i]).length / (double) bot.sampleRateHz();
            }
        }
        // Until the bot speaks: the silence rule and a tick, the recogniser, the first token and a first clause of
        // about ten tokens.
        double lead = TurnPolicy.defaults().minSilenceMs() / 1000.0 + 0.06 + ASR_ALLOWANCE_S
                + (firstTokenMs + 10 * tokenMs) / 1000.0;
        float[] out = new float[rate * 120];
        int len = (int) (0.8 * rate);
        for (int i = 0; i < LINES.length; i++) {
            System.arraycopy(lines[i], 0, out, len, lines[i].length);
            len += lines[i].length;
            double end = len / (double) rate;
            double next;
            if (i == 0) {
                next = end + COLD_PAUSE_S;
            } else if (i == INTERRUPTED) {
                next = end + lead + 1.0; // a second into the news, while the model still streams it
            } else {
                next = end + lead + answerS[i] + 1.2;
            }
            len = (int) (next * rate);
        }
        return new Script(rate, Arrays.copyOf(out, len));
    }

    /** An event and the System.nanoTime() at which the session emitted it. */
    record Stamped(SessionEvent event, long nanos) {
    }

    /** One turn's split, in ms. */
    record Split(int session, int turn, double endOfTurn, double asr, double ttft, double clause, double tts,
            double playout, double total, double audible, double streamClosedAfterConfirm, String transcript) {
    }

    public static void main(String[] args) throws Exception {
        int sessions = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        long tokenMs = args.length > 1 ? Long.parseLong(args[1]) : 30;
        long firstTokenMs = args.length > 2 ? Long.parseLong(args[2]) : 200;
        System.out.printf(Locale.ROOT, "java %s, %d cpus, max heap %d MB, load average %s; model: first token after"
                        + " %d ms, then one token every %d ms (%.0f tokens/s)%n", System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20,
                PipelineBenchmark.loadAverage(), firstTokenMs, tokenMs, 1000.0 / tokenMs);
        EngineProvider<VoiceActivityDetector> vad = Engines.find(VoiceActivityDetector.class, "silero-vad-v6");
        EngineProvider<SpeechRecognizer> asr = Engines.find(SpeechRecognizer.class, "sphinx-en-us");
        EngineProvider<SpeechSynthesizer> tts = Engines.find(SpeechSynthesizer.class, "freetts-kevin16");
        Script script = script(tts, tokenMs, firstTokenMs);
        System.out.printf(Locale.ROOT, "script: %.1f s of user audio per session, %.1f s allowed for the recogniser%n",
                script.samples().length / (double) script.rateHz(), ASR_ALLOWANCE_S);

        List<Split> all = new ArrayList<>();
        try (ChatCompletionServer server = ChatCompletionServer.start()) {
            server.fallback(request -> Reply.text(answer(request.lastUserText()))
                    .withFirstTokenDelayMs(firstTokenMs).withTokenDelayMs(tokenMs));
            LlmResponder responder = LlmResponder.builder(
                    OpenAiCompatible.streamingModel(server.baseUrl(), "scripted", null)).build();
            for (int s = 1; s <= sessions; s++) {
                List<Stamped> events = new CopyOnWriteArrayList<>();
                List<TimedSynthesizer> synths = new CopyOnWriteArrayList<>();
                VoicePipeline pipeline = VoicePipeline.builder()
                        .vad(() -> vad.create(EngineOptions.EMPTY))
                        .asr(() -> asr.create(EngineOptions.EMPTY))
                        .tts(() -> {
                            TimedSynthesizer t = new TimedSynthesizer(tts.create(EngineOptions.EMPTY));
                            synths.add(t);
                            return t;
                        })
                        .responder(responder)
                        .clock(Clock.system())
                        .outputSampleRateHz(OUT_RATE)
                        .listener(e -> events.add(new Stamped(e, System.nanoTime())))
                        .build();
                int maxWrites = (int) (script.samples().length / (double) script.rateHz() * 50) + 3000;
                TimingSink sink = new TimingSink(maxWrites);
                int requestsBefore = server.requests().size();
                String loadBefore = PipelineBenchmark.loadAverage();
                SessionReport report;
                try (VoiceSession session = pipeline.openSession(
                        AudioSources.memory(script.rateHz(), script.samples()), sink)) {
                    session.start();
                    if (!session.awaitTermination(Duration.ofMinutes(5))) {
                        throw new IllegalStateException("session " + s + " did not end within 5 minutes");
                    }
                    report = session.report();
                }
                List<ChatCompletionServer.Request> requests =
                        server.requests().subList(requestsBefore, server.requests().size());
                System.out.printf(Locale.ROOT, "%n== session %d%s, load average before %s, after %s: %d turns, %d"
                                + " barge-ins, %d model requests, end: %s%n", s, s == 1 ? " (fresh JVM)" : "",
                        loadBefore, PipelineBenchmark.loadAverage(), report.turns().size(), report.bargeIns(),
                        requests.size(), report.endReason());
                events.stream().filter(e -> e.event() instanceof SessionEvent.EngineError)
                        .forEach(e -> System.out.println("   ERROR " + e.event()));
                List<Split> splits = analyse(s, report, events, synths.isEmpty() ? null : synths.get(0), sink,
                        requests);
                print(splits);
                all.addAll(splits);
            }
        }
        summary(all);
    }

    static List<Split> analyse(int session, SessionReport report, List<Stamped> events, TimedSynthesizer synth,
            TimingSink sink, List<ChatCompletionServer.Request> requests) throws Exception {
        long startNanos = events.stream().filter(e -> e.event() instanceof SessionEvent.StateChanged c
                && c.to() == SessionState.LISTENING && c.atMs() == 0).findFirst().orElseThrow().nanos();
        List<Split> out = new ArrayList<>();
        for (TurnReport t : report.turns()) {
            Stamped ended = find(events, SessionEvent.UserSpeechEnded.class, t.turn());
            Stamped transcript = find(events, SessionEvent.TranscriptReady.class, t.turn());
            if (ended == null || transcript == null || Double.isNaN(t.modelFirstTokenMs())) {
                // No model answer: the transcript was empty, or the user spoke again before any answer was heard.
                out.add(new Split(session, t.turn(), Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                        Double.NaN, Double.NaN, Double.NaN, Double.NaN, t.transcript() + (t.bargedIn()
                        ? " [no answer: the user spoke again first]" : " [no answer]")));
                continue;
            }
            long speechEnd = startNanos + Math.round(t.userEndS() * 1e9);
            long decision = ended.nanos();
            long firstToken = decision + Math.round(t.modelFirstTokenMs() * 1e6);
            long firstClause = decision + Math.round(t.modelFirstClauseMs() * 1e6);
            long[] call = synth == null ? null : synth.firstCallAfter(firstClause - 1_000_000);
            long ttsFirst = call == null || call[1] == 0 ? 0 : call[1];
            double playout = Double.NaN;
            double total = Double.NaN;
            double audible = Double.NaN;
            if (ttsFirst != 0) {
                int k = firstWriteAfter(sink, ttsFirst, 0f);
                if (k >= 0) {
                    playout = (sink.writeNanos[k] - ttsFirst) / 1e6;
                    total = (sink.writeNanos[k] - speechEnd) / 1e6;
                    int a = firstWriteAfter(sink, sink.writeNanos[k], 0.01f);
                    audible = a < 0 ? Double.NaN : (sink.writeNanos[a] - speechEnd) / 1e6;
                }
            }
            double closed = Double.NaN;
            Stamped confirm = events.stream().filter(e -> e.event() instanceof SessionEvent.BargeInConfirmed c
                    && c.turn() == t.turn()).findFirst().orElse(null);
            if (confirm != null) {
                for (ChatCompletionServer.Request r : requests) {
                    if (r.receivedNanos() >= transcript.nanos() && r.receivedNanos() <= confirm.nanos()
                            && r.awaitOutcome(Duration.ofSeconds(10)) == ChatCompletionServer.Outcome.DISCONNECTED) {
                        closed = (r.endedNanos().get() - confirm.nanos()) / 1e6;
                    }
                }
            }
            out.add(new Split(session, t.turn(), (decision - speechEnd) / 1e6,
                    (transcript.nanos() - decision) / 1e6, (firstToken - transcript.nanos()) / 1e6,
                    (firstClause - firstToken) / 1e6, ttsFirst == 0 ? Double.NaN : (ttsFirst - firstClause) / 1e6,
                    playout, total, audible, closed, t.transcript()));
        }
        return out;
    }

    private static Stamped find(List<Stamped> events, Class<? extends SessionEvent> type, int turn) {
        return events.stream().filter(e -> type.isInstance(e.event()) && turnOf(e.event()) == turn).findFirst()
                .orElse(null);
    }

    private static int turnOf(SessionEvent e) {
        if (e instanceof SessionEvent.UserSpeechEnded u) {
            return u.turn();
        }
        if (e instanceof SessionEvent.TranscriptReady t) {
            return t.turn();
        }
        return -1;
    }

    /** The first sink write at or after {@code nanos} whose peak exceeds {@code threshold}, or -1. */
    private static int firstWriteAfter(TimingSink sink, long nanos, float threshold) {
        for (int k = 0; k < Math.min(sink.writes, sink.writeNanos.length); k++) {
            if (sink.writeNanos[k] >= nanos && sink.peak[k] > threshold) {
                return k;
            }
        }
        return -1;
    }

    static void print(List<Split> splits) {
        System.out.println("  turn  end-of-turn     ASR    TTFT  clause     TTS  playout  = first sample  audible"
                + "  confirm->closed  transcript");
        for (Split s : splits) {
            System.out.printf(Locale.ROOT, "  %4d %12.0f %7.0f %7.0f %7.0f %7.1f %8.1f %15.0f %8.0f %16.2f  \"%s\"%n",
                    s.turn(), s.endOfTurn(), s.asr(), s.ttft(), s.clause(), s.tts(), s.playout(), s.total(),
                    s.audible(), s.streamClosedAfterConfirm(), s.transcript());
        }
    }

    /** Medians and maxima over the warm turns (all but the first turn of the first, fresh-JVM session). */
    static void summary(List<Split> all) {
        List<Split> warm = all.stream().filter(s -> !(s.session() == 1 && s.turn() == 1)).toList();
        System.out.printf(Locale.ROOT, "%n== warm turns: %d (median / max, ms)%n", warm.size());
        String[] names = {"end of turn", "ASR", "TTFT", "first clause", "TTS first frame", "playout",
            "end of speech -> first bot sample", "end of speech -> first audible sample", "barge-in confirm -> "
                + "stream closed"};
        for (int i = 0; i < names.length; i++) {
            int field = i;
            double[] v = warm.stream().mapToDouble(s -> switch (field) {
                case 0 -> s.endOfTurn();
                case 1 -> s.asr();
                case 2 -> s.ttft();
                case 3 -> s.clause();
                case 4 -> s.tts();
                case 5 -> s.playout();
                case 6 -> s.total();
                case 7 -> s.audible();
                default -> s.streamClosedAfterConfirm();
            }).filter(d -> !Double.isNaN(d)).sorted().toArray();
            System.out.printf(Locale.ROOT, "  %-40s %8.1f / %8.1f  (n = %d)%n", names[i],
                    v.length == 0 ? Double.NaN : v[v.length / 2], v.length == 0 ? Double.NaN : v[v.length - 1],
                    v.length);
        }
        all.stream().filter(s -> s.session() == 1 && s.turn() == 1 && !Double.isNaN(s.total())).findFirst()
                .ifPresent(s -> System.out.printf(Locale.ROOT, "fresh JVM, first turn: end of turn %.0f, ASR %.0f,"
                        + " TTFT %.0f, first clause %.0f, TTS %.1f, playout %.1f = first sample %.0f ms (audible %.0f"
                        + " ms)%n", s.endOfTurn(), s.asr(), s.ttft(), s.clause(), s.tts(), s.playout(), s.total(),
                        s.audible()));
        System.out.printf(Locale.ROOT, "load average at the end %s%n", PipelineBenchmark.loadAverage());
    }
}
