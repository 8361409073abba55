package io.github.voicechat.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.voicechat.SessionEvent;
import io.github.voicechat.SessionReport;
import io.github.voicechat.TurnReport;
import io.github.voicechat.VoicePipeline;
import io.github.voicechat.VoiceSession;
import io.github.voicechat.audio.AudioSinks;
import io.github.voicechat.audio.AudioSources;
import io.github.voicechat.spi.SpeechRecognizer;
import io.github.voicechat.spi.SpeechSynthesizer;
import io.github.voicechat.spi.SynthesisSink;
import io.github.voicechat.spi.Transcript;
import io.github.voicechat.time.Clock;
import io.github.voicechat.time.SessionTime;
import io.github.voicechat.time.VirtualClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Engines that fail or stall, rate negotiation, timeouts and the real clock. */
class SessionRobustnessTest {

    private final List<SessionEvent> events = new CopyOnWriteArrayList<>();

    private SessionReport run(VoicePipeline.Builder builder, Scenario user, int outRate) throws Exception {
        VoicePipeline pipeline = builder.listener(events::add).build();
        try (VoiceSession session = pipeline.openSession(
                AudioSources.memory(user.sampleRateHz(), user.samples()), AudioSinks.memory(outRate))) {
            session.start();
            assertThat(session.awaitTermination(Duration.ofSeconds(60))).isTrue();
            return session.report();
        }
    }

    private static VoicePipeline.Builder base(Supplier<? extends SpeechRecognizer> asr) {
        return VoicePipeline.builder().vad(EnergyVad::new).asr(asr).tts(SineSynthesizer::new)
                .responder(ScriptedResponder.of("First answer.", "Second answer.")).clock(new VirtualClock());
    }

    private static Scenario twoTurns(int rateHz) {
        return Scenario.at(rateHz).silence(500).speech("u1", 1000).silence(3000).speech("u2", 800).silence(2500);
    }

    @Test
    void ratesAreNegotiatedAndResampledOnceAtTheEdges() throws Exception {
        // A 48 kHz microphone, a 16 kHz recogniser and a 24 kHz speaker: the turn logic sees the same audio time.
        ScriptedRecognizer asr = ScriptedRecognizer.of("one", "two");
        SessionReport report = run(base(() -> asr), twoTurns(48_000), 24_000);
        assertThat(report.turns()).extracting(TurnReport::transcript).containsExactly("one", "two");
        assertThat(report.turns().get(0).userStartS()).isEqualTo(0.5);
        assertThat(report.turns().get(0).userEndS()).isEqualTo(1.5);
        assertThat(report.turns().get(1).userStartS()).isEqualTo(4.5);
        assertThat(report.turns()).allSatisfy(t -> assertThat(t.firstAudioLatencyMs()).isEqualTo(500.0));
    }

    @Test
    void aRecognizerThatThrowsIsReportedAndTheSessionGoesOnListening() throws Exception {
        ScriptedRecognizer good = ScriptedRecognizer.of("two");
        SpeechRecognizer flaky = new SpeechRecognizer() {
            private int utterances;

            @Override
            public int sampleRateHz() {
                return 16_000;
            }

            @Override
            public void accept(float[] samples, int offset, int length) {
                good.accept(samples, offset, length);
            }

            @Override
            public Transcript finish() {
                if (utterances++ == 0) {
                    throw new IllegalStateException("decoder exploded");
                }
                return good.finish();
            }

            @Override
            public void cancel() {
                good.cancel();
            }

            @Override
            public void close() {
            }
        };
        SessionReport report = run(base(() -> flaky), twoTurns(16_000), 48_000);
        assertThat(events).filteredOn(e -> e instanceof SessionEvent.EngineError)
                .extracting(e -> ((SessionEvent.EngineError) e).message()).containsExactly("decoder exploded");
        assertThat(report.turns()).extracting(TurnReport::transcript).containsExactly("", "two");
        assertThat(report.turns().get(1).playedText()).isEqualTo("First answer.");
    }

