package io.github.voicechat.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.voicechat.testkit.Scenario;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Protocol v1 end to end on loopback with the test-kit engines (the real engines: RealEnginesConversationTest). */
class EdgeConversationTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void helloSpeechAnswerEndAndACleanClose() throws Exception {
        try (TestEdge edge = TestEdge.scripted(b -> { }, "hello there");
                WsTestClient client = edge.connect()) {
            client.hello(24_000);
            JsonNode ready = client.awaitType("ready", WAIT).json();
            assertThat(ready.get("v").asInt()).isEqualTo(1);
            assertThat(ready.get("inRateHz").asInt()).isEqualTo(16_000);
            assertThat(ready.get("outRateHz").asInt()).isEqualTo(24_000);
            assertThat(ready.get("frameMs").asInt()).isEqualTo(20);

            client.queue(Scenario.at(16_000).silence(300).speech("u", 800).silence(1200).samples());
            client.startStreaming();
            JsonNode transcript = client.awaitType("transcript", WAIT).json();
            assertThat(transcript.get("text").asText()).isEqualTo("hello there");
            WsTestClient.Received audio = client.await(WsTestClient.Received::isAudible, WAIT);
            assertThat(audio.audio()).hasSize(2 * 480); // one 20 ms frame at 24 kHz
            JsonNode played = client.awaitType("played", WAIT).json();
            assertThat(played.get("text").asText()).isEqualTo("You said: hello there.");
            assertThat(played.get("interrupted").asBoolean()).isFalse();
            JsonNode turn = client.awaitType("turn", WAIT).json();
            assertThat(turn.get("transcript").asText()).isEqualTo("hello there");
            assertThat(turn.get("firstAudioLatencyMs").asDouble()).isPositive();

            client.send("{\"type\":\"end\"}");
            JsonNode ended = client.awaitType("ended", WAIT).json();
            assertThat(ended.get("reason").asText()).isEqualTo("source ended");
            WsTestClient.Closed closed = client.awaitClose(WAIT);
            assertThat(closed.code()).isEqualTo(CloseCodes.NORMAL);
            assertThat(closed.reason()).isEqualTo("session ended: source ended");
            assertThat(edge.bridge.awaitNoSessions(WAIT)).isTrue();
        }
    }
}
