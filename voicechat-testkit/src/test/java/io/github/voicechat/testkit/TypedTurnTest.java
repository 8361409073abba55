package io.github.voicechat.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.voicechat.ConversationTurn;
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
import java.util.concurrent.atomic.AtomicReference;
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
