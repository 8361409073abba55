package io.github.voicechat.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.voicechat.BargeInPolicy;
import io.github.voicechat.SessionEvent;
import io.github.voicechat.SessionReport;
import io.github.voicechat.VoicePipeline;
import io.github.voicechat.VoiceSession;
import io.github.voicechat.audio.AudioSinks;
import io.github.voicechat.audio.AudioSources;
import io.github.voicechat.audio.WavReader;
import io.github.voicechat.testkit.Scenario;
import io.github.voicechat.testkit.SharedData;
import io.github.voicechat.time.VirtualClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The README's embedding example, as written there, with a recording instead of the microphone. */
class EmbeddingExampleTest {

    @Test
    void theReadmeExampleRunsWithEngineIds() throws Exception {
        float[] user = Scenario.at(16_000).silence(300)
                .clip("q", WavReader.read(SharedData.requireSpeech().resolve("pocketsphinx_goforward.wav")).mono())
                .silence(3_000).samples();
        List<SessionEvent> events = new CopyOnWriteArrayList<>();
        VoicePipeline pipeline = VoicePipeline.builder()
                .vad("silero")
                .asr("sphinx")
                .tts("freetts")
                .responder((request, reply) -> {
                    reply.text("You said " + request.transcript() + ".");
                })
                .bargeIn(BargeInPolicy.builder().confirmMs(200).build())
                .listener(events::add)
                .clock(new VirtualClock())
                .build();
        SessionReport report;
        try (VoiceSession session = pipeline.openSession(
                AudioSources.memory(16_000, user), AudioSinks.memory(48_000))) {
            session.start();
            // The session creates its engines first: Sphinx's load and JIT warm-up take ~10-15 s on an idle 2-core
            // machine, minutes on a shared one under heavy load (benchmarks/ASR-REALTIME.md); then ~4 s of audio.
            assertThat(session.awaitTermination(Duration.ofMinutes(10))).isTrue();
            report = session.report();
            assertThat(session.history()).hasSize(2);
        }
        assertThat(report.turns()).hasSize(1);
        assertThat(report.turns().get(0).transcript()).isEqualTo("go forward ten meters");
        assertThat(report.turns().get(0).playedText()).isEqualTo("You said go forward ten meters.");
        assertThat(events).anyMatch(e -> e instanceof SessionEvent.SynthesisFinished);
    }
}
