package io.github.voicechat.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.voicechat.web.internal.Protocol;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * What a WebSocket client may send, fuzzed: protocol v1's JSON text messages, and whole conversations of text and
 * binary (PCM16LE) messages into one {@link EdgeSession} over an in-memory transport, with the test kit's engines
 * behind it.
 *
 * <p>What must hold for every input: parsing gives a message of the protocol or a {@link Protocol.Violation} with a
 * close code for it and a one-line reason of bounded length; a connection never throws back into its transport, is
 * closed at most once with one of the {@link CloseCodes} and a reason, answers {@code ready} at most once, sends only
 * JSON objects with a {@code type}, and gives its session slot back once the transport has closed. A crash or a hang
 * ends the fuzzing, which is the finding. Regression inputs: {@code WebSocketMessagesFuzzTestInputs/} (replayed by
 * every build); fuzzing: benchmarks/FUZZING.md.
 */
class WebSocketMessagesFuzzTest {

    private static final EdgeFormats WS = EdgeFormats.WEBSOCKET_V1;
    private static final Set<Integer> CODES = Set.of(CloseCodes.NORMAL, CloseCodes.GOING_AWAY,
            CloseCodes.UNSUPPORTED_DATA, CloseCodes.POLICY_VIOLATION, CloseCodes.INTERNAL_ERROR,
            CloseCodes.TRY_AGAIN_LATER);
    /** A reason quotes at most a clipped piece of what the client sent: it must stay one short line. */
    private static final int MAX_REASON_CHARS = 200;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HandshakeRequest REQUEST = HandshakeRequest.of("/ws", Map.of(), "127.0.0.1:1");
    /** 20 ms of 16 kHz PCM16LE. */
    private static final int FRAME_BYTES = 2 * WS.frameSamples(16_000);

    private static VoiceBridge bridge;

    @BeforeAll
    static void start() {
        bridge = VoiceBridge.builder(TestEdge.scriptedPipeline("hello there", "and again"))
                .maxSessions(1)
                .maxTextMessageBytes(1024)
                .maxAudioFramesPerMessage(4)
                .build();
    }

    @AfterAll
    static void stop() {
        bridge.close();
    }

    @FuzzTest(maxDuration = "10m")
    void parsesOrRefusesClearly(byte[] message) {
        String text = new String(message, StandardCharsets.UTF_8);
        Protocol.Inbound parsed;
        try {
            parsed = Protocol.parse(text, WS);
        } catch (Protocol.Violation v) {
            assertThat(v.code()).isIn(CloseCodes.UNSUPPORTED_DATA, CloseCodes.POLICY_VIOLATION);
            reasonIsOneLine(v.getMessage());
            return;
        }
        if (parsed instanceof Protocol.Hello hello) {
            assertThat(WS.inRatesHz()).contains(hello.inRateHz());
            assertThat(WS.outRatesHz()).contains(hello.outRateHz());
        } else if (parsed instanceof Protocol.TypedText typed) {
            assertThat(typed.text()).isNotBlank();
        } else {
            assertThat(parsed).isInstanceOf(Protocol.End.class);
        }
    }

    @FuzzTest(maxDuration = "10m")
    void bridgesOrClosesClearly(FuzzedDataProvider data) throws Exception {
        RecordingTransport transport = new RecordingTransport();
        EdgeSession edge = bridge.connect(transport, REQUEST);
        int messages = data.consumeInt(1, 12);
        for (int i = 0; i < messages && data.remainingBytes() > 0; i++) {
            switch (data.consumeInt(0, 5)) {
                case 0 -> edge.onText(data.consumeString(1100));
                case 1 -> edge.onText(hello(data));
                case 2 -> edge.onText(typed(data));
                case 3 -> edge.onText("{\"type\":\"end\"}");
                default -> edge.onAudio(audio(data));
            }
        }
        edge.onClosed();
        assertThat(bridge.awaitNoSessions(Duration.ofSeconds(30)))
                .as("the session slot is given back after the transport closed").isTrue();
        transport.check();
    }

