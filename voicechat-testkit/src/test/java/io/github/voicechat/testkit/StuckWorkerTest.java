package io.github.voicechat.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.voicechat.Responder;
import io.github.voicechat.SessionEvent;
import io.github.voicechat.SessionReport;
import io.github.voicechat.TurnReport;
import io.github.voicechat.VoicePipeline;
import io.github.voicechat.VoiceSession;
import io.github.voicechat.audio.AudioSinks;
import io.github.voicechat.audio.AudioSources;
import io.github.voicechat.spi.SpeechRecognizer;
import io.github.voicechat.spi.Transcript;
import io.github.voicechat.time.Clock;
import io.github.voicechat.time.SessionTime;
import io.github.voicechat.time.VirtualClock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A stuck or dead worker — responder, synthesizer or recogniser — is interrupted, abandoned or replaced so the next
 * turn answers on time; an error that the JVM survives fails only its turn; a thread that will not end is reported.
 * On the virtual clock (engine timeout 2 s) every one of these moments is exact: two turns, 0.5-1.5 s (its end found
 * on the tick at 1.98 s) and 5.0-6.0 s (found at 6.48 s, answered at 6.5 s when all is well).
 */
class StuckWorkerTest {

    private static final int OUT_RATE = 48_000;
    private static final Duration FOREVER = Duration.ofHours(1);

    private final List<SessionEvent> events = new CopyOnWriteArrayList<>();

    private static Scenario twoTurns() {
        return Scenario.at(16_000).silence(500).speech("u1", 1000).silence(3500).speech("u2", 1000).silence(2000);
    }

    private SessionReport run(VoicePipeline.Builder builder, Scenario user) throws InterruptedException {
        VoicePipeline pipeline = builder.vad(EnergyVad::new).engineTimeoutMs(2_000).listener(events::add).build();
        try (VoiceSession session = pipeline.openSession(
                AudioSources.memory(user.sampleRateHz(), user.samples()), AudioSinks.memory(OUT_RATE))) {
            session.start();
            assertThat(session.awaitTermination(Duration.ofSeconds(60))).isTrue();
            return session.report();
        }
    }

    private static VoicePipeline.Builder virtual(Responder responder) {
        return VoicePipeline.builder().clock(new VirtualClock()).asr(() -> ScriptedRecognizer.of("one", "two"))
                .tts(SineSynthesizer::new).responder(responder);
    }

