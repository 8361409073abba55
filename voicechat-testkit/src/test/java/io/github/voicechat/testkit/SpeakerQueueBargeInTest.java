package io.github.voicechat.testkit;

import static io.github.voicechat.testkit.PipelineConversationTest.assertSine;
import static io.github.voicechat.testkit.PipelineConversationTest.firstNonZero;
import static io.github.voicechat.testkit.PipelineConversationTest.lastNonZero;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.voicechat.ConversationTurn;
import io.github.voicechat.SessionEvent;
import io.github.voicechat.SessionReport;
import io.github.voicechat.TurnReport;
import io.github.voicechat.VoicePipeline;
import io.github.voicechat.VoiceSession;
import io.github.voicechat.audio.AudioSink;
import io.github.voicechat.audio.AudioSinks;
import io.github.voicechat.audio.AudioSources;
import io.github.voicechat.time.VirtualClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Barge-in on a speaker with a queue of its own, as a sound device has (issue #16): what the device has queued is cut
 * when the bot pauses, so the listener hears the pause at once rather than a queue later; the played text is what was
 * heard; a false alarm plays the cut samples again first, so nothing is lost or repeated. The scenarios are
 * {@link BargeInTest}'s (answer at 2.0 s, speech over it at 2.400 s, paused after 21 frames were written), on a
 * speaker that holds 60 ms (3 frames) of what was written.
 */
class SpeakerQueueBargeInTest {

    private static final int OUT_RATE = 48_000;
    private static final int FRAME = 960;
    private static final int QUEUE_FRAMES = 3;
    private static final String LONG_ANSWER = "One two three four five six seven eight nine ten.";

    private final List<SessionEvent> events = new CopyOnWriteArrayList<>();

    @Test
    void aConfirmedBargeInCutsTheDeviceQueueAndKeepsOnlyWhatWasHeard() throws Exception {
        Scenario user = Scenario.at(16_000).silence(500).speech("u1", 1000).silence(900).speech("u2", 1000)
                .silence(1500);
        ScriptedResponder responder = ScriptedResponder.of(LONG_ANSWER, "Okay.");
        QueuedSpeaker speaker = new QueuedSpeaker(QUEUE_FRAMES * FRAME);

        SessionReport report = run(user, ScriptedRecognizer.of("count to ten", "stop"), responder, speaker);

        // 21 frames were written when the bot paused, the last 3 still in the device's queue: they are dropped, so
        // the listener heard 18 frames (360 ms), one 200 ms word.
        float[] heard = speaker.heard.samples();
        int answerAt = 2 * OUT_RATE;
        assertSine(heard, answerAt, 0, 18 * FRAME);
        assertThat(lastNonZero(heard, answerAt + 18 * FRAME, answerAt + OUT_RATE)).isEqualTo(-1);
        TurnReport t1 = report.turns().get(0);
        assertThat(t1.bargedIn()).isTrue();
        assertThat(t1.playedText()).isEqualTo("One");
        assertThat(only(SessionEvent.BargeInConfirmed.class).playedText()).isEqualTo("One");
        // The session's own figure is unchanged: silence written from the next frame boundary.
        assertThat(t1.bargeInLatencyMs()).isEqualTo(20.0);
        assertThat(responder.requests().get(1).history()).containsExactly(
                new ConversationTurn(ConversationTurn.Role.USER, "count to ten"),
                new ConversationTurn(ConversationTurn.Role.ASSISTANT, "One"));
        assertThat(report.turns().get(1).playedText()).isEqualTo("Okay.");
    }

    @Test
    void aFalseAlarmReplaysTheCutSamplesSoTheListenerHearsTheWholeAnswerOnce() throws Exception {
        Scenario user = Scenario.at(16_000).silence(500).speech("u1", 1000).silence(900).speech("cough", 60)
                .silence(3000);
        QueuedSpeaker speaker = new QueuedSpeaker(QUEUE_FRAMES * FRAME);

        SessionReport report = run(user, ScriptedRecognizer.of("count to ten"), ScriptedResponder.of(LONG_ANSWER),
                speaker);

        TurnReport t1 = report.turns().get(0);
        assertThat(t1.falseAlarms()).isEqualTo(1);
        assertThat(t1.bargedIn()).isFalse();
        assertThat(t1.playedText()).isEqualTo(LONG_ANSWER);
        // It resumes at the sample the listener last heard, not the last one written.
        assertThat(only(SessionEvent.BargeInResumed.class).resumedAtSample()).isEqualTo(18L * FRAME);
        float[] heard = speaker.heard.samples();
        int answerAt = 2 * OUT_RATE;
        assertSine(heard, answerAt, 0, 18 * FRAME);
        int resumedAt = firstNonZero(heard, answerAt + 18 * FRAME);
        assertThat(resumedAt).as("the answer heard again after the pause").isGreaterThan(answerAt + 18 * FRAME);
        // From there the sine continues at the very sample where the listener stopped hearing it, to its end.
        assertSine(heard, resumedAt, 18L * FRAME, 2 * OUT_RATE - 18 * FRAME);
        assertThat(lastNonZero(heard, resumedAt + 2 * OUT_RATE - 18 * FRAME, heard.length)).isEqualTo(-1);
    }

    private SessionReport run(Scenario user, ScriptedRecognizer asr, ScriptedResponder responder, AudioSink sink)
            throws InterruptedException {
        VoicePipeline pipeline = VoicePipeline.builder()
                .vad(EnergyVad::new)
                .asr(() -> asr)
                .tts(SineSynthesizer::new)
                .responder(responder)
                .clock(new VirtualClock())
                .listener(events::add)
                .build();
        try (VoiceSession session = pipeline.openSession(
                AudioSources.memory(user.sampleRateHz(), user.samples()), sink)) {
            session.start();
            assertThat(session.awaitTermination(Duration.ofSeconds(60))).isTrue();
            return session.report();
        }
    }

    private <T extends SessionEvent> T only(Class<T> type) {
        List<T> found = events.stream().filter(type::isInstance).map(type::cast).toList();
        assertThat(found).as(type.getSimpleName()).hasSize(1);
        return found.get(0);
    }

    /**
     * A speaker that plays what was written {@code queueSamples} later, like a sound device's buffer: it reports what
     * is queued, and {@link #discardQueued()} drops it unheard. {@link #heard} is what reached the listener, in order.
     */
    private static final class QueuedSpeaker implements AudioSink {
        final AudioSinks.MemorySink heard = AudioSinks.memory(OUT_RATE);
        private final float[] queue;
        private int head;
        private int queued;

        QueuedSpeaker(int queueSamples) {
            this.queue = new float[queueSamples];
        }

        @Override
        public int sampleRateHz() {
            return OUT_RATE;
        }

        @Override
        public void write(float[] samples, int offset, int length) {
            for (int i = 0; i < length; i++) {
                if (queued == queue.length) {
                    heard.write(queue, head, 1); // the oldest sample plays
                    head = (head + 1) % queue.length;
                    queued--;
                }
                queue[(head + queued++) % queue.length] = samples[offset + i];
            }
        }

        @Override
        public int playbackDelaySamples() {
            return queued;
        }

        @Override
        public int discardQueued() {
            int n = queued;
            queued = 0;
            return n;
        }

        @Override
        public void close() {
            for (; queued > 0; queued--) { // the rest plays out
                heard.write(queue, head, 1);
                head = (head + 1) % queue.length;
            }
        }
    }
}
