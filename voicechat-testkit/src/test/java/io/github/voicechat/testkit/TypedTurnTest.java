package io.github.voicechat.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.voicechat.ConversationTurn;
import io.github.voicechat.SessionEvent;
import io.github.voicechat.SessionReport;
import io.github.voicechat.SessionState;
import io.github.voicechat.TurnReport;
import io.github.voicechat.VoicePipeline;
import io.github.voicechat.VoiceSession;
import io.github.voicechat.audio.AudioSinks;
import io.github.voicechat.audio.AudioSources;
import io.github.voicechat.time.VirtualClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** Typed turns ({@link VoiceSession#submitText}) and per-session listeners, on the virtual clock. */
class TypedTurnTest {

    private static final String LONG_ANSWER = "One two three four five six seven eight nine ten.";

    private final List<SessionEvent> pipelineEvents = new CopyOnWriteArrayList<>();
    private final List<SessionEvent> sessionEvents = new CopyOnWriteArrayList<>();

    @Test
    void aTypedTurnIsAnsweredAndASecondOneInterruptsTheFirstAnswer() throws Exception {
        ScriptedResponder responder = ScriptedResponder.of(LONG_ANSWER, "Okay.");
        VoicePipeline pipeline = VoicePipeline.builder()
                .vad(EnergyVad::new)
                .asr(() -> ScriptedRecognizer.of())
                .tts(SineSynthesizer::new)
                .responder(responder)
                .clock(new VirtualClock())
                .listener(pipelineEvents::add)
                .build();
        float[] silence = Scenario.at(16_000).silence(6_000).samples();
        AtomicReference<VoiceSession> ref = new AtomicReference<>();
        SessionReport report;
        try (VoiceSession session = pipeline.openSession(AudioSources.memory(16_000, silence),
                AudioSinks.memory(48_000), event -> {
                    sessionEvents.add(event);
                    // 400 ms into the first answer, type the second turn (from the session thread: deterministic).
                    if (event instanceof SessionEvent.FirstAudioPlayed f && f.turn() == 1) {
                        ref.get().submitText("  stop  ");
                    }
                })) {
            ref.set(session);
            session.submitText("count to ten");
            session.start();
            assertThat(session.awaitTermination(Duration.ofSeconds(60))).isTrue();
            report = session.report();
            assertThat(session.history()).extracting(ConversationTurn::text)
                    .containsExactly("count to ten", "stop", "Okay.");
        }

        assertThat(report.turns()).hasSize(2);
        TurnReport first = report.turns().get(0);
        assertThat(first.transcript()).isEqualTo("count to ten");
        assertThat(first.bargedIn()).isTrue();
        assertThat(first.playedText()).isEmpty();
        TurnReport second = report.turns().get(1);
        assertThat(second.transcript()).isEqualTo("stop");
        assertThat(second.playedText()).isEqualTo("Okay.");
        assertThat(second.bargedIn()).isFalse();
        assertThat(second.firstAudioLatencyMs()).isGreaterThanOrEqualTo(0.0);
        assertThat(responder.requests()).extracting(r -> r.transcript()).containsExactly("count to ten", "stop");
        assertThat(sessionEvents).filteredOn(e -> e instanceof SessionEvent.TranscriptReady)
                .extracting(e -> ((SessionEvent.TranscriptReady) e).text()).containsExactly("count to ten", "stop");
        // The per-session listener sees exactly what the pipeline's listeners see.
        assertThat(sessionEvents).containsExactlyElementsOf(pipelineEvents);
    }

    /**
     * Runs {@code user} through a virtual-clock session and types {@code typed} from the session thread on the first
     * event that {@code when} accepts (deterministic: the text is applied on that same tick).
     */
    private SessionReport runTyping(Scenario user, ScriptedRecognizer asr, ScriptedResponder responder,
            Predicate<SessionEvent> when, String typed) throws Exception {
        VoicePipeline pipeline = VoicePipeline.builder().vad(EnergyVad::new).asr(() -> asr)
                .tts(SineSynthesizer::new).responder(responder).clock(new VirtualClock()).build();
        AtomicReference<VoiceSession> ref = new AtomicReference<>();
        try (VoiceSession session = pipeline.openSession(AudioSources.memory(16_000, user.samples()),
                AudioSinks.memory(48_000), event -> {
                    boolean first = sessionEvents.stream().noneMatch(when);
                    sessionEvents.add(event);
                    if (first && when.test(event)) {
                        ref.get().submitText(typed);
                    }
                })) {
            ref.set(session);
            session.start();
            assertThat(session.awaitTermination(Duration.ofSeconds(60))).isTrue();
            return session.report();
        }
    }

    private List<SessionState> states() {
        return sessionEvents.stream().filter(e -> e instanceof SessionEvent.StateChanged)
                .map(e -> ((SessionEvent.StateChanged) e).to()).toList();
    }

    @Test
    void aTurnTypedWhileTheUserSpeaksIsRefusedAndTheSpokenTurnIsAnswered() throws Exception {
        Scenario user = Scenario.at(16_000).silence(500).speech("u1", 1000).silence(3000);
        ScriptedResponder responder = ScriptedResponder.of("Heard you.");

        SessionReport report = runTyping(user, ScriptedRecognizer.of("spoken words"), responder,
                e -> e instanceof SessionEvent.UserSpeechStarted, "typed words");

        assertThat(sessionEvents).filteredOn(e -> e instanceof SessionEvent.EngineError)
                .extracting(e -> ((SessionEvent.EngineError) e).engine(), e -> ((SessionEvent.EngineError) e).message())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("text",
                        "typed turn ignored: the user is speaking"));
        assertThat(report.turns()).hasSize(1);
        assertThat(report.turns().get(0).transcript()).isEqualTo("spoken words");
        assertThat(report.turns().get(0).playedText()).isEqualTo("Heard you.");
        assertThat(responder.requests()).extracting(r -> r.transcript()).containsExactly("spoken words");
    }

    @Test
    void aTurnTypedWhileTheSpokenOneIsTranscribedSupersedesItAndKeepsWhatWasSaid() throws Exception {
        Scenario user = Scenario.at(16_000).silence(500).speech("u1", 1000).silence(3000);
        ScriptedRecognizer asr = ScriptedRecognizer.of("spoken words").recognitionDelay(Duration.ofMillis(300));
        ScriptedResponder responder = ScriptedResponder.of("Typed back.");

        SessionReport report = runTyping(user, asr, responder, e -> e instanceof SessionEvent.UserSpeechEnded,
                "typed words");

        // The spoken turn's answer is dropped, but its transcript is recorded when it arrives.
        assertThat(report.turns()).extracting(TurnReport::turn, TurnReport::transcript, TurnReport::playedText,
                TurnReport::bargedIn).containsExactly(
                        org.assertj.core.groups.Tuple.tuple(1, "spoken words", "", true),
                        org.assertj.core.groups.Tuple.tuple(2, "typed words", "Typed back.", false));
        assertThat(responder.requests()).extracting(r -> r.transcript()).containsExactly("typed words");
        // THINKING (transcribing) -> LISTENING -> THINKING (the typed turn): only moves the state table allows.
        assertThat(states()).containsSubsequence(SessionState.LISTENING, SessionState.THINKING,
                SessionState.LISTENING, SessionState.THINKING, SessionState.SPEAKING, SessionState.LISTENING,
                SessionState.TERMINATED);
    }

    @Test
    void aTurnTypedWhileOutputIsHeldOnAPossibleBargeInDropsTheCandidateAndIsAnswered() throws Exception {
        // A 60 ms cough 400 ms into the answer pauses it; the text typed then stops that answer and drops the cough's
        // recognition.
        Scenario user = Scenario.at(16_000).silence(500).speech("u1", 1000).silence(900).speech("cough", 60)
                .silence(3000);
        ScriptedRecognizer asr = ScriptedRecognizer.of("count to ten");
        ScriptedResponder responder = ScriptedResponder.of(LONG_ANSWER, "Okay.");

        SessionReport report = runTyping(user, asr, responder, e -> e instanceof SessionEvent.BargeInPaused,
                "stop");

        assertThat(report.turns()).hasSize(2);
        TurnReport first = report.turns().get(0);
        assertThat(first.transcript()).isEqualTo("count to ten");
        assertThat(first.bargedIn()).isTrue();
        assertThat(first.falseAlarms()).isZero();
        assertThat(first.playedText()).isEqualTo("One two"); // paused after 21 frames: two words heard
        TurnReport second = report.turns().get(1);
        assertThat(second.transcript()).isEqualTo("stop");
        assertThat(second.playedText()).isEqualTo("Okay.");
        // The typed answer starts on the next tick, while the cough still sounds: over it, the cough is a false
        // alarm (paused, released, resumed from where it stopped). The first answer never resumed.
        assertThat(second.falseAlarms()).isEqualTo(1);
        assertThat(sessionEvents).filteredOn(e -> e instanceof SessionEvent.BargeInResumed)
                .extracting(e -> ((SessionEvent.BargeInResumed) e).turn()).containsExactly(2);
        // Both recognitions started on the cough were cancelled, neither answered.
        assertThat(asr.cancelledUtterances()).as("events %s", sessionEvents).isEqualTo(2);
        assertThat(responder.requests()).extracting(r -> r.transcript()).containsExactly("count to ten", "stop");
        assertThat(states()).containsSubsequence(SessionState.SPEAKING, SessionState.BARGED_IN,
                SessionState.LISTENING, SessionState.THINKING, SessionState.SPEAKING, SessionState.BARGED_IN,
                SessionState.SPEAKING, SessionState.LISTENING, SessionState.TERMINATED);
    }

    @Test
    void blankTextIsRefused() {
        VoicePipeline pipeline = VoicePipeline.builder().vad(EnergyVad::new).asr(() -> ScriptedRecognizer.of())
                .tts(SineSynthesizer::new).responder(ScriptedResponder.echo()).build();
        try (VoiceSession session = pipeline.openSession(AudioSources.memory(16_000, new float[320]),
                AudioSinks.discard(48_000), e -> { })) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> session.submitText(" "))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("text");
        }
    }
}
