package io.github.voicechat.web.rtc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.voicechat.web.CloseCodes;
import io.github.voicechat.web.VoiceBridge;
import io.github.voicechat.web.rtc.internal.Offers;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The signalling edge: bad offers get a 4xx and never create a native peer; the WebSocket edge's security applies
 * (Origin allow-list, authentication hook, session cap, idle timeout); STUN servers are configurable.
 */
class RtcSignallingTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeEach
    void natives() {
        TestRtcEdge.requireNatives();
    }

    private static HttpResponse<String> get(URI uri) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(URI uri, String contentType, byte[] body, String... headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(WAIT).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> postSdp(URI uri, String sdp, String... headers) throws Exception {
        return post(uri, "application/sdp", sdp.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), headers);
    }

    @Test
    void badOffersGet4xxAndNeverReachNativeCode() throws Exception {
        try (TestRtcEdge edge = new TestRtcEdge(TestRtcEdge.scriptedPipeline("hi"), b -> { }, r -> { })) {
            URI rtc = edge.rtcUri();
            assertThat(postSdp(rtc, "garbage \u0001\u0002").statusCode()).isEqualTo(400);
            HttpResponse<String> huge = postSdp(rtc, Offers.CHROME + "a=x:" + "y".repeat(20_000) + "\r\n");
            assertThat(huge.statusCode()).isEqualTo(413);
            String dataOnly = Offers.CHROME.substring(0, Offers.CHROME.indexOf("m=audio"))
                    + Offers.CHROME.substring(Offers.CHROME.indexOf("m=application"));
            HttpResponse<String> noAudio = postSdp(rtc, dataOnly);
            assertThat(noAudio.statusCode()).isEqualTo(422);
            assertThat(noAudio.body()).contains("no audio m-line");
            HttpResponse<String> pcmu = postSdp(rtc, Offers.audioCodecsOnly("0", "0 PCMU/8000"));
            assertThat(pcmu.statusCode()).isEqualTo(422);
            assertThat(pcmu.body()).contains("Opus");
            assertThat(post(rtc, "application/json", Offers.CHROME.getBytes()).statusCode()).isEqualTo(415);
            assertThat(HTTP.send(HttpRequest.newBuilder(rtc).GET().build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode()).isEqualTo(405);
            assertThat(HTTP.send(HttpRequest.newBuilder(rtc.resolve("/rtc/nope")).DELETE().build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
            // None of it created a peer, a session or a native object.
            assertThat(edge.rtc.liveNativeObjects()).doesNotContainKey("RTCPeerConnection");
            assertThat(edge.bridge.activeSessions()).isZero();

            // An offer that passes the checks but that libwebrtc itself refuses (a fingerprint it cannot parse) is
            // a 400 too, and the peer it began is freed.
            String badFingerprint = Offers.CHROME.replaceAll("a=fingerprint:[^\r]*", "a=fingerprint:sha-256 XYZ");
            HttpResponse<String> refused = postSdp(rtc, badFingerprint);
            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(refused.body()).contains("libwebrtc refused the offer");
            assertThat(edge.rtc.awaitNoPeers(WAIT)).isTrue();
            assertThat(edge.bridge.awaitNoSessions(WAIT)).isTrue();
            assertThat(edge.rtc.liveNativeObjects()).containsEntry("RTCPeerConnection", 0);
        }
    }

    @Test
    void originAllowListAndAuthenticationHook() throws Exception {
        try (TestRtcEdge edge = new TestRtcEdge(TestRtcEdge.scriptedPipeline("hi"),
                b -> b.allowedOrigins("https://app.example.com").authenticator(VoiceBridge.bearerToken("s3cret")),
                r -> { })) {
            URI rtc = edge.rtcUri();
            HttpResponse<String> evil = postSdp(rtc, Offers.CHROME, "Origin", "https://evil.example.com",
                    "Authorization", "Bearer s3cret");
            assertThat(evil.statusCode()).isEqualTo(403);
            assertThat(evil.body()).contains("origin https://evil.example.com is not allowed");
            assertThat(postSdp(rtc, Offers.CHROME, "Origin", "https://app.example.com").statusCode()).isEqualTo(401);
            assertThat(postSdp(rtc, Offers.CHROME, "Authorization", "Bearer wrong").statusCode()).isEqualTo(401);
            assertThat(edge.rtc.liveNativeObjects()).doesNotContainKey("RTCPeerConnection");
            try (RtcTestClient.Side side = new RtcTestClient.Side()) {
                RtcTestClient client = new RtcTestClient(side);
                try {
                    assertThat(client.connect(URI.create(rtc + "?access_token=s3cret"), WAIT, "Origin",
                            "https://app.example.com")).isEqualTo(201);
                    // Ending it takes the same credentials.
                    assertThat(HTTP.send(HttpRequest.newBuilder(client.location).DELETE().build(),
                            HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
                    assertThat(HTTP.send(HttpRequest.newBuilder(client.location).header("Authorization",
                            "Bearer s3cret").DELETE().build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                            .isEqualTo(200);
                    assertThat(client.awaitType("closed", WAIT).json().get("code").asInt())
                            .isEqualTo(CloseCodes.NORMAL);
                } finally {
                    client.close();
                }
            }
        }
    }

    @Test
    void sessionCapAndIdleTimeout() throws Exception {
        try (TestRtcEdge edge = new TestRtcEdge(TestRtcEdge.scriptedPipeline("hi"),
                b -> b.maxSessions(1).idleTimeout(Duration.ofSeconds(2)), r -> { });
                RtcTestClient.Side side = new RtcTestClient.Side()) {
            RtcTestClient first = new RtcTestClient(side);
            RtcTestClient second = new RtcTestClient(side);
            URI ready = edge.server.pageUri().resolve("/ready");
            try {
                assertThat(get(ready).statusCode()).isEqualTo(200);
                assertThat(first.connect(edge.rtcUri(), WAIT)).isEqualTo(201);
                // A WebRTC session takes a slot like a WebSocket one: the load balancer's readiness says full.
                HttpResponse<String> full = get(ready);
                assertThat(full.statusCode()).isEqualTo(503);
                assertThat(full.body()).isEqualTo("{\"ready\":false,\"sessions\":1,\"maxSessions\":1}\n");
                assertThat(second.connect(edge.rtcUri(), WAIT)).isEqualTo(503);
                assertThat(second.answerSdp).contains("all 1 session slots are in use");
                // The first never says hello (its audio flows, but counts for nothing before it): the idle timeout
                // closes it, and the slot is free again.
                first.startStreaming();
                RtcTestClient.Message closed = first.awaitType("closed", WAIT);
                assertThat(closed.json().get("code").asInt()).isEqualTo(CloseCodes.GOING_AWAY);
                assertThat(closed.json().get("reason").asText()).startsWith("idle");
                assertThat(edge.bridge.awaitNoSessions(WAIT)).isTrue();
                assertThat(edge.rtc.awaitNoPeers(WAIT)).isTrue();
                HttpResponse<String> free = get(ready);
                assertThat(free.statusCode()).isEqualTo(200);
                assertThat(free.body()).isEqualTo("{\"ready\":true,\"sessions\":0,\"maxSessions\":1}\n");
            } finally {
                first.close();
                second.close();
            }
            RtcTestClient third = new RtcTestClient(side);
            try {
                assertThat(third.connect(edge.rtcUri(), WAIT)).isEqualTo(201);
            } finally {
                third.close();
            }
        }
    }

    @Test
    void stunServerIsAskedDuringGathering() throws Exception {
        try (DatagramSocket stun = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            stun.setSoTimeout((int) WAIT.toMillis());
            try (TestRtcEdge edge = new TestRtcEdge(TestRtcEdge.scriptedPipeline("hi"), b -> { },
                    r -> r.stunServer("stun:127.0.0.1:" + stun.getLocalPort()).gatheringTimeout(Duration.ofSeconds(1)));
                    RtcTestClient.Side side = new RtcTestClient.Side()) {
                RtcTestClient client = new RtcTestClient(side);
                try {
                    // Nobody answers the STUN server's requests: the answer still comes, after the gathering
                    // timeout, with the host candidates.
                    assertThat(client.connect(edge.rtcUri(), WAIT)).isEqualTo(201);
                    assertThat(client.answerSdp).contains("a=candidate:");
                    DatagramPacket p = new DatagramPacket(new byte[1500], 1500);
                    stun.receive(p);
                    ByteBuffer b = ByteBuffer.wrap(p.getData(), 0, p.getLength());
                    assertThat(b.getShort(0)).as("STUN Binding Request").isEqualTo((short) 0x0001);
                    assertThat(b.getInt(4)).as("STUN magic cookie").isEqualTo(0x2112A442);
                } finally {
                    client.close();
                }
            }
        }
        assertThatThrownBy(() -> WebRtcEdge.builder(VoiceBridge.builder(TestRtcEdge.scriptedPipeline()).build())
                .stunServer("http://example.com")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("stun:");
        assertThatThrownBy(() -> WebRtcEdge.builder(VoiceBridge.builder(TestRtcEdge.scriptedPipeline()).build())
                .turnServer("turn:example.com:3478", null, "x")).isInstanceOf(IllegalArgumentException.class);
    }
}
