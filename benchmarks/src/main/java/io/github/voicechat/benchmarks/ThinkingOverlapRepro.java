package io.github.voicechat.benchmarks;

import io.github.voicechat.SessionEvent;
import io.github.voicechat.SessionReport;
import io.github.voicechat.VoicePipeline;
import io.github.voicechat.VoiceSession;
import io.github.voicechat.audio.AudioSinks;
import io.github.voicechat.audio.AudioSources;
import io.github.voicechat.spi.SpeechRecognizer;
import io.github.voicechat.spi.Transcript;
import io.github.voicechat.testkit.EnergyVad;
import io.github.voicechat.testkit.Scenario;
import io.github.voicechat.testkit.ScriptedRecognizer;
import io.github.voicechat.testkit.ScriptedResponder;
import io.github.voicechat.testkit.SineSynthesizer;
import io.github.voicechat.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Reproduces a session failure found by {@link RealPipelineBenchmark}: on the real clock, when the user speaks and
 * stops again while the previous turn's transcript is still pending (state THINKING, no response yet), the second
 * USER_END calls {@code endUserTurn}, which moves THINKING -> THINKING, and the session dies with
 * {@code IllegalTransitionException}. The virtual clock never shows it, because lockstep waits for the recogniser
 * after every tick, so THINKING never outlasts one tick.
 *
 * <p>Here a scripted recognizer stands in for Sphinx with a {@code finish()} that takes 1.5 s of wall time (Sphinx
 * decoding its backlog on a loaded machine took over 2 s in {@code RealPipelineBenchmark}). Script: speech
 * 0.5-1.5 s, silence, a second utterance 2.3-2.6 s (0.3 s, longer than minSpeechMs), silence. Run:
 * {@code java -cp benchmarks/target/benchmarks.jar io.github.voicechat.benchmarks.ThinkingOverlapRepro}; it prints
 * the end reason ("failed: illegal session transition THINKING -> THINKING ...") and the events.
 */
public final class ThinkingOverlapRepro {

    private ThinkingOverlapRepro() {
    }

    /** A recognizer whose finish() takes {@code finishMs} of wall time, like a decoder draining its backlog. */
    static final class SlowFinish implements SpeechRecognizer {
        private final ScriptedRecognizer delegate;
        private final long finishNanos;

        SlowFinish(ScriptedRecognizer delegate, long finishMs) {
            this.delegate = delegate;
            this.finishNanos = TimeUnit.MILLISECONDS.toNanos(finishMs);
        }

        @Override
        public int sampleRateHz() {
            return delegate.sampleRateHz();
        }

        @Override
        public boolean supportsPartials() {
            return false;
        }

        @Override
        public void accept(float[] samples, int offset, int length) {
            delegate.accept(samples, offset, length);
        }

        @Override
        public String partialText() {
            return "";
        }

        @Override
        public Transcript finish() {
            // Simulated decoding work (a stand-in for Sphinx's finish on a loaded machine), not timing logic.
            long end = System.nanoTime() + finishNanos;
            long left;
            while ((left = end - System.nanoTime()) > 0) {
                LockSupport.parkNanos(left);
            }
            return delegate.finish();
        }

        @Override
        public void cancel() {
            delegate.cancel();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    public static void main(String[] args) throws Exception {
        float[] user = Scenario.at(16_000)
                .silence(500).speech("u1", 1000)   // 0.5-1.5 s: turn 1 ends at 1.5 s (+500 ms silence rule)
                .silence(800).speech("u2", 300)    // 2.3-2.6 s: while turn 1's transcript is still pending
                .silence(3000)
                .samples();
        List<SessionEvent> events = new CopyOnWriteArrayList<>();
        VoicePipeline p = VoicePipeline.builder()
                .vad(EnergyVad::new)
                .asr(() -> new SlowFinish(new ScriptedRecognizer(16_000, -1, List.of("first", "second")), 1500))
                .tts(SineSynthesizer::new)
                .responder(ScriptedResponder.of("answer one", "answer two"))
                .clock(Clock.system())
                .listener(events::add)
                .build();
        try (VoiceSession s = p.openSession(AudioSources.memory(16_000, user),
                AudioSinks.discard(SineSynthesizer.SAMPLE_RATE_HZ))) {
            s.start();
            s.awaitTermination(Duration.ofSeconds(30));
            SessionReport r = s.report();
            System.out.println("end reason: " + r.endReason());
            System.out.println("turns: " + r.turns());
            for (SessionEvent e : events) {
                System.out.printf(Locale.ROOT, "%8.0f ms  %s%n", e.atMs(), e);
            }
        }
    }
}
