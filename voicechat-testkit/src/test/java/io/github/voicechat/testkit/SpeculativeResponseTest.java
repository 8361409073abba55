package io.github.voicechat.testkit;

import static io.github.voicechat.testkit.PipelineConversationTest.assertSine;
import static io.github.voicechat.testkit.PipelineConversationTest.lastNonZero;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.voicechat.Responder;
import io.github.voicechat.ResponderRequest;
import io.github.voicechat.ResponseSink;
import io.github.voicechat.SessionEvent;
import io.github.voicechat.SessionReport;
import io.github.voicechat.TurnPolicy;
import io.github.voicechat.TurnReport;
import io.github.voicechat.VoicePipeline;
import io.github.voicechat.VoiceSession;
import io.github.voicechat.audio.AudioSinks;
import io.github.voicechat.audio.AudioSources;
import io.github.voicechat.time.SessionTime;
import io.github.voicechat.time.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Speculative responses on the virtual clock. The recogniser gives partial words (its coming transcript once 200 ms
 * of the utterance arrived); the buzz of {@link Scenario#speech} has a flat pitch, so the default rules end a turn
 * after the policy's 500 ms and a response is started speculatively at 250 ms of silence.
 */
class SpeculativeResponseTest {

    private static final int OUT_RATE = 48_000;
    private static final String ANSWER = "Hello there friend."; // three words: 600 ms of sine

    private final List<SessionEvent> events = new CopyOnWriteArrayList<>();

    /** Answers with {@link #ANSWER} after 100 ms (virtual), and records what each request's sink said after it. */
    private static final class Recording implements Responder {
        final List<ResponderRequest> requests = new CopyOnWriteArrayList<>();
        final List<String> outcomes = new CopyOnWriteArrayList<>();

        @Override
        public void respond(ResponderRequest request, ResponseSink sink) throws InterruptedException {
            requests.add(request);
            SessionTime.sleep(Duration.ofMillis(100));
            boolean written = sink.text(ANSWER);
            outcomes.add(request.transcript() + ": written=" + written + " cancelled=" + sink.isCancelled()
                    + " discarded=" + sink.isDiscarded());
        }
    }

    private SessionReport run(Scenario user, List<String> transcripts, Responder responder,
            AudioSinks.MemorySink sink) throws InterruptedException {
        ScriptedRecognizer asr = new ScriptedRecognizer(16_000, 200, new ArrayList<>(transcripts));
        VoicePipeline pipeline = VoicePipeline.builder().clock(new VirtualClock()).vad(EnergyVad::new)
                .asr(() -> asr).tts(SineSynthesizer::new).responder(responder).listener(events::add).build();
        try (VoiceSession session = pipeline.openSession(
                AudioSources.memory(user.sampleRateHz(), user.samples()), sink)) {
            session.start();
            assertThat(session.awaitTermination(Duration.ofSeconds(60))).isTrue();
            return session.report();
        }
    }

    @Test
    void aKeptSpeculationPlaysFromItsFirstSampleWhenTheTurnEnds() throws Exception {
        // Speech 0.5-1.5 s; the pause is found at 1.75 s and the speculative answer is ready at 1.85 s (100 ms of
        // responder), held; the turn's end is found at 2.0 s, the transcript matches, and the held answer plays.
        Recording responder = new Recording();
        AudioSinks.MemorySink sink = AudioSinks.memory(OUT_RATE);
        SessionReport report = run(Scenario.at(16_000).silence(500).speech("u1", 1000).silence(3000),
                List.of("turn on the light"), responder, sink);

        TurnReport t = report.turns().get(0);
        assertThat(t.speculativeStarts()).isEqualTo(1);
        assertThat(t.speculativeKept()).isTrue();
        assertThat(t.playedText()).isEqualTo(ANSWER);
        assertThat(responder.requests).hasSize(1);
        double firstAudioMs = events.stream().filter(e -> e instanceof SessionEvent.FirstAudioPlayed)
                .mapToDouble(SessionEvent::atMs).findFirst().orElseThrow();
        int at = (int) Math.round(firstAudioMs / 1000 * OUT_RATE);
        assertThat(lastNonZero(sink.samples(), 0, at)).isEqualTo(-1);
        assertSine(sink.samples(), at, 0, 30 * OUT_RATE / 50); // from its first sample, all of it
        // Without speculation the same turn waits for the responder's 100 ms after the end is found.
        events.clear();
        Recording plain = new Recording();
        SessionReport without = runWithout(plain);
        assertThat(without.turns().get(0).speculativeStarts()).isZero();
        assertThat(t.firstAudioLatencyMs()).isEqualTo(without.turns().get(0).firstAudioLatencyMs() - 100);
    }

    private SessionReport runWithout(Responder responder) throws InterruptedException {
        ScriptedRecognizer asr = new ScriptedRecognizer(16_000, 200, List.of("turn on the light"));
        Scenario user = Scenario.at(16_000).silence(500).speech("u1", 1000).silence(3000);
        VoicePipeline pipeline = VoicePipeline.builder().clock(new VirtualClock()).vad(EnergyVad::new)
                .turnPolicy(TurnPolicy.builder().speculateAfterMs(0).build())
                .asr(() -> asr).tts(SineSynthesizer::new).responder(responder).build();
        try (VoiceSession session = pipeline.openSession(
                AudioSources.memory(user.sampleRateHz(), user.samples()), AudioSinks.memory(OUT_RATE))) {
            session.start();
            assertThat(session.awaitTermination(Duration.ofSeconds(60))).isTrue();
            return session.report();
        }
    }

    @Test
    void aDiscardedSpeculationLeavesNoSampleAndNoTraceAndItsResponderKnows() throws Exception {
        // Speech 0.5-1.5 s, a 300 ms pause (speculation at 1.75 s), more speech 1.8-2.6 s: the speculation is
        // discarded at 1.8 s, while its responder still thinks. The turn ends at 2.6 s; a second speculation at
        // 2.85 s is kept.
        Recording responder = new Recording();
        AudioSinks.MemorySink sink = AudioSinks.memory(OUT_RATE);
        SessionReport report = run(Scenario.at(16_000).silence(500).speech("u1", 1000).silence(300)
                .speech("u1b", 800).silence(3000), List.of("turn on the light and the fan"), responder, sink);

        assertThat(report.turns()).hasSize(1);
        TurnReport t = report.turns().get(0);
        assertThat(t.speculativeStarts()).isEqualTo(2);
        assertThat(t.speculativeKept()).isTrue();
        assertThat(t.userEndS()).isEqualTo(2.6);
        assertThat(responder.requests).hasSize(2);
        assertThat(responder.outcomes.get(0)).isEqualTo(
                "turn on the light and the fan: written=false cancelled=true discarded=true");
        assertThat(responder.outcomes.get(1)).isEqualTo(
                "turn on the light and the fan: written=true cancelled=false discarded=false");
        // No trace: the kept answer's request saw an empty history, and the session's history is one exchange.
        assertThat(responder.requests.get(1).history()).isEmpty();
        assertThat(report.turns().get(0).playedText()).isEqualTo(ANSWER);
        // No sample: nothing before the kept answer, which plays from its first sample.
        double firstAudioMs = events.stream().filter(e -> e instanceof SessionEvent.FirstAudioPlayed)
                .mapToDouble(SessionEvent::atMs).findFirst().orElseThrow();
        assertThat(firstAudioMs).isGreaterThanOrEqualTo(3100.0);
        int at = (int) Math.round(firstAudioMs / 1000 * OUT_RATE);
        assertThat(lastNonZero(sink.samples(), 0, at)).isEqualTo(-1);
        assertSine(sink.samples(), at, 0, 30 * OUT_RATE / 50);
        assertThat(lastNonZero(sink.samples(), at + 30 * OUT_RATE / 50, sink.samples().length)).isEqualTo(-1);
    }
}
