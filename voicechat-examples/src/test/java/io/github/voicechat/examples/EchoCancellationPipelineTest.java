package io.github.voicechat.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.voicechat.SessionEvent;
import io.github.voicechat.SessionReport;
import io.github.voicechat.VoicePipeline;
import io.github.voicechat.VoiceSession;
import io.github.voicechat.audio.WavReader;
import io.github.voicechat.spi.EchoCanceller;
import io.github.voicechat.spi.EngineOptions;
import io.github.voicechat.spi.Engines;
import io.github.voicechat.spi.SpeechSynthesizer;
import io.github.voicechat.spi.VoiceActivityDetector;
import io.github.voicechat.testkit.EchoRoom;
import io.github.voicechat.testkit.Scenario;
import io.github.voicechat.testkit.ScriptedRecognizer;
import io.github.voicechat.testkit.ScriptedResponder;
import io.github.voicechat.testkit.SharedData;
import io.github.voicechat.testkit.SystemPackages;
import io.github.voicechat.time.VirtualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The bot hears itself: its speech (FreeTTS) comes back into the microphone through a simulated room, and the
 * barge-in detector (Silero v6) listens to the echo-cancelled stream (WebRTC AEC3).
 */
class EchoCancellationPipelineTest {

    private static final String ANSWER = "Thank you for calling. The weather today is sunny with a light breeze from"
            + " the west, and tomorrow will be much the same, so enjoy the sunshine while it lasts.";

    private final List<SessionEvent> events = new CopyOnWriteArrayList<>();

    private SessionReport talk(float[] user, int delayMs, boolean aec) throws Exception {
        EchoRoom room = new EchoRoom(16_000, user, 48_000, delayMs, -6);
        VoicePipeline.Builder b = VoicePipeline.builder()
                .vad(() -> Engines.find(VoiceActivityDetector.class, "silero-vad-v6").create(EngineOptions.EMPTY))
                .asr(() -> ScriptedRecognizer.of("what is the weather", "stop"))
                .tts(() -> Engines.find(SpeechSynthesizer.class, "freetts").create(EngineOptions.EMPTY))
                .responder(ScriptedResponder.of(ANSWER, "Okay."))
                .clock(new VirtualClock())
                .listener(events::add);
        if (aec) {
            SystemPackages.require("webrtc-java's native library (echo canceller)",
                    Engines.find(EchoCanceller.class, "webrtc-aec").unavailableReason(), SystemPackages.WEBRTC_JAVA);
            b.echoCanceller(() -> Engines.find(EchoCanceller.class, "webrtc-aec").create(EngineOptions.EMPTY));
        }
        try (VoiceSession session = b.build().openSession(room.microphone(), room.speaker())) {
            session.start();
            assertThat(session.awaitTermination(Duration.ofSeconds(120))).isTrue();
            return session.report();
        }
    }

    private static float[] question() throws Exception {
        Path speech = SharedData.requireSpeech();
        return WavReader.read(speech.resolve("pocketsphinx_goforward.wav")).mono();
    }

    private long pauses() {
        return events.stream().filter(e -> e instanceof SessionEvent.BargeInPaused).count();
    }

    @ParameterizedTest(name = "echo delay {0} ms")
    @ValueSource(ints = {20, 60, 120})
    void withTheEchoCancellerTheBotNeverInterruptsItself(int delayMs) throws Exception {
        float[] user = Scenario.at(16_000).silence(300).clip("question", question()).silence(12_000).samples();
        SessionReport report = talk(user, delayMs, true);
        assertThat(report.turns()).hasSize(1);
        assertThat(pauses()).as("barge-in pauses during the whole answer").isZero();
        assertThat(report.turns().get(0).bargedIn()).isFalse();
        assertThat(report.turns().get(0).playedText()).isEqualTo(ANSWER);
    }

    @Test
    void withoutItTheEchoTriggersABargeIn() throws Exception {
        float[] user = Scenario.at(16_000).silence(300).clip("question", question()).silence(12_000).samples();
        SessionReport report = talk(user, 60, false);
        assertThat(pauses()).as("barge-in pauses caused by the bot's own echo").isPositive();
        assertThat(report.turns().get(0).playedText()).isNotEqualTo(ANSWER);
    }

    @Test
    void realUserSpeechOverTheEchoStillBargesIn() throws Exception {
        Path speech = SharedData.requireSpeech();
        float[] interruption = WavReader.read(speech.resolve("pocketsphinx_librivox-0880.wav")).mono();
        // The question, then the user talks over the answer about 2 s after it starts.
        float[] q = question();
        float[] user = Scenario.at(16_000).silence(300).clip("question", q).silence(2_500)
                .clip("interruption", interruption).silence(4_000).samples();
        SessionReport report = talk(user, 60, true);
        assertThat(report.turns().get(0).bargedIn()).isTrue();
        assertThat(report.turns().get(0).playedText()).isNotEmpty().isNotEqualTo(ANSWER);
        assertThat(report.turns().get(0).bargeInLatencyMs()).isBetween(0.0, 50.0);
        assertThat(report.turns()).hasSize(2);
    }
}
