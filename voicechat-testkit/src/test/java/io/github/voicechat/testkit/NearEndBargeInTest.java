package io.github.voicechat.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.voicechat.SessionEvent;
import io.github.voicechat.SessionReport;
import io.github.voicechat.VoicePipeline;
import io.github.voicechat.VoiceSession;
import io.github.voicechat.audio.AudioSinks;
import io.github.voicechat.audio.AudioSource;
import io.github.voicechat.audio.AudioSources;
import io.github.voicechat.spi.EchoCanceller;
import io.github.voicechat.time.VirtualClock;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A barge-in that the echo canceller takes out (issue #16, barge-in at the device): on a sound device with no echo
 * path at all (a headset; the harness's barge-in phase), WebRTC's AEC3 still took the user's voice out while the bot
 * spoke, from -25 dBFS at the microphone to -94 dBFS, so the bot was stopped a second late or not at all
 * ({@code benchmarks/LIVE-DEVICE.md}). Here a canceller that does just that (it silences the microphone whenever the
 * far end sounds) runs on a real-time microphone, on the virtual clock: the session's echo gate finds the user's
 * voice louder than any echo could be and listens to the microphone itself, so the bot pauses at the user's first
 * frame of speech.
 */
class NearEndBargeInTest {

    private static final String LONG_ANSWER = "One two three four five six seven eight nine ten.";

    private final List<SessionEvent> events = new CopyOnWriteArrayList<>();

    @Test
    void aVoiceTheCancellerTakesOutWhileTheBotSpeaksStillStopsTheBotAtItsOnset() throws Exception {
        // The answer starts at 2.0 s and lasts 2 s; the user speaks over it 1.5 s in (the echo gate learns the echo's
        // gain over the speaker's first second).
        Scenario user = Scenario.at(16_000).silence(500).speech("u1", 1000).silence(2000).speech("u2", 1000)
                .silence(1500);

        SessionReport report = run(user, ScriptedRecognizer.of("count to ten", "stop"),
                ScriptedResponder.of(LONG_ANSWER, "Okay."));

        SessionEvent.BargeInPaused paused = only(SessionEvent.BargeInPaused.class);
        assertThat(paused.onsetMs()).as("the pause's onset: the user's first frame, at 3.5 s").isEqualTo(3500.0);
        assertThat(paused.latencyMs()).as("output silent from the next frame boundary").isEqualTo(20.0);
        assertThat(report.turns().get(0).bargedIn()).isTrue();
    }

    @Test
    void withoutSuchACancellerNothingChanges() throws Exception {
        // Control: the same conversation where the canceller leaves the user alone pauses at the same sample.
        Scenario user = Scenario.at(16_000).silence(500).speech("u1", 1000).silence(2000).speech("u2", 1000)
                .silence(1500);

        run(user, ScriptedRecognizer.of("count to ten", "stop"), ScriptedResponder.of(LONG_ANSWER, "Okay."),
                false);

        assertThat(only(SessionEvent.BargeInPaused.class).onsetMs()).isEqualTo(3500.0);
    }

    private SessionReport run(Scenario user, ScriptedRecognizer asr, ScriptedResponder responder) throws Exception {
        return run(user, asr, responder, true);
    }

    private SessionReport run(Scenario user, ScriptedRecognizer asr, ScriptedResponder responder,
            boolean suppressing) throws Exception {
        VoicePipeline pipeline = VoicePipeline.builder()
                .vad(EnergyVad::new)
                .asr(() -> asr)
                .tts(SineSynthesizer::new)
                .responder(responder)
                .echoCanceller(() -> new SuppressingCanceller(suppressing))
                .clock(new VirtualClock())
                .listener(events::add)
                .build();
        try (VoiceSession session = pipeline.openSession(
                realtime(AudioSources.memory(user.sampleRateHz(), user.samples())), AudioSinks.memory(48_000))) {
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

    /** The recording, as a microphone: the session treats it as a sound device (echo gate on). */
    private static AudioSource realtime(AudioSource in) {
        return new AudioSource() {
            @Override
            public int sampleRateHz() {
                return in.sampleRateHz();
            }

            @Override
            public int read(float[] buffer, int offset, int length) throws IOException {
                return in.read(buffer, offset, length);
            }

            @Override
            public boolean isRealtime() {
                return true;
            }

            @Override
            public void close() throws IOException {
                in.close();
            }
        };
    }

    /**
     * What AEC3 did with no echo path: while the far end sounds it takes the microphone out (to -100 dB), whatever is
     * in it; otherwise it passes it through. With {@code suppressing} false it always passes it through.
     */
    private static final class SuppressingCanceller implements EchoCanceller {
        private final boolean suppressing;

        SuppressingCanceller(boolean suppressing) {
            this.suppressing = suppressing;
        }

        @Override
        public int sampleRateHz() {
            return 16_000;
        }

        @Override
        public int frameSamples() {
            return 160;
        }

        @Override
        public void process(float[] far, float[] near, float[] out) {
            boolean farSounds = false;
            for (int i = 0; i < 160; i++) {
                farSounds |= Math.abs(far[i]) > 1e-3f;
            }
            for (int i = 0; i < 160; i++) {
                out[i] = suppressing && farSounds ? near[i] * 1e-5f : near[i];
            }
        }

        @Override
        public void close() {
        }
    }
}
