package io.github.voicechat.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.voicechat.SessionEvent;
import io.github.voicechat.SessionListener;
import io.github.voicechat.SessionState;
import io.github.voicechat.VoicePipeline;
import io.github.voicechat.VoiceSession;
import io.github.voicechat.audio.AudioSinks;
import io.github.voicechat.audio.AudioSources;
import io.github.voicechat.time.VirtualClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * What a listener that samples live sessions (a metrics gauge) relies on: it sees each session as it is opened, the
 * session's output queue can be read from any thread, and the end carries the final report.
 */
class SessionObservationTest {

    @Test
    void listenersSeeEachOpenedSessionTheQueueAndTheFinalReport() throws Exception {
        List<VoiceSession> opened = new CopyOnWriteArrayList<>();
        List<SessionEvent> events = new CopyOnWriteArrayList<>();
        int[] queuedAtFirstQueued = {-1};
        SessionListener listener = new SessionListener() {
            @Override
            public void onEvent(SessionEvent event) {
                events.add(event);
                if (event instanceof SessionEvent.FirstAudioQueued) {
                    queuedAtFirstQueued[0] = opened.get(0).queuedOutputFrames();
                }
            }

            @Override
            public void sessionOpened(VoiceSession session) {
                assertThat(session.state()).isEqualTo(SessionState.IDLE);
                opened.add(session);
            }
        };
        VoicePipeline pipeline = VoicePipeline.builder()
                .vad(EnergyVad::new)
                .asr(() -> ScriptedRecognizer.of("hello"))
                .tts(SineSynthesizer::new)
                .responder(ScriptedResponder.of("One two three."))
                .clock(new VirtualClock())
                .listener(listener)
                .build();
        Scenario user = Scenario.at(16_000).silence(500).speech("u1", 1000).silence(2000);
        VoiceSession session = pipeline.openSession(AudioSources.memory(16_000, user.samples()),
                AudioSinks.memory(48_000));
        try (session) {
            assertThat(opened).containsExactly(session);
            assertThat(session.queuedOutputFrames()).isZero();
            session.start();
            assertThat(session.awaitTermination(Duration.ofSeconds(60))).isTrue();
        }
        assertThat(queuedAtFirstQueued[0]).isPositive();
        assertThat(session.queuedOutputFrames()).isZero();
        SessionEvent.SessionEnded end = (SessionEvent.SessionEnded) events.get(events.size() - 1);
        assertThat(end.report()).isEqualTo(session.report());
        assertThat(end.report().turns()).hasSize(1);
        assertThat(end.report().endReason()).isEqualTo(end.reason());

        // A per-session listener (what an edge adds) sees its own session opened too; the pipeline's sees both.
        List<VoiceSession> ownOpened = new CopyOnWriteArrayList<>();
        SessionListener own = new SessionListener() {
            @Override
            public void onEvent(SessionEvent event) {
            }

            @Override
            public void sessionOpened(VoiceSession s) {
                ownOpened.add(s);
            }
        };
        try (VoiceSession second = pipeline.openSession(AudioSources.memory(16_000, new float[1600]),
                AudioSinks.memory(48_000), own)) {
            assertThat(ownOpened).containsExactly(second);
            assertThat(opened).containsExactly(session, second);
        }
    }
}