    private static void reasonIsOneLine(String reason) {
        assertThat(reason).isNotBlank();
        assertThat(reason.length()).as("reason length: %s", reason).isLessThanOrEqualTo(MAX_REASON_CHARS);
        assertThat(reason.chars().noneMatch(c -> c == '\n' || c == '\r')).as("one line: %s", reason).isTrue();
    }

    /** A hello, mostly valid, with its version and rates sometimes wrong, of another type, or missing. */
    private static String hello(FuzzedDataProvider data) {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", "hello");
        put(n, "v", data, 1);
        put(n, "inRateHz", data, data.pickValue(new int[] {16_000, 8_000, 48_000}));
        put(n, "outRateHz", data, data.pickValue(new int[] {48_000, 24_000, 16_000, 44_100}));
        return n.toString();
    }

    /** {@code value} as an int most of the time; else absent, a string, a fraction, null, huge or any int. */
    private static void put(ObjectNode n, String field, FuzzedDataProvider data, int value) {
        switch (data.consumeInt(0, 9)) {
            case 0 -> { }
            case 1 -> n.put(field, String.valueOf(value));
            case 2 -> n.put(field, value + 0.5);
            case 3 -> n.putNull(field);
            case 4 -> n.put(field, Long.MAX_VALUE);
            case 5 -> n.put(field, data.consumeInt());
            default -> n.put(field, value);
        }
    }

    private static String typed(FuzzedDataProvider data) {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", "text");
        n.put("text", data.consumeString(600));
        return n.toString();
    }

    /** PCM16LE: mostly whole frames, sometimes empty, odd, a partial frame or over the cap. */
    private static ByteBuffer audio(FuzzedDataProvider data) {
        int bytes = switch (data.consumeInt(0, 7)) {
            case 0 -> 0;
            case 1 -> data.consumeInt(1, 6 * FRAME_BYTES);
            case 2 -> FRAME_BYTES + 1;
            case 3 -> 5 * FRAME_BYTES;
            default -> data.consumeInt(1, 4) * FRAME_BYTES;
        };
        byte[] pcm = new byte[bytes];
        byte[] given = data.consumeBytes(bytes);
        System.arraycopy(given, 0, pcm, 0, given.length);
        return ByteBuffer.wrap(pcm);
    }

    /** Records what the edge sends; the session's thread sends too, so everything is synchronized. */
    private static final class RecordingTransport implements EdgeTransport {
        private final List<String> texts = new ArrayList<>();
        private final List<Integer> closeCodes = new ArrayList<>();
        private final List<String> closes = new ArrayList<>();

        @Override
        public synchronized void sendText(String json) {
            texts.add(json);
        }

        @Override
        public boolean sendAudio(ByteBuffer pcm16le) {
            return true;
        }

        @Override
        public synchronized void close(int code, String reason) {
            // Checked in check(): a failed assertion thrown here would land on the session's thread, unseen.
            closeCodes.add(code);
            closes.add(reason);
        }

        synchronized void check() throws Exception {
            assertThat(closes).as("closed at most once").hasSizeLessThanOrEqualTo(1);
            for (int i = 0; i < closes.size(); i++) {
                assertThat(closeCodes.get(i)).as("close code for %s", closes.get(i)).isIn(CODES);
                reasonIsOneLine(closes.get(i));
            }
            int ready = 0;
            for (String t : texts) {
                JsonNode n = JSON.readTree(t);
                assertThat(n.isObject()).as("a JSON object: %s", t).isTrue();
                assertThat(n.path("type").isTextual()).as("with a type: %s", t).isTrue();
                if (n.get("type").asText().equals("ready")) {
                    ready++;
                }
            }
            assertThat(ready).as("ready at most once").isLessThanOrEqualTo(1);
        }
    }
}
