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
import io.github.voicechat.spi.SpeechRecognizer;
import io.github.voicechat.spi.Transcript;
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

    /**
     * A recogniser whose words at the pause lack the last one ({@code partial}), as Sphinx's often do: the
     * speculation on them is discarded when the final transcript comes, and the real answer is submitted on that
     * same tick, while the speculation's responder is still unwinding.
     */
    private static SpeechRecognizer lateLastWord(String partial, String transcript) {
        return lateLastWord(partial, transcript, Long.MAX_VALUE);
    }

    /** The same, but its partial catches up with the transcript once the utterance has {@code catchUpSamples}. */
    private static SpeechRecognizer lateLastWord(String partial, String transcript, long catchUpSamples) {
        ScriptedRecognizer words = new ScriptedRecognizer(16_000, 200, List.of(transcript));
        long[] heard = {0};
        return new SpeechRecognizer() {
            @Override
            public int sampleRateHz() {
                return words.sampleRateHz();
            }

            @Override
            public boolean supportsPartials() {
                return true;
            }

            @Override
            public void accept(float[] samples, int offset, int length) {
                words.accept(samples, offset, length);
                heard[0] += length;
            }

            @Override
            public String partialText() {
                return words.partialText().isEmpty() ? "" : heard[0] >= catchUpSamples ? transcript : partial;
            }

            @Override
            public Transcript finish() {
                heard[0] = 0;
                return words.finish();
            }

            @Override
            public void cancel() {
                heard[0] = 0;
                words.cancel();
            }

            @Override
            public void close() {
                words.close();
            }
        };
    }

    /** Runs one turn (speech 0.5-1.5 s) whose words at the pause lack the last one; the responder as given. */
    private SessionReport runLateLastWord(Responder responder, AudioSinks.MemorySink sink)
            throws InterruptedException {
        return runLateLastWord(responder, sink, Long.MAX_VALUE);
    }

    private SessionReport runLateLastWord(Responder responder, AudioSinks.MemorySink sink, long catchUpSamples)
            throws InterruptedException {
        Scenario user = Scenario.at(16_000).silence(500).speech("u1", 1000).silence(3000);
        VoicePipeline pipeline = VoicePipeline.builder().clock(new VirtualClock()).vad(EnergyVad::new)
                .asr(() -> lateLastWord("turn on the light", "turn on the light please", catchUpSamples))
                .tts(SineSynthesizer::new)
                .responder(responder).listener(events::add).build();
        try (VoiceSession session = pipeline.openSession(
                AudioSources.memory(user.sampleRateHz(), user.samples()), sink)) {
            session.start();
            assertThat(session.awaitTermination(Duration.ofSeconds(60))).isTrue();
            return session.report();
        }
    }

    /**
     * The speculation's call: polls the cancellation every 40 ms (as a responder streaming a model's tokens would),
     * or, if {@code deaf}, sleeps on whatever happens; later calls answer {@link #ANSWER} at once. Each call records
     * its thread.
     */
    private static Responder unwinding(boolean deaf, List<String> threads) {
        return (request, sink) -> {
            threads.add(Thread.currentThread().getName());
            if (threads.size() > 1) {
                sink.text(ANSWER);
                return;
            }
            while (deaf || !sink.isCancelled()) {
                SessionTime.sleep(Duration.ofMillis(40));
            }
        };
    }

    @Test
    void aDiscardedSpeculationStillUnwindingKeepsTheWorkerAndTheAnswerWaitsOnlyForItsUnwinding() throws Exception {
        // Speech 0.5-1.5 s: the speculation on "turn on the light" starts on the tick at 1.74 s (260 ms of
        // silence); its responder polls at 1.78, 1.82, ... 2.02 s. The turn's end is found on the tick at 1.98 s and
        // its transcript "turn on the light please" arrives on that tick, so the speculation is discarded and the
        // answer submitted while the speculation's responder sleeps. The answer waits on the same worker (no fresh
        // one, which would first have to create its own synthesizer) until the poll at 2.02 s sees the
        // cancellation, and plays on the next tick: 2.04 s, 540 ms after the user stopped.
        List<String> threads = new CopyOnWriteArrayList<>();
        AudioSinks.MemorySink sink = AudioSinks.memory(OUT_RATE);
        SessionReport report = runLateLastWord(unwinding(false, threads), sink);

        TurnReport t = report.turns().get(0);
        assertThat(t.transcript()).isEqualTo("turn on the light please");
        assertThat(t.speculativeStarts()).isEqualTo(1);
        assertThat(t.speculativeKept()).isFalse();
        assertThat(t.playedText()).isEqualTo(ANSWER);
        assertThat(threads).hasSize(2).allMatch(n -> n.equals(threads.get(0)));
        assertThat(threads.get(0)).endsWith("-respond");
        assertThat(t.firstAudioLatencyMs()).isEqualTo(540.0);
        assertThat(events).noneMatch(e -> e instanceof SessionEvent.EngineError
                || e instanceof SessionEvent.ThreadLeaked);
        double firstAudioMs = events.stream().filter(e -> e instanceof SessionEvent.FirstAudioPlayed)
                .mapToDouble(SessionEvent::atMs).findFirst().orElseThrow();
        int at = (int) Math.round(firstAudioMs / 1000 * OUT_RATE);
        assertThat(lastNonZero(sink.samples(), 0, at)).isEqualTo(-1); // nothing of the discarded one
        assertSine(sink.samples(), at, 0, 30 * OUT_RATE / 50);
    }

    @Test
    void aDiscardedSpeculationStuckInItsResponderDelaysTheAnswerByTheGraceAtMost() throws Exception {
        // As above, but the speculation's responder ignores the cancellation. The answer, queued on the tick at
        // 1.98 s, is not taken within the grace (5 ticks, 100 ms): on the tick at 2.08 s the worker is replaced (no
        // engine error: nothing the user waits for stalled beyond the grace), the fresh worker takes the answer on
        // that tick, and it plays from the next: 2.10 s, 600 ms, the grace more than a turn answered at once.
        List<String> threads = new CopyOnWriteArrayList<>();
        AudioSinks.MemorySink sink = AudioSinks.memory(OUT_RATE);
        SessionReport report = runLateLastWord(unwinding(true, threads), sink);

        TurnReport t = report.turns().get(0);
        assertThat(t.playedText()).isEqualTo(ANSWER);
        assertThat(threads).hasSize(2);
        assertThat(threads.get(1)).isNotEqualTo(threads.get(0)).endsWith("-respond-2");
        assertThat(t.firstAudioLatencyMs()).isEqualTo(600.0);
        assertThat(events).noneMatch(e -> e instanceof SessionEvent.EngineError
                || e instanceof SessionEvent.ThreadLeaked);
    }

    @Test
    void wordsThatCatchUpDuringThePauseAreSpeculatedAfreshAndThatAnswerIsKept() throws Exception {
        // The words at the pause (1.75 s) lack the last one; the recogniser catches up while the user is still
        // silent, before the turn's end at 2.0 s. The speculation on the old words is discarded and one on the new
        // words started; it is ready before the end (100 ms of responder) and adopted, so the turn plays as soon as
        // one whose words were complete at the pause, where answering only after the end would add the responder's
        // 100 ms.
        long heardAtPauseEnd = 0;
        Recording complete = new Recording();
        SessionReport reference = runLateLastWord(complete, AudioSinks.memory(OUT_RATE), heardAtPauseEnd);
        assertThat(reference.turns().get(0).speculativeStarts()).isEqualTo(1);
        assertThat(reference.turns().get(0).speculativeKept()).isTrue();
        double keptLatencyMs = reference.turns().get(0).firstAudioLatencyMs();

        events.clear();
        Recording responder = new Recording();
        AudioSinks.MemorySink sink = AudioSinks.memory(OUT_RATE);
        // The utterance is fed from the onset less the pre-roll: caught up 1.8 s into the session.
        long catchUp = 16_000L * (1800 - 500 + TurnPolicy.defaults().preRollMs()) / 1000;
        SessionReport report = runLateLastWord(responder, sink, catchUp);

        TurnReport t = report.turns().get(0);
        assertThat(t.transcript()).isEqualTo("turn on the light please");
        assertThat(t.speculativeStarts()).isEqualTo(2);
        assertThat(t.speculativeKept()).isTrue();
        assertThat(responder.requests).extracting(ResponderRequest::transcript)
                .containsExactly("turn on the light", "turn on the light please");
        assertThat(responder.outcomes.get(0)).endsWith("cancelled=true discarded=true");
        assertThat(t.playedText()).isEqualTo(ANSWER);
        assertThat(t.firstAudioLatencyMs()).isEqualTo(keptLatencyMs);
        double firstAudioMs = events.stream().filter(e -> e instanceof SessionEvent.FirstAudioPlayed)
                .mapToDouble(SessionEvent::atMs).findFirst().orElseThrow();
        int at = (int) Math.round(firstAudioMs / 1000 * OUT_RATE);
        assertThat(lastNonZero(sink.samples(), 0, at)).isEqualTo(-1); // nothing of the discarded one
        assertSine(sink.samples(), at, 0, 30 * OUT_RATE / 50);
    }
}
