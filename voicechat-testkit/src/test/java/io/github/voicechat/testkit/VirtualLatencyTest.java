package io.github.voicechat.testkit;

import static io.github.voicechat.testkit.PipelineConversationTest.assertSine;
import static io.github.voicechat.testkit.PipelineConversationTest.lastNonZero;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.voicechat.SessionEvent;
import io.github.voicechat.SessionReport;
import io.github.voicechat.TurnReport;
import io.github.voicechat.VoicePipeline;
import io.github.voicechat.VoiceSession;
import io.github.voicechat.audio.AudioSinks;
import io.github.voicechat.audio.AudioSources;
import io.github.voicechat.time.SessionTime;
import io.github.voicechat.time.VirtualClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Test-kit engines that take time — a recogniser's delay, a responder's time to first token, a synthesizer's first
 * audio and real-time factor — on the virtual clock: every latency they add is exact, and races that once needed
 * the real clock are ordinary tests. In every scenario the user's first turn is 0.5-1.5 s and its end is found at
 * 2.0 s (500 ms of silence), on the tick that starts at 1.98 s.
 */
class VirtualLatencyTest {

    private static final int OUT_RATE = 48_000;
    private static final int OUT_FRAME = OUT_RATE / 50;
    private static final String ANSWER = "Hello there friend."; // three words: 600 ms, 30 frames of sine

    private final List<SessionEvent> events = new CopyOnWriteArrayList<>();

    private SessionReport run(VoicePipeline.Builder builder, Scenario user, AudioSinks.MemorySink sink)
            throws InterruptedException {
        VoicePipeline pipeline = builder.clock(new VirtualClock()).vad(EnergyVad::new).listener(events::add).build();
        try (VoiceSession session = pipeline.openSession(
                AudioSources.memory(user.sampleRateHz(), user.samples()), sink)) {
            session.start();
            assertThat(session.awaitTermination(Duration.ofSeconds(60))).isTrue();
            return session.report();
        }
    }

    private static Scenario oneTurn() {
        return Scenario.at(16_000).silence(500).speech("u1", 1000).silence(3000);
    }

    private List<Double> at(Class<? extends SessionEvent> type) {
        return events.stream().filter(type::isInstance).map(SessionEvent::atMs).toList();
    }

    @Test
    void aRecognitionDelayAddsExactlyItsLength() throws Exception {
        ScriptedRecognizer asr = ScriptedRecognizer.of("hello").recognitionDelay(Duration.ofMillis(300));
        AudioSinks.MemorySink sink = AudioSinks.memory(OUT_RATE);
        SessionReport report = run(VoicePipeline.builder().asr(() -> asr).tts(SineSynthesizer::new)
                .responder(ScriptedResponder.of(ANSWER)), oneTurn(), sink);

        assertThat(at(SessionEvent.TranscriptReady.class)).containsExactly(2280.0);
        assertThat(at(SessionEvent.FirstAudioQueued.class)).containsExactly(2280.0);
        assertThat(at(SessionEvent.FirstAudioPlayed.class)).containsExactly(2300.0);
        assertThat(report.turns().get(0).firstAudioLatencyMs()).isEqualTo(800.0); // 500 + 300
        float[] out = sink.samples();
        assertThat(lastNonZero(out, 0, (int) Math.round(2.3 * OUT_RATE))).isEqualTo(-1);
        assertSine(out, (int) Math.round(2.3 * OUT_RATE), 0, 30 * OUT_FRAME);
        assertThat(report.underrunFrames()).isZero();
    }

    @Test
    void latenciesOfRecogniserResponderAndSynthesizerAddUp() throws Exception {
        ScriptedRecognizer asr = ScriptedRecognizer.of("hello").recognitionDelay(Duration.ofMillis(300));
        ScriptedResponder responder = ScriptedResponder.of(ANSWER).timeToFirstToken(Duration.ofMillis(200));
        SessionReport report = run(VoicePipeline.builder().asr(() -> asr)
                .tts(() -> new SineSynthesizer().firstAudioDelay(Duration.ofMillis(100)))
                .responder(responder), oneTurn(), AudioSinks.memory(OUT_RATE));

        assertThat(at(SessionEvent.TranscriptReady.class)).containsExactly(2280.0);
        assertThat(at(SessionEvent.FirstAudioQueued.class)).containsExactly(2580.0);
        assertThat(report.turns().get(0).firstAudioLatencyMs()).isEqualTo(1100.0); // 500 + 300 + 200 + 100
        assertThat(report.turns().get(0).playedText()).isEqualTo(ANSWER);
    }

