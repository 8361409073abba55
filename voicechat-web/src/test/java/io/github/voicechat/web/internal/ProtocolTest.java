package io.github.voicechat.web.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.voicechat.SessionEvent;
import io.github.voicechat.SessionState;
import io.github.voicechat.TurnReport;
import io.github.voicechat.web.CloseCodes;
import io.github.voicechat.web.EdgeFormats;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Protocol v1's JSON, both ways. */
class ProtocolTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final EdgeFormats WS = EdgeFormats.WEBSOCKET_V1;

    @Test
    void helloWithAndWithoutRates() throws Exception {
        assertThat(Protocol.parse("{\"type\":\"hello\",\"v\":1}", WS)).isEqualTo(new Protocol.Hello(16_000, 48_000));
        assertThat(Protocol.parse("{\"type\":\"hello\",\"v\":1,\"inRateHz\":16000,\"outRateHz\":24000}", WS))
                .isEqualTo(new Protocol.Hello(16_000, 24_000));
        assertThat(Protocol.parse("{\"type\":\"text\",\"text\":\"hi\"}", WS)).isEqualTo(new Protocol.TypedText("hi"));
        assertThat(Protocol.parse("{\"type\":\"end\"}", WS)).isEqualTo(new Protocol.End());
    }

    @Test
    void violationsCarryTheirCode() {
        assertThatThrownBy(() -> Protocol.parse("\"just a string\"", WS))
                .isInstanceOfSatisfying(Protocol.Violation.class,
                        v -> assertThat(v.code()).isEqualTo(CloseCodes.UNSUPPORTED_DATA));
        assertThatThrownBy(() -> Protocol.parse("{\"type\":\"hello\",\"v\":1.5}", WS))
                .isInstanceOfSatisfying(Protocol.Violation.class,
                        v -> assertThat(v.code()).isEqualTo(CloseCodes.POLICY_VIOLATION))
                .hasMessageContaining("unsupported protocol version 1.5");
        assertThatThrownBy(() -> Protocol.parse("{\"type\":7}", WS)).hasMessageContaining("\"type\" string");
        assertThatThrownBy(() -> Protocol.parse("{\"type\":\"" + "x".repeat(100) + "\"}", WS))
                .hasMessageContaining("x".repeat(40) + "...");
    }

    @Test
    void eventsBecomeMessagesWithNaNAsNull() throws Exception {
        JsonNode state = only(new SessionEvent.StateChanged(SessionState.LISTENING, SessionState.THINKING, 1500));
        assertThat(state.get("type").asText()).isEqualTo("state");
        assertThat(state.get("from").asText()).isEqualTo("LISTENING");
        assertThat(state.get("to").asText()).isEqualTo("THINKING");
        assertThat(state.get("atMs").asDouble()).isEqualTo(1500.0);
        assertThat(state.get("serverTimeMs").asDouble()).isGreaterThan(1.6e12);

        JsonNode typed = only(new SessionEvent.TranscriptReady(2, "hi", Double.NaN, 40));
        assertThat(typed.get("rtf").isNull()).isTrue();

        JsonNode paused = only(new SessionEvent.BargeInPaused(3, 2400, 20, 2420));
        assertThat(paused.get("type").asText()).isEqualTo("barge_in");
        assertThat(paused.get("phase").asText()).isEqualTo("paused");
        assertThat(paused.get("onsetMs").asDouble()).isEqualTo(2400.0);

        TurnReport report = new TurnReport(1, 0.5, 1.5, "count to ten", "One two three.", "One two", 500, true, 20,
                0);
        List<String> turn = Protocol.encode(new SessionEvent.TurnCompleted(report, 2600));
        assertThat(turn).hasSize(2);
        JsonNode played = JSON.readTree(turn.get(0));
        assertThat(played.get("type").asText()).isEqualTo("played");
        assertThat(played.get("text").asText()).isEqualTo("One two");
        assertThat(played.get("interrupted").asBoolean()).isTrue();
        JsonNode r = JSON.readTree(turn.get(1));
        assertThat(r.get("type").asText()).isEqualTo("turn");
        assertThat(r.get("userStartMs").asDouble()).isEqualTo(500.0);
        assertThat(r.get("responseText").asText()).isEqualTo("One two three.");
        assertThat(r.get("bargeInLatencyMs").asDouble()).isEqualTo(20.0);
        // No model behind the responder: the trace fields are there, as null.
        assertThat(r.get("modelFirstTokenMs").isNull()).isTrue();
        assertThat(r.get("modelFirstClauseMs").isNull()).isTrue();
        TurnReport traced = new TurnReport(2, 3, 4, "hi", "Hello.", "Hello.", 480, false, Double.NaN, 0, 210.5, 320);
        JsonNode t = JSON.readTree(Protocol.encode(new SessionEvent.TurnCompleted(traced, 5000)).get(1));
        assertThat(t.get("modelFirstTokenMs").asDouble()).isEqualTo(210.5);
        assertThat(t.get("modelFirstClauseMs").asDouble()).isEqualTo(320.0);
        assertThat(t.get("bargeInLatencyMs").isNull()).isTrue();

        JsonNode clear = JSON.readTree(Protocol.clear(3, 2420));
        assertThat(clear.get("type").asText()).isEqualTo("clear");
        assertThat(clear.get("turn").asInt()).isEqualTo(3);
    }

    private static JsonNode only(SessionEvent e) throws Exception {
        List<String> out = Protocol.encode(e);
        assertThat(out).hasSize(1);
        return JSON.readTree(out.get(0));
    }
}
