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
import org.junit.jupiter.api.Test;

/** Whole conversations on the virtual clock with test-kit engines: every latency is exact audio time. */
class PipelineConversationTest {

    private static final int OUT_RATE = 48_000;
    private static final int OUT_FRAME = OUT_RATE / 50;

    private final List<SessionEvent> events = new CopyOnWriteArrayList<>();

    private VoicePipeline pipeline(ScriptedRecognizer asr, ScriptedResponder responder) {
        return VoicePipeline.builder()
                .vad(EnergyVad::new)
                .asr(() -> asr)
                .tts(SineSynthesizer::new)
                .responder(responder)
                .clock(new VirtualClock())
                .listener(events::add)
                .build();
    }

    private SessionReport run(VoicePipeline pipeline, Scenario scenario, AudioSinks.MemorySink sink)
            throws InterruptedException {
        try (VoiceSession session = pipeline.openSession(
                AudioSources.memory(scenario.sampleRateHz(), scenario.samples()), sink)) {
            session.start();
            assertThat(session.awaitTermination(Duration.ofSeconds(60))).isTrue();
            assertThat(session.state()).isEqualTo(SessionState.TERMINATED);
            return session.report();
        }
    }

    @Test
    void twoTurnConversationEndToEnd() throws Exception {
        Scenario user = Scenario.at(16_000).silence(500).speech("u1", 1000).silence(3000).speech("u2", 800)
                .silence(2500);
        ScriptedRecognizer asr = ScriptedRecognizer.of("hello bot", "what time is it");
        ScriptedResponder responder = ScriptedResponder.of("Hello there friend.", "It is noon.");
        AudioSinks.MemorySink sink = AudioSinks.memory(OUT_RATE);

        SessionReport report = run(pipeline(asr, responder), user, sink);

        assertThat(report.endReason()).isEqualTo("source ended");
        assertThat(report.turns()).hasSize(2);
        TurnReport t1 = report.turns().get(0);
        assertThat(t1.userStartS()).isEqualTo(0.5);
        assertThat(t1.userEndS()).isEqualTo(1.5);
        assertThat(t1.transcript()).isEqualTo("hello bot");
        assertThat(t1.responseText()).isEqualTo("Hello there friend.");
        assertThat(t1.playedText()).isEqualTo("Hello there friend.");
        // End of turn is found after minSilenceMs (500) of silence; the first frame plays on the next tick.
        assertThat(t1.firstAudioLatencyMs()).isEqualTo(500.0);
        assertThat(t1.bargedIn()).isFalse();
        TurnReport t2 = report.turns().get(1);
        assertThat(t2.userStartS()).isEqualTo(4.5);
        assertThat(t2.userEndS()).isEqualTo(5.3);
        assertThat(t2.transcript()).isEqualTo("what time is it");
        assertThat(t2.playedText()).isEqualTo("It is noon.");
        assertThat(t2.firstAudioLatencyMs()).isEqualTo(500.0);

        // The bot's audio starts exactly at 2.0 s and lasts 3 words x 200 ms.
        float[] out = sink.samples();
        int start = 2 * OUT_RATE;
        assertThat(lastNonZero(out, 0, start)).isEqualTo(-1);
        assertSine(out, start, 0, 600 * 48);
        assertThat(lastNonZero(out, start + 600 * 48, (int) (4.5 * OUT_RATE))).isEqualTo(-1);
        // The responder saw the first exchange in the history of the second.
        assertThat(responder.requests()).hasSize(2);
        assertThat(responder.requests().get(1).history()).containsExactly(
                new ConversationTurn(ConversationTurn.Role.USER, "hello bot"),
                new ConversationTurn(ConversationTurn.Role.ASSISTANT, "Hello there friend."));
        // Metrics events: queued on the tick that ended the turn, played at the next frame boundary; the sine TTS
        // made 600 ms per answer.
        assertThat(events).filteredOn(e -> e instanceof SessionEvent.FirstAudioQueued)
                .extracting(SessionEvent::atMs).containsExactly(1980.0, 5780.0);
        assertThat(events).filteredOn(e -> e instanceof SessionEvent.FirstAudioPlayed)
                .extracting(SessionEvent::atMs).containsExactly(2000.0, 5800.0);
        assertThat(events).filteredOn(e -> e instanceof SessionEvent.SynthesisFinished)
                .extracting(e -> ((SessionEvent.SynthesisFinished) e).audioMs()).containsExactly(600.0, 600.0);
        assertThat(events).filteredOn(e -> e instanceof SessionEvent.FramesDropped).isEmpty();
        assertThat(report.framesDropped()).isZero();
        assertThat(states()).containsSubsequence(SessionState.LISTENING, SessionState.THINKING,
                SessionState.SPEAKING, SessionState.LISTENING, SessionState.THINKING, SessionState.SPEAKING,
                SessionState.LISTENING, SessionState.TERMINATED);
    }

    private List<SessionState> states() {
        return events.stream().filter(e -> e instanceof SessionEvent.StateChanged)
                .map(e -> ((SessionEvent.StateChanged) e).to()).toList();
    }

    /** The sink holds the sine synthesizer's samples {@code [phase, phase + length)} from {@code at} on, exactly. */
    static void assertSine(float[] out, int at, long phase, int length) {
        for (int i = 0; i < length; i++) {
            float expected = (float) (0.3f * Math.sin(2 * Math.PI * 440.0 * (phase + i) / 48_000));
            if (out[at + i] != expected) {
                throw new AssertionError("sample " + (at + i) + " should be sine sample " + (phase + i) + " = "
                        + expected + " but was " + out[at + i]);
            }
        }
    }

    static int firstNonZero(float[] a, int from) {
        for (int i = from; i < a.length; i++) {
            if (a[i] != 0f) {
                return i;
            }
        }
        return -1;
    }

    static int lastNonZero(float[] a, int from, int to) {
        int last = -1;
        for (int i = from; i < Math.min(to, a.length); i++) {
            if (a[i] != 0f) {
                last = i;
            }
        }
        return last;
    }
}