    @Test
    void aSynthesizerSlowerThanRealTimeLeavesExactGapsAndCountsThemAsUnderruns() throws Exception {
        // RTF 2: each 20 ms frame takes 40 ms. Frame k is made by 1.98 s + 40 ms x (k + 1) and played on the next
        // tick: 2.04 s, 2.08 s, ... 3.20 s, with a tick of silence between two frames.
        AudioSinks.MemorySink sink = AudioSinks.memory(OUT_RATE);
        SessionReport report = run(VoicePipeline.builder().asr(() -> ScriptedRecognizer.of("hello"))
                .tts(() -> new SineSynthesizer().realTimeFactor(2.0))
                .responder(ScriptedResponder.of(ANSWER)), oneTurn(), sink);

        TurnReport t = report.turns().get(0);
        assertThat(t.firstAudioLatencyMs()).isEqualTo(540.0);
        assertThat(t.playedText()).isEqualTo(ANSWER);
        assertThat(report.underrunFrames()).isEqualTo(29);
        float[] out = sink.samples();
        for (int k = 0; k < 30; k++) {
            int frameAt = (int) Math.round((2.04 + 0.04 * k) * OUT_RATE);
            assertSine(out, frameAt, (long) k * OUT_FRAME, OUT_FRAME);
            assertThat(lastNonZero(out, frameAt + OUT_FRAME, frameAt + 2 * OUT_FRAME)).isEqualTo(-1);
        }
        assertThat(at(SessionEvent.TurnCompleted.class)).containsExactly(3220.0);
    }

    @Test
    void aSynthesizerFasterThanRealTimeKeepsThePlayoutFed() throws Exception {
        // RTF 0.5: two frames per tick, so after the first frame (made by 2.0 s) the ring only fills up.
        AudioSinks.MemorySink sink = AudioSinks.memory(OUT_RATE);
        SessionReport report = run(VoicePipeline.builder().asr(() -> ScriptedRecognizer.of("hello"))
                .tts(() -> new SineSynthesizer().realTimeFactor(0.5))
                .responder(ScriptedResponder.of(ANSWER)), oneTurn(), sink);

        assertThat(report.turns().get(0).firstAudioLatencyMs()).isEqualTo(520.0);
        assertThat(report.underrunFrames()).isZero();
        assertSine(sink.samples(), (int) Math.round(2.02 * OUT_RATE), 0, 30 * OUT_FRAME);
    }

    @Test
    void theUserSpeakingAgainWhileATranscriptIsPendingSupersedesThatTurn() throws Exception {
        // A recogniser that needs 1.5 s per utterance; the user speaks again 0.8 s after the first turn ended, while
        // its transcript is still being computed (found by RealPipelineBenchmark with Sphinx on the real clock).
        // Turn 1 ends at 1.5 s, found at 1.98 s, transcribed at 3.48 s; turn 2 (2.3-2.6 s) is found at 2.4 s and
        // ends at 3.08 s; its recognition starts when the first ends (3.48 s) and takes 1.5 s: 4.98 s.
        ScriptedRecognizer asr = ScriptedRecognizer.of("first", "second").recognitionDelay(Duration.ofMillis(1500));
        Scenario user = Scenario.at(16_000).silence(500).speech("u1", 1000).silence(800).speech("u2", 300)
                .silence(3500);
        ScriptedResponder responder = ScriptedResponder.of("First answer.", "Second answer.");
        SessionReport report = run(VoicePipeline.builder().asr(() -> asr).tts(SineSynthesizer::new)
                .responder(responder), user, AudioSinks.memory(OUT_RATE));

        assertThat(report.endReason()).isEqualTo("source ended");
        assertThat(events).noneMatch(e -> e instanceof SessionEvent.EngineError);
        assertThat(events).filteredOn(e -> e instanceof SessionEvent.TranscriptReady)
                .extracting(e -> ((SessionEvent.TranscriptReady) e).text() + "@" + e.atMs())
                .containsExactly("first@3480.0", "second@4980.0");
        TurnReport first = report.turns().stream().filter(t -> t.turn() == 1).findFirst().orElseThrow();
        assertThat(first.transcript()).isEqualTo("first");
        assertThat(first.bargedIn()).isTrue();
        assertThat(first.playedText()).isEmpty();
        TurnReport second = report.turns().stream().filter(t -> t.turn() == 2).findFirst().orElseThrow();
        assertThat(second.userStartS()).isEqualTo(2.3);
        assertThat(second.userEndS()).isEqualTo(2.6);
        assertThat(second.transcript()).isEqualTo("second");
        assertThat(second.playedText()).isEqualTo("First answer.");
        assertThat(second.firstAudioLatencyMs()).isEqualTo(5000.0 - 2600.0);
        // Only the second turn was answered, and the recogniser heard all of it: 300 ms of pre-roll, the speech
        // and the 500 ms of silence that ended it (2.0-3.1 s).
        assertThat(responder.requests()).hasSize(1);
        assertThat(asr.utteranceSamples().get(1)).isEqualTo((long) (1.1 * 16_000));
    }

    @Test
    void sessionTimeSleepsOnTheRealClockOutsideASessionAndRefusesNothingElse() throws Exception {
        long t0 = System.nanoTime();
        SessionTime.sleep(Duration.ofMillis(2));
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(2_000_000L);
        SessionTime.sleepNanos(0);
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> SessionTime.sleep(Duration.ofMillis(1))).isInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).isFalse();
        assertThatThrownBy(() -> ScriptedRecognizer.of().recognitionDelay(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SineSynthesizer().realTimeFactor(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
