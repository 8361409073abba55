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
import io.github.voicechat.time.VirtualClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The responder's side of the latency trace and of recovered failures ({@code ResponseSink} default methods). */
class ResponderTraceTest {

    private final List<SessionEvent> events = new CopyOnWriteArrayList<>();

    private SessionReport run(Scenario user, ScriptedRecognizer asr, Responder responder) throws Exception {
        VoicePipeline pipeline = VoicePipeline.builder().vad(EnergyVad::new).asr(() -> asr)
                .tts(SineSynthesizer::new).responder(responder).clock(new VirtualClock()).listener(events::add)
                .build();
        try (VoiceSession session = pipeline.openSession(AudioSources.memory(16_000, user.samples()),
                AudioSinks.memory(48_000))) {
            session.start();
            assertThat(session.awaitTermination(Duration.ofSeconds(60))).isTrue();
            return session.report();
        }
    }

    @Test
    void aModelResponderReportsItsFirstTokenAndEveryResponderItsFirstClause() throws Exception {
        Scenario user = Scenario.at(16_000).silence(500).speech("u1", 600).silence(1500).speech("u2", 600)
                .silence(1500);
        AtomicInteger calls = new AtomicInteger();
        Responder responder = (request, sink) -> {
            if (calls.incrementAndGet() == 1) {
                sink.firstToken();
                sink.firstToken(); // only the first counts
            }
            sink.text("Fine. ");
        };

        SessionReport report = run(user, ScriptedRecognizer.of("one", "two"), responder);

        TurnReport modelTurn = report.turns().get(0);
        assertThat(modelTurn.modelFirstTokenMs()).isGreaterThanOrEqualTo(0.0);
        assertThat(modelTurn.modelFirstClauseMs()).isGreaterThanOrEqualTo(modelTurn.modelFirstTokenMs());
        // A responder that reports no token still has its first clause timed; the token stays NaN.
        TurnReport plainTurn = report.turns().get(1);
        assertThat(plainTurn.modelFirstTokenMs()).isNaN();
        assertThat(plainTurn.modelFirstClauseMs()).isGreaterThanOrEqualTo(0.0);
        assertThat(plainTurn.playedText()).isEqualTo("Fine.");
    }

    @Test
    void aRecoveredFailureIsAnEventAndTheTurnGoesOnWithWhatTheResponderSays() throws Exception {
        Scenario user = Scenario.at(16_000).silence(500).speech("u1", 600).silence(1500).speech("u2", 600)
                .silence(1500);
        AtomicInteger calls = new AtomicInteger();
        Responder responder = (request, sink) -> {
            if (calls.incrementAndGet() == 1) {
                sink.reportError(new IllegalStateException("the model is down"));
                sink.text("Sorry.");
            } else {
                sink.text("Better now.");
            }
        };

        SessionReport report = run(user, ScriptedRecognizer.of("one", "two"), responder);

        List<SessionEvent.EngineError> errors = events.stream().filter(SessionEvent.EngineError.class::isInstance)
                .map(SessionEvent.EngineError.class::cast).toList();
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0).engine()).isEqualTo("response for turn 1");
        assertThat(errors.get(0).message()).isEqualTo("the model is down");
        assertThat(report.turns()).extracting(TurnReport::playedText).containsExactly("Sorry.", "Better now.");
    }

    /** A typed turn ({@code submitText}) ends when it arrives: the model's trace is timed from there too. */
    @Test
    void aTypedTurnIsTracedLikeASpokenOne() throws Exception {
        Responder responder = (request, sink) -> {
            sink.firstToken();
            sink.text("Typed back. ");
        };
        VoicePipeline pipeline = VoicePipeline.builder().vad(EnergyVad::new).asr(() -> ScriptedRecognizer.of())
                .tts(SineSynthesizer::new).responder(responder).clock(new VirtualClock()).listener(events::add)
                .build();
        SessionReport report;
        try (VoiceSession session = pipeline.openSession(AudioSources.memory(16_000,
                Scenario.at(16_000).silence(3_000).samples()), AudioSinks.memory(48_000))) {
            session.submitText("hello");
            session.start();
            assertThat(session.awaitTermination(Duration.ofSeconds(60))).isTrue();
            report = session.report();
        }
        assertThat(report.turns()).hasSize(1);
        TurnReport typed = report.turns().get(0);
        assertThat(typed.transcript()).isEqualTo("hello");
        assertThat(typed.playedText()).isEqualTo("Typed back.");
        assertThat(typed.modelFirstTokenMs()).isGreaterThanOrEqualTo(0.0);
        assertThat(typed.modelFirstClauseMs()).isGreaterThanOrEqualTo(typed.modelFirstTokenMs());
    }

    @Test
    void theOlderTurnReportConstructorLeavesTheTraceEmpty() {
        TurnReport r = new TurnReport(1, 0.5, 1.5, "hi", "Hello.", "Hello.", 500, false, Double.NaN, 0);
        assertThat(r.modelFirstTokenMs()).isNaN();
        assertThat(r.modelFirstClauseMs()).isNaN();
    }
}
