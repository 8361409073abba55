package io.github.voicechat.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of bad input closes the one connection with a clear code and reason, releases its session, and leaves
 * the server serving the next client.
 */
class BadInputTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String HELLO = "{\"type\":\"hello\",\"v\":1}";

    private static TestEdge edge;

    @BeforeAll
    static void start() throws Exception {
        edge = TestEdge.scripted(b -> b.maxSessions(2), "hi");
    }

    /**
     * Every test leaves the shared edge with no session. The server frees a slot when it sees the client's close, a
     * moment after the client closed: without this wait the next test may find a slot still held (the session-cap
     * test did, in CI).
     */
    @AfterEach
    void everySessionIsReleased() throws InterruptedException {
        assertThat(edge.bridge.awaitNoSessions(WAIT)).as("the test's sessions released").isTrue();
    }

    @AfterAll
    static void stop() {
        edge.close();
    }

    /** One bad conversation: what the client sends, and the close it must get. */
    record Case(String name, Consumer<WsTestClient> send, int code, String reason) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> cases() {
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("text that is not JSON", c -> c.send("hello"), CloseCodes.UNSUPPORTED_DATA,
                "text messages must be JSON objects"));
        cases.add(new Case("broken JSON", c -> c.send("{\"type\":"), CloseCodes.UNSUPPORTED_DATA,
                "text messages must be JSON objects"));
        cases.add(new Case("a JSON array", c -> c.send("[1,2]"), CloseCodes.UNSUPPORTED_DATA,
                "text messages must be JSON objects"));
        cases.add(new Case("base64 audio as text after hello", c -> {
            c.send(HELLO);
            c.send("AAAAAAAAAAAAAAAAAAAAAAAA");
        }, CloseCodes.UNSUPPORTED_DATA, "audio goes in binary messages"));
        cases.add(new Case("no type", c -> c.send("{\"v\":1}"), CloseCodes.POLICY_VIOLATION, "needs a \"type\""));
        cases.add(new Case("unknown type", c -> c.send("{\"type\":\"dance\"}"), CloseCodes.POLICY_VIOLATION,
                "unknown message type \"dance\""));
        cases.add(new Case("no version", c -> c.send("{\"type\":\"hello\"}"), CloseCodes.POLICY_VIOLATION,
                "unsupported protocol version (none)"));
        cases.add(new Case("version 2", c -> c.send("{\"type\":\"hello\",\"v\":2}"), CloseCodes.POLICY_VIOLATION,
                "unsupported protocol version 2"));
        cases.add(new Case("wrong input rate", c -> c.send("{\"type\":\"hello\",\"v\":1,\"inRateHz\":44100}"),
                CloseCodes.POLICY_VIOLATION, "inRateHz 44100 is not supported"));
        cases.add(new Case("wrong output rate", c -> c.send("{\"type\":\"hello\",\"v\":1,\"outRateHz\":22050}"),
                CloseCodes.POLICY_VIOLATION, "outRateHz 22050 is not supported; ask for one of [16000, 24000, 48000]"));
        cases.add(new Case("rate as a string", c -> c.send("{\"type\":\"hello\",\"v\":1,\"outRateHz\":\"48k\"}"),
                CloseCodes.POLICY_VIOLATION, "outRateHz must be an integer"));
        cases.add(new Case("hello twice", c -> {
            c.send(HELLO);
            c.send(HELLO);
        }, CloseCodes.POLICY_VIOLATION, "hello sent twice"));
        cases.add(new Case("typed text before hello", c -> c.send("{\"type\":\"text\",\"text\":\"hi\"}"),
                CloseCodes.POLICY_VIOLATION, "a text turn before hello"));
        cases.add(new Case("blank typed text", c -> {
            c.send(HELLO);
            c.send("{\"type\":\"text\",\"text\":\"  \"}");
        }, CloseCodes.POLICY_VIOLATION, "non-blank \"text\""));
        cases.add(new Case("audio before hello", c -> c.sendBinary(new byte[640]), CloseCodes.POLICY_VIOLATION,
                "audio before hello"));
        cases.add(new Case("odd byte count", c -> {
            c.send(HELLO);
            c.sendBinary(new byte[641]);
        }, CloseCodes.POLICY_VIOLATION, "odd byte count 641"));
        cases.add(new Case("a partial frame", c -> {
            c.send(HELLO);
            c.sendBinary(new byte[600]);
        }, CloseCodes.POLICY_VIOLATION, "600 bytes is not a whole number of 20 ms frames (640 bytes each)"));
        cases.add(new Case("an empty audio message", c -> {
            c.send(HELLO);
            c.sendBinary(new byte[0]);
        }, CloseCodes.POLICY_VIOLATION, "empty audio message"));
        cases.add(new Case("an oversized audio message", c -> {
            c.send(HELLO);
            c.sendBinary(new byte[6 * 640]);
        }, CloseCodes.POLICY_VIOLATION, "audio message of 3840 bytes is over the cap of 5 frames (3200 bytes)"));
        cases.add(new Case("an oversized text message", c -> c.send("{\"type\":\"text\",\"text\":\""
                + "x".repeat(9000) + "\"}"), CloseCodes.POLICY_VIOLATION, "is over the cap of 8192 bytes"));
        cases.add(new Case("a message over the transport's hard cap", c -> c.sendBinary(new byte[200_000]),
                1009, ""));
        cases.add(new Case("audio faster than real time", c -> {
            c.send(HELLO);
            for (int i = 0; i < 300; i++) { // 6 s of audio at once: a catch-up burst is 5 s at most
                c.sendBinary(new byte[640]);
            }
        }, CloseCodes.POLICY_VIOLATION, "audio is arriving faster than real time (more than 5000 ms ahead)"));
        return cases.stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badInputClosesTheConnectionWithACodeAndAReason(Case c) throws Exception {
        WsTestClient client = edge.connect();
        try {
            try {
                c.send().accept(client);
            } catch (CompletionException e) {
                // the server closed while we were still sending: that is the point
            }
            WsTestClient.Closed closed = client.awaitClose(WAIT);
            assertThat(closed.code()).as("close code for %s, then %s", c, client.summary()).isEqualTo(c.code());
            assertThat(closed.reason()).contains(c.reason());
        } finally {
            client.close();
        }
        assertThat(edge.bridge.awaitNoSessions(WAIT)).as("session released").isTrue();
        assertServerStillServes();
    }

    @Test
    void messageRateIsCapped() throws Exception {
        try (TestEdge strict = TestEdge.scripted(b -> b.maxMessagesPerSecond(60), "hi");
                WsTestClient client = strict.connect()) {
            client.send(HELLO);
            client.awaitType("ready", WAIT);
            Throwable sending = catchThrowable(() -> {
                for (int i = 0; i < 600; i++) { // 60 a second, plus a 5 s burst: 300
                    client.send("{\"type\":\"text\",\"text\":\"spam " + i + "\"}");
                }
            });
            WsTestClient.Closed closed = client.awaitClose(WAIT);
            assertThat(closed.code()).as("%s (sending: %s)", client.summary(), sending).isEqualTo(
                    CloseCodes.POLICY_VIOLATION);
            assertThat(closed.reason()).isEqualTo("more than 60 messages a second (beyond a burst of 5 s)");
            assertThat(strict.bridge.awaitNoSessions(WAIT)).isTrue();
        }
    }

    @Test
    void overTheSessionCapTheNextConnectionIsToldToTryAgainLater() throws Exception {
        try (WsTestClient first = edge.connect(); WsTestClient second = edge.connect()) {
            first.send(HELLO);
            second.send(HELLO);
            first.awaitType("ready", WAIT);
            second.awaitType("ready", WAIT);
            WsTestClient third = edge.connect();
            WsTestClient.Closed closed = third.awaitClose(WAIT);
            assertThat(closed.code()).isEqualTo(CloseCodes.TRY_AGAIN_LATER);
            assertThat(closed.reason()).isEqualTo("server busy: all 2 session slots are in use; try again later");
            assertThat(first.isClosed()).isFalse();
            assertThat(edge.bridge.activeSessions()).isEqualTo(2);
        }
        assertThat(edge.bridge.awaitNoSessions(WAIT)).isTrue();
        assertServerStillServes();
    }

    @Test
    void aSilentClientIsClosedAfterTheIdleTimeout() throws Exception {
        try (TestEdge idle = TestEdge.scripted(b -> b.idleTimeout(Duration.ofMillis(300)), "hi");
                WsTestClient client = idle.connect()) {
            client.send(HELLO);
            client.awaitType("ready", WAIT);
            WsTestClient.Closed closed = client.awaitClose(WAIT);
            assertThat(closed.code()).isEqualTo(CloseCodes.GOING_AWAY);
            assertThat(closed.reason()).isEqualTo("idle: no message for 300 ms");
            assertThat(idle.bridge.awaitNoSessions(WAIT)).isTrue();
        }
    }

    @Test
    void anotherSitesPageIsRefusedAndListedOrSameOriginsAreNot() throws Exception {
        try (TestEdge strict = TestEdge.scripted(b -> b.allowedOrigins("https://app.example.com/"), "hi")) {
            assertHandshakeRefused(strict, 403, "Origin", "http://evil.example");
            assertHandshakeRefused(strict, 403, "Origin", "null");
            try (WsTestClient listed = strict.connect("Origin", "https://app.example.com");
                    WsTestClient same = strict.connect("Origin", "http://127.0.0.1:" + strict.server.port());
                    WsTestClient none = strict.connect()) {
                for (WsTestClient c : List.of(listed, same, none)) {
                    c.send(HELLO);
                    c.awaitType("ready", WAIT);
                }
            }
        }
    }

    @Test
    void theAuthenticationHookGuardsTheUpgrade() throws Exception {
        try (TestEdge guarded = TestEdge.scripted(b -> b.authenticator(VoiceBridge.bearerToken("s3cret")), "hi")) {
            assertHandshakeRefused(guarded, 401);
            assertHandshakeRefused(guarded, 401, "Authorization", "Bearer wrong");
            try (WsTestClient header = guarded.connect("Authorization", "Bearer s3cret");
                    WsTestClient query = WsTestClient.connect(guarded.http,
                            java.net.URI.create(guarded.ws() + "?access_token=s3cret"))) {
                header.send(HELLO);
                query.send(HELLO);
                header.awaitType("ready", WAIT);
                query.awaitType("ready", WAIT);
            }
        }
    }

    @Test
    void aThrowingAuthenticationHookRefusesRatherThanAdmits() throws Exception {
        try (TestEdge guarded = TestEdge.scripted(b -> b.authenticator(r -> {
            throw new IllegalStateException("token store down");
        }), "hi")) {
            assertHandshakeRefused(guarded, 401);
        }
    }

    private static void assertHandshakeRefused(TestEdge e, int status, String... headers) {
        Throwable t = catchThrowable(() -> e.connect(headers));
        assertThat(t).isInstanceOf(ExecutionException.class);
        assertThat(t.getCause()).isInstanceOf(WebSocketHandshakeException.class);
        assertThat(((WebSocketHandshakeException) t.getCause()).getResponse().statusCode()).isEqualTo(status);
    }

    private static void assertServerStillServes() throws Exception {
        try (WsTestClient ok = edge.connect()) {
            ok.send(HELLO);
            assertThat(ok.awaitType("ready", WAIT).json().get("outRateHz").asInt()).isEqualTo(48_000);
        }
    }

    @Test
    void limitsTooSmallForTheProtocolAreRefusedAtBuild() {
        assertThatThrownBy(() -> VoiceBridge.builder(TestEdge.scriptedPipeline()).maxMessagesPerSecond(10).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("audio alone is 50");
    }
}