    private <T extends SessionEvent> List<T> all(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static Set<String> voicechatThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("voicechat-")).collect(Collectors.toSet());
    }

    /** Answers "Second answer." from its second call on; its first call is {@code first}. */
    private interface FirstCall {
        void run(io.github.voicechat.ResponseSink sink) throws Exception;
    }

    private static Responder failingFirst(FirstCall first, List<String> threads) {
        AtomicInteger calls = new AtomicInteger();
        return (request, sink) -> {
            threads.add(Thread.currentThread().getName());
            if (calls.incrementAndGet() == 1) {
                first.run(sink);
            } else {
                sink.text("Second answer.");
            }
        };
    }

    private static void assertSecondTurnOnTime(SessionReport report) {
        assertThat(report.turns()).hasSize(2);
        TurnReport second = report.turns().get(1);
        assertThat(second.transcript()).isEqualTo("two");
        assertThat(second.playedText()).isEqualTo("Second answer.");
        assertThat(second.firstAudioLatencyMs()).isEqualTo(500.0);
    }

    @Test
    void aResponderThatBlocksIsAbandonedAfterTheTimeoutAndTheNextTurnIsAnsweredOnTime() throws Exception {
        List<String> threads = new CopyOnWriteArrayList<>();
        Responder blocking = failingFirst(sink -> SessionTime.sleep(FOREVER), threads);
        SessionReport report = run(virtual(blocking), twoTurns());

        // Submitted at 1.98 s; no progress for 2 s: given up at 3.98 s, exactly.
        assertThat(all(SessionEvent.EngineError.class)).extracting(e -> e.engine() + ": " + e.message() + " @" + e.atMs())
                .containsExactly("responder: responder made no progress for 2000 ms @3980.0");
        TurnReport first = report.turns().get(0);
        assertThat(first.transcript()).isEqualTo("one");
        assertThat(first.playedText()).isEmpty();
        assertSecondTurnOnTime(report);
        // The stuck thread honoured the interrupt: nothing leaked, and turn 2 ran on its replacement.
        assertThat(all(SessionEvent.ThreadLeaked.class)).isEmpty();
        assertThat(threads).hasSize(2);
        assertThat(threads.get(1)).isNotEqualTo(threads.get(0)).endsWith("-respond-2");
    }

    @Test
    void aResponderThatIgnoresTheInterruptIsReportedAsALeakedThreadAndEndsWithTheSession() throws Exception {
        Set<String> before = voicechatThreads();
        List<String> threads = new CopyOnWriteArrayList<>();
        Responder deaf = failingFirst(sink -> {
            while (true) {
                try {
                    SessionTime.sleep(FOREVER);
                } catch (InterruptedException e) {
                    // a responder that ignores interruption; only the end of the session frees it
                }
            }
        }, threads);
        SessionReport report = run(virtual(deaf), twoTurns());

        assertThat(all(SessionEvent.ThreadLeaked.class)).singleElement().satisfies(e -> {
            assertThat(e.thread()).isEqualTo(threads.get(0));
            assertThat(e.engine()).isEqualTo("responder");
            assertThat(e.atMs()).isEqualTo(3980.0);
        });
        assertSecondTurnOnTime(report);
        assertThat(voicechatThreads()).isEqualTo(before); // the session's end released it
    }

    @Test
    void aStackOverflowInTheResponderFailsOnlyItsTurnAndTheSameThreadAnswersTheNext() throws Exception {
        List<String> threads = new CopyOnWriteArrayList<>();
        Responder overflowing = failingFirst(sink -> {
            throw new StackOverflowError("deep recursion");
        }, threads);
        SessionReport report = run(virtual(overflowing), twoTurns());

        assertThat(all(SessionEvent.EngineError.class)).extracting(e -> e.engine() + ": " + e.message())
                .containsExactly("response for turn 1: deep recursion");
        assertThat(report.turns().get(0).playedText()).isEmpty();
        assertSecondTurnOnTime(report);
        assertThat(threads).hasSize(2).allMatch(t -> t.equals(threads.get(0)));
        assertThat(all(SessionEvent.ThreadLeaked.class)).isEmpty();
    }

    @Test
    void aFatalErrorEndsTheRespondThreadWhichIsReplacedForTheNextTurn() throws Exception {
        List<String> threads = new CopyOnWriteArrayList<>();
        Responder fatal = failingFirst(sink -> {
            throw new InternalError("the JVM is not well");
        }, threads);
        SessionReport report = run(virtual(fatal), twoTurns());

        // The dead worker is found on the tick its job failed (1.98 s, the tick the transcript came).
        assertThat(all(SessionEvent.EngineError.class)).extracting(e -> e.engine() + " @" + e.atMs())
                .containsExactly("tts @1980.0");
        assertThat(all(SessionEvent.EngineError.class).get(0).message())
                .isEqualTo("response worker died: java.lang.InternalError: the JVM is not well");
        assertSecondTurnOnTime(report);
        assertThat(threads.get(1)).endsWith("-respond-2");
    }

    @Test
    void aResponderStuckInACancelledAnswerDoesNotDelayTheNextAnswer() throws Exception {
        // The user barges into a ten-word answer at 2.4 s (confirmed at 2.58 s); the responder, after its first
        // sentence, blocks without looking at the cancellation. The interruption ends at 3.4 s, found at 3.88 s:
        // its answer goes to a fresh worker at once and plays at 3.9 s, 500 ms after the user stopped.
        List<String> threads = new CopyOnWriteArrayList<>();
        Responder stuck = failingFirst(sink -> {
            sink.text("One two three four five six seven eight nine ten. ");
            SessionTime.sleep(FOREVER);
        }, threads);
        Scenario user = Scenario.at(16_000).silence(500).speech("u1", 1000).silence(900).speech("u2", 1000)
                .silence(1500);
        SessionReport report = run(virtual(stuck), user);

        assertThat(report.turns()).hasSize(2);
        assertThat(report.turns().get(0).bargedIn()).isTrue();
        assertThat(report.turns().get(0).playedText()).isEqualTo("One two");
        TurnReport second = report.turns().get(1);
        assertThat(second.playedText()).isEqualTo("Second answer.");
        assertThat(second.firstAudioLatencyMs()).isEqualTo(500.0);
        assertThat(threads.get(1)).endsWith("-respond-2");
        assertThat(events).noneMatch(e -> e instanceof SessionEvent.EngineError || e instanceof SessionEvent.ThreadLeaked);
    }

    @Test
    void aRecogniserThatHangsIsReplacedTheTurnEndsUnheardAndTheNextIsTranscribed() throws Exception {
        AtomicInteger made = new AtomicInteger();
        ScriptedRecognizer second = ScriptedRecognizer.of("two");
        SpeechRecognizer hanging = hangingRecognizer();
        VoicePipeline.Builder b = VoicePipeline.builder().clock(new VirtualClock())
                .asr(() -> made.getAndIncrement() == 0 ? hanging : second)
                .tts(SineSynthesizer::new).responder(ScriptedResponder.of("First answer.", "Second answer."));
        SessionReport report = run(b, twoTurns());

        assertThat(made.get()).isEqualTo(2);
        assertThat(all(SessionEvent.EngineError.class)).extracting(e -> e.engine() + ": " + e.message() + " @" + e.atMs())
                .containsExactly("asr: asr made no progress for 2000 ms @3980.0");
        assertThat(all(SessionEvent.ThreadLeaked.class)).extracting(e -> e.engine() + " @" + e.atMs())
                .containsExactly("asr @3980.0");
        assertThat(all(SessionEvent.TranscriptReady.class)).extracting(e -> e.text() + " @" + e.atMs())
                .containsExactly(" @3980.0", "two @6480.0");
        assertThat(report.turns()).hasSize(2);
        assertThat(report.turns().get(0).transcript()).isEmpty();
        assertThat(report.turns().get(0).playedText()).isEmpty();
        TurnReport t2 = report.turns().get(1);
        assertThat(t2.transcript()).isEqualTo("two");
        assertThat(t2.playedText()).isEqualTo("First answer.");
        assertThat(t2.firstAudioLatencyMs()).isEqualTo(500.0);
        // The replacement heard the whole second utterance: pre-roll, speech and the silence that ended it.
        assertThat(second.utteranceSamples()).containsExactly((long) (1.8 * 16_000));
    }

    /** A decoder stuck in native code, deaf to interrupts, once it is asked for a transcript. */
    private static SpeechRecognizer hangingRecognizer() {
        return new SpeechRecognizer() {
            @Override
            public int sampleRateHz() {
                return 16_000;
            }

            @Override
            public void accept(float[] samples, int offset, int length) {
            }

            @Override
            public Transcript finish() {
                while (true) {
                    try {
                        SessionTime.sleep(FOREVER);
                    } catch (InterruptedException e) {
                        // ignored
                    }
                }
            }

            @Override
            public void cancel() {
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void aReplacementRecogniserThatLoadsLongerThanTheTimeoutIsNotReplacedAgainAndTranscribesTheNextTurn()
            throws Exception {
        // The replacement takes 3 s to load (a model load on a busy machine), longer than the 2 s engine timeout,
        // and the second utterance (5.0-6.0 s) arrives while it loads. A load is not a stall: before, the session
        // replaced the loading recogniser at 5980 ms, and under real load (Sphinx's 10-20 s) over and over.
        AtomicInteger made = new AtomicInteger();
        ScriptedRecognizer second = ScriptedRecognizer.of("two");
        VoicePipeline.Builder b = VoicePipeline.builder().clock(new VirtualClock())
                .asr(() -> {
                    if (made.getAndIncrement() == 0) {
                        return hangingRecognizer();
                    }
                    try {
                        SessionTime.sleep(Duration.ofMillis(3_000));
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return second;
                })
                .tts(SineSynthesizer::new).responder(ScriptedResponder.of("First answer.", "Second answer."));
        SessionReport report = run(b, twoTurns());

        assertThat(made.get()).isEqualTo(2);
        assertThat(all(SessionEvent.EngineError.class)).extracting(e -> e.engine() + ": " + e.message() + " @" + e.atMs())
                .containsExactly("asr: asr made no progress for 2000 ms @3980.0");
        assertThat(report.turns()).hasSize(2);
        TurnReport t2 = report.turns().get(1);
        assertThat(t2.transcript()).isEqualTo("two");
        assertThat(t2.playedText()).isEqualTo("First answer.");
        // Transcribed once loaded, not at the turn's end (6480 ms) as when all is well: the load is what the turn
        // waited for. The load's 3 virtual seconds count from when the new thread binds to the lockstep gate, which
        // races with the session's ticks (the replacement is started at 3980 ms, work reaches it at 5080 ms), so
        // the moment lies between 3980 + 3000 and 5080 + 3000 ms.
        List<SessionEvent.TranscriptReady> transcripts = all(SessionEvent.TranscriptReady.class);
        assertThat(transcripts).extracting(SessionEvent.TranscriptReady::text).containsExactly("", "two");
        assertThat(transcripts.get(1).atMs()).isBetween(6980.0, 8080.0);
        assertThat(second.utteranceSamples()).containsExactly((long) (1.8 * 16_000));
    }

    @Test
    void aReplacementThatNeverLoadsIsReplacedAfterFourEngineTimeouts() throws Exception {
        AtomicInteger made = new AtomicInteger();
        ScriptedRecognizer third = ScriptedRecognizer.of("two");
        VoicePipeline.Builder b = VoicePipeline.builder().clock(new VirtualClock())
                .asr(() -> {
                    int n = made.getAndIncrement();
                    if (n == 0) {
                        return hangingRecognizer();
                    }
                    if (n == 1) {
                        try {
                            SessionTime.sleep(FOREVER); // a native load that hangs
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                    return third;
                })
                .tts(SineSynthesizer::new).responder(ScriptedResponder.of("First answer.", "Second answer."));
        Scenario user = Scenario.at(16_000).silence(500).speech("u1", 1000).silence(3500).speech("u2", 1000)
                .silence(10_000);
        SessionReport report = run(b, user);

        assertThat(made.get()).isEqualTo(3);
        assertThat(all(SessionEvent.EngineError.class)).extracting(e -> e.engine() + ": " + e.message() + " @" + e.atMs())
                .containsExactly("asr: asr made no progress for 2000 ms @3980.0",
                        // the clock starts when work reaches the loading replacement (the second utterance's onset,
                        // 5080 ms), not while it has nothing to do: 5080 + 4 x 2000 ms
                        "asr: the replacement asr did not load in 8000 ms @13080.0");
        assertThat(report.turns()).hasSize(2);
    }

    @Test
    void onTheRealClockAStuckResponderIsAbandonedAndReportedOnceItOutlivesItsGrace() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Responder deaf = (request, sink) -> {
            while (release.getCount() > 0) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    // ignores interruption; the test releases it at the end
                }
            }
        };
        Set<String> before = voicechatThreads();
        // The stall is due about 2.1 s in and the leak 1 s later; the source runs 1.5 s past that, so a transcript late
        // by a few ticks on a loaded machine cannot end the session (which reports a leak at once) before the grace.
        Scenario user = Scenario.at(16_000).silence(200).speech("u1", 400).silence(4500);
        VoicePipeline.Builder b = VoicePipeline.builder().clock(Clock.system())
                .asr(() -> ScriptedRecognizer.of("one")).tts(SineSynthesizer::new).responder(deaf);
        // A second of engine timeout: on a machine this loaded, a healthy thread is never starved that long.
        VoicePipeline pipeline = b.vad(EnergyVad::new).engineTimeoutMs(1_000).listener(events::add).build();
        try (VoiceSession session = pipeline.openSession(
                AudioSources.memory(16_000, user.samples()), AudioSinks.memory(OUT_RATE))) {
            session.start();
            assertThat(session.awaitTermination(Duration.ofSeconds(30))).isTrue();
            assertThat(session.report().endReason()).isEqualTo("source ended");
        }
        // Given up 1 s (50 ticks) after the answer was due; still running 1 s (50 ticks) later: leaked.
        assertThat(all(SessionEvent.EngineError.class)).extracting(SessionEvent.EngineError::engine)
                .containsExactly("responder");
        SessionEvent.EngineError error = all(SessionEvent.EngineError.class).get(0);
        assertThat(error.message()).isEqualTo("responder made no progress for 1000 ms");
        SessionEvent.ThreadLeaked leak = all(SessionEvent.ThreadLeaked.class).get(0);
        assertThat(leak.atMs() - error.atMs()).isEqualTo(1000.0);
        assertThat(all(SessionEvent.ThreadLeaked.class)).hasSize(1);
        Thread leaked = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(leak.thread()))
                .findFirst().orElseThrow();
        release.countDown();
        leaked.join(10_000); // once its engine lets go, the abandoned thread ends by itself
        assertThat(leaked.isAlive()).isFalse();
        assertThat(voicechatThreads()).isEqualTo(before);
    }
}