    @Test
    void aSynthesizerThatStallsTimesOutAndTheNextTurnIsAnswered() throws Exception {
        // The first synthesis never ends (in virtual time); it is given up 1 s after the transcript, to the tick.
        int[] calls = {0};
        SineSynthesizer sine = new SineSynthesizer();
        SpeechSynthesizer stalling = new SpeechSynthesizer() {
            @Override
            public int sampleRateHz() {
                return 48_000;
            }

            @Override
            public void synthesize(String text, SynthesisSink sink) {
                if (calls[0]++ == 0) {
                    try {
                        SessionTime.sleep(Duration.ofHours(1)); // a hung engine; the session interrupts it
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return;
                }
                sine.synthesize(text, sink);
            }

            @Override
            public void close() {
            }
        };
        ScriptedRecognizer asr = ScriptedRecognizer.of("one", "two");
        SessionReport report = run(base(() -> asr).tts(() -> stalling).engineTimeoutMs(1_000), twoTurns(16_000),
                48_000);
        assertThat(events).filteredOn(e -> e instanceof SessionEvent.EngineError)
                .extracting(e -> ((SessionEvent.EngineError) e).engine() + ": "
                        + ((SessionEvent.EngineError) e).message() + " @" + e.atMs())
                .containsExactly("tts: tts made no progress for 1000 ms @2980.0");
        assertThat(report.turns()).hasSize(2);
        assertThat(report.turns().get(0).playedText()).isEmpty();
        assertThat(report.turns().get(1).transcript()).isEqualTo("two");
        assertThat(report.turns().get(1).playedText()).isEqualTo("Second answer.");
        assertThat(report.turns().get(1).firstAudioLatencyMs()).isEqualTo(500.0);
        assertThat(calls[0]).isEqualTo(2); // the replacement worker's engine answered the second turn
    }

    @Test
    void onAVirtualClockAnEngineStuckInRealTimeIsGivenUpAfterTheEngineTimeout() throws Exception {
        // The one watchdog that must use the real clock: an engine blocked for real (not in virtual time) would
        // hold the lockstep gate forever. It waits the engine timeout in wall time, then the turn is abandoned.
        CountDownLatch never = new CountDownLatch(1);
        int[] calls = {0};
        SineSynthesizer sine = new SineSynthesizer();
        SpeechSynthesizer stalling = new SpeechSynthesizer() {
            @Override
            public int sampleRateHz() {
                return 48_000;
            }

            @Override
            public void synthesize(String text, SynthesisSink sink) {
                if (calls[0]++ == 0) {
                    try {
                        never.await(); // blocked for real; only the interrupt frees it
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return;
                }
                sine.synthesize(text, sink);
            }

            @Override
            public void close() {
            }
        };
        ScriptedRecognizer asr = ScriptedRecognizer.of("one", "two");
        SessionReport report = run(base(() -> asr).tts(() -> stalling).engineTimeoutMs(1_000), twoTurns(16_000),
                48_000);
        assertThat(events).filteredOn(e -> e instanceof SessionEvent.EngineError)
                .extracting(e -> ((SessionEvent.EngineError) e).engine() + " @" + e.atMs())
                .containsExactly("tts @1980.0"); // stuck on the tick its response was submitted
        assertThat(events).noneMatch(e -> e instanceof SessionEvent.ThreadLeaked);
        assertThat(report.turns()).hasSize(2);
        assertThat(report.turns().get(0).playedText()).isEmpty();
        assertThat(report.turns().get(1).transcript()).isEqualTo("two");
        assertThat(report.turns().get(1).firstAudioLatencyMs()).isEqualTo(500.0);
    }

    @Test
    void idleTimeoutAndMaximumDurationEndTheSession() throws Exception {
        Scenario quiet = Scenario.at(16_000).silence(20_000);
        SessionReport idle = run(base(ScriptedRecognizer::of).idleTimeoutMs(2_000), quiet, 48_000);
        assertThat(idle.endReason()).isEqualTo("idle timeout");
        assertThat(idle.durationS()).isEqualTo(2.0);

        Scenario talking = Scenario.at(16_000).silence(200).speech("long", 15_000).silence(1000);
        SessionReport capped = run(base(ScriptedRecognizer::of).maxSessionMs(3_000), talking, 48_000);
        assertThat(capped.endReason()).isEqualTo("max duration");
        assertThat(capped.durationS()).isEqualTo(3.0);
    }

    @Test
    void runsOnTheRealClockAtRealPace() throws Exception {
        Scenario user = Scenario.at(16_000).silence(200).speech("u1", 400).silence(1400);
        ScriptedRecognizer asr = ScriptedRecognizer.of("hi");
        long t0 = System.nanoTime();
        SessionReport report = run(base(() -> asr).clock(Clock.system()), user, 48_000);
        double wallS = (System.nanoTime() - t0) / 1e9;
        assertThat(report.turns()).extracting(TurnReport::transcript).containsExactly("hi");
        assertThat(report.turns().get(0).playedText()).isEqualTo("First answer.");
        // Paced: the session cannot finish faster than the audio it plays.
        assertThat(wallS).isGreaterThanOrEqualTo(report.durationS() - 0.05);
        assertThat(report.playoutJitterP99Ms()).isNotNaN();
    }

    @Test
    void aSourceWithNothingYetGivesSilenceForThatTickInsteadOfHoldingTheSession() throws Exception {
        // A network stream read without blocking: nothing for its first 50 reads (one per tick), then the audio.
        // Those ticks are silence, so the user's speech arrives 1 s late and every time moves by exactly 1 s.
        io.github.voicechat.audio.AudioSource memory = AudioSources.memory(16_000, twoTurns(16_000).samples());
        io.github.voicechat.audio.AudioSource late = new io.github.voicechat.audio.AudioSource() {
            private int reads;

            @Override
            public int sampleRateHz() {
                return 16_000;
            }

            @Override
            public int read(float[] buffer, int offset, int length) throws java.io.IOException {
                return reads++ < 50 ? 0 : memory.read(buffer, offset, length);
            }

            @Override
            public void close() throws java.io.IOException {
                memory.close();
            }
        };
        ScriptedRecognizer asr = ScriptedRecognizer.of("one", "two");
        VoicePipeline pipeline = base(() -> asr).listener(events::add).build();
        SessionReport report;
        try (VoiceSession session = pipeline.openSession(late, AudioSinks.memory(48_000))) {
            session.start();
            assertThat(session.awaitTermination(Duration.ofSeconds(60))).isTrue();
            report = session.report();
        }
        assertThat(report.turns()).extracting(TurnReport::transcript).containsExactly("one", "two");
        assertThat(report.turns().get(0).userStartS()).isEqualTo(1.5);
        assertThat(report.turns().get(0).userEndS()).isEqualTo(2.5);
        assertThat(report.turns().get(1).userStartS()).isEqualTo(5.5);
        assertThat(report.turns()).allSatisfy(t -> assertThat(t.firstAudioLatencyMs()).isEqualTo(500.0));
    }

    @Test
    void closingASessionThatNeverStartedClosesItsSourceAndSink() throws Exception {
        boolean[] closed = new boolean[2];
        io.github.voicechat.audio.AudioSource source = new io.github.voicechat.audio.AudioSource() {
            @Override
            public int sampleRateHz() {
                return 16_000;
            }

            @Override
            public int read(float[] buffer, int offset, int length) {
                return -1;
            }

            @Override
            public void close() {
                closed[0] = true;
            }
        };
        AudioSinks.MemorySink memory = AudioSinks.memory(48_000);
        io.github.voicechat.audio.AudioSink sink = new io.github.voicechat.audio.AudioSink() {
            @Override
            public int sampleRateHz() {
                return 48_000;
            }

            @Override
            public void write(float[] samples, int offset, int length) {
                memory.write(samples, offset, length);
            }

            @Override
            public void close() {
                closed[1] = true;
            }
        };
        VoiceSession session = base(ScriptedRecognizer::of).build().openSession(source, sink);
        session.close();
        assertThat(closed).containsExactly(true, true);
        assertThatThrownBy(session::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void aPipelineWithoutItsPartsIsRefusedWithTheirNames() {
        assertThatThrownBy(() -> VoicePipeline.builder().vad(EnergyVad::new).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("a pipeline needs asr, tts, responder");
    }
}
