package io.github.voicechat.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.voicechat.VoicePipeline;
import io.github.voicechat.audio.WavReader;
import io.github.voicechat.testkit.ScriptedResponder;
import io.github.voicechat.testkit.SharedData;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A whole conversation over the WebSocket edge on loopback, with the real default engines (Silero VAD, Sphinx4,
 * FreeTTS) on real recordings from {@code ../shared/speech}, streamed at real time by a JDK WebSocket client: the
 * transcript arrives, bot audio arrives, talking over the bot brings {@code clear} and then no bot audio until the
 * next answer, and {@code end} closes cleanly.
 */
class RealEnginesConversationTest {

    private static final Duration WAIT = Duration.ofSeconds(90);

    @Test
    void conversationWithBargeInOverTheWebSocket() throws Exception {
        Path speech = SharedData.requireSpeech();
        float[] question = WavReader.read(speech.resolve("pocketsphinx_goforward.wav")).mono();
        float[] interruption = WavReader.read(speech.resolve("pocketsphinx_librivox-0880.wav")).mono();
        VoicePipeline pipeline = VoicePipeline.builder()
                .vad("silero")
                .asr("sphinx")
                .tts("freetts")
                .responder(ScriptedResponder.echo())
                // This test is about the edge, not the stuck-engine watchdog: on a saturated machine Sphinx4 has
                // been seen inside one finish() for over the default 15 s while still working.
                .engineTimeoutMs(120_000)
                .build();
        try (TestEdge edge = new TestEdge(pipeline, b -> { });
                WsTestClient client = edge.connect()) {
            client.hello(48_000);
            client.awaitType("ready", WAIT);
            client.startStreaming(); // silence until there is something to say
            client.await(r -> r.type().equals("state") && r.json().get("to").asText().equals("LISTENING"), WAIT);

            client.queue(new float[8_000]);
            client.queue(question);
            JsonNode transcript = client.awaitType("transcript", WAIT).json();
            assertThat(transcript.get("turn").asInt()).isEqualTo(1);
            assertThat(transcript.get("text").asText()).contains("forward");

            // The answer plays; 300 ms into its audible part, the user talks over it.
            client.await(WsTestClient.Received::isAudible, WAIT);
            client.queue(new float[4_800]);
            client.queue(interruption);
            WsTestClient.Received clear = client.awaitType("clear", WAIT);
            assertThat(clear.json().get("turn").asInt()).isEqualTo(1);
            JsonNode confirmed = client.await(r -> r.type().equals("barge_in")
                    && r.json().get("phase").asText().equals("confirmed"), WAIT).json();
            JsonNode played = client.await(r -> r.type().equals("played") && r.json().get("turn").asInt() == 1, WAIT)
                    .json();
            assertThat(played.get("interrupted").asBoolean()).isTrue();
            assertThat(played.get("text").asText()).isEqualTo(confirmed.get("playedText").asText());
            assertThat("You said: " + transcript.get("text").asText() + ".").startsWith(played.get("text").asText());

            // The interruption is the next turn, and is answered in its turn.
            WsTestClient.Received second = client.await(r -> r.type().equals("transcript")
                    && r.json().get("turn").asInt() == 2, WAIT);
            assertThat(second.json().get("text").asText()).isNotBlank();
            client.await(r -> r.type().equals("first_audio") && r.json().get("turn").asInt() == 2, WAIT);

            // Between clear and the next answer (which cannot start before its transcript), not one audible frame.
            List<WsTestClient.Received> all = client.received();
            int from = all.indexOf(clear);
            int to = all.indexOf(second);
            assertThat(all.subList(from, to)).noneMatch(WsTestClient.Received::isAudible);
            assertThat(all.subList(0, from)).filteredOn(WsTestClient.Received::isAudio).allMatch(
                    r -> r.audio().length == 2 * 960, "48 kHz frames of 20 ms");

            client.send("{\"type\":\"end\"}");
            assertThat(client.awaitType("ended", WAIT).json().get("reason").asText()).isEqualTo("source ended");
            WsTestClient.Closed closed = client.awaitClose(WAIT);
            assertThat(closed.code()).isEqualTo(CloseCodes.NORMAL);
            assertThat(edge.bridge.awaitNoSessions(WAIT)).isTrue();
        }
    }
}
