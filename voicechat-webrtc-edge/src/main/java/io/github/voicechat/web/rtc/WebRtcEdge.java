package io.github.voicechat.web.rtc;

import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.RTCConfiguration;
import dev.onvoid.webrtc.RTCIceServer;
import io.github.voicechat.web.CloseCodes;
import io.github.voicechat.web.EdgeFormats;
import io.github.voicechat.web.EdgeSession;
import io.github.voicechat.web.HandshakeRequest;
import io.github.voicechat.web.HttpEndpoint;
import io.github.voicechat.web.HttpResponse;
import io.github.voicechat.web.VoiceBridge;
import io.github.voicechat.web.rtc.internal.NativeLedger;
import io.github.voicechat.web.rtc.internal.OfferValidator;
import io.github.voicechat.web.rtc.internal.RtcPeer;
import io.github.voicechat.web.rtc.internal.RtcRuntime;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebRTC edge: a browser connects straight to an in-process WebRTC peer (webrtc-java), no media server. Each
 * connection is one {@link VoiceBridge} session, exactly as over the WebSocket edge: the same Origin allow-list,
 * authentication hook, session cap and idle timeout, and over a data channel the same protocol v1 JSON messages.
 * Audio travels as Opus: the browser's microphone track feeds the session's input, the session's output is pushed
 * into a track back.
 *
 * <p>Signalling is WHIP-style, mounted on the {@link io.github.voicechat.web.WebServer} (or any server, through
 * {@link #handle}): {@code POST /rtc} with the SDP offer ({@code application/sdp}) answers {@code 201} with the SDP
 * answer, ICE gathering complete (no trickle), and {@code Location: /rtc/<id>}; {@code DELETE} on that resource ends
 * the session. An offer is validated in Java before libwebrtc sees it (garbage, huge, no audio, no Opus: 4xx).
 *
 * <pre>{@code
 * VoiceBridge bridge = VoiceBridge.builder(pipeline).build();
 * try (WebRtcEdge rtc = WebRtcEdge.builder(bridge).build();
 *      WebServer server = WebServer.builder(bridge).route(WebRtcEdge.PATH, rtc).start()) { ... }
 * bridge.close();
 * }</pre>
 *
 * <p>One {@link PeerConnectionFactory} on a headless audio device module serves every peer of every edge in the
 * process: libwebrtc's own threads (signalling, worker, network, one playout thread pulling every peer's decoded
 * audio each 10 ms), started on first use and kept for the process's life (see {@code RtcRuntime} for why webrtc-java
 * 0.14 allows no other lifecycle), plus one serial thread of this edge ({@code voicechat-rtc}). A peer adds no thread
 * of its own. {@link #close()} closes every peer, frees every native object the edge created and ends its thread;
 * close it before the bridge.
 */
public final class WebRtcEdge implements HttpEndpoint, AutoCloseable {

    /** Where {@code serve} mounts the edge. */
    public static final String PATH = "/rtc";

    /**
     * What the WebRTC edge carries to the session: 48 kHz mono in 20 ms frames both ways (Opus decodes to 48 kHz;
     * the session resamples for its engines). A client's hello may leave the rates out.
     */
    public static final EdgeFormats FORMATS = new EdgeFormats(Set.of(48_000), Set.of(48_000), 20);

    private static final Logger log = LoggerFactory.getLogger(WebRtcEdge.class);
    private static final AtomicLong IDS = new AtomicLong();
    private static final Optional<String> UNAVAILABLE = probe();

    private final VoiceBridge bridge;
    private final String path;
    private final RTCConfiguration configuration;
    private final long gatheringTimeoutMs;
    private final PeerConnectionFactory factory;
    private final ScheduledThreadPoolExecutor serial;
    private final NativeLedger ledger = new NativeLedger();
    private final Map<String, RtcPeer> peers = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private WebRtcEdge(Builder b) {
        this.bridge = b.bridge;
        this.path = b.path;
        this.gatheringTimeoutMs = b.gatheringTimeout.toMillis();
        this.configuration = new RTCConfiguration();
        configuration.iceServers = new ArrayList<>(b.iceServers);
        if (b.minPort > 0) {
            configuration.portAllocatorConfig.minPort = b.minPort;
            configuration.portAllocatorConfig.maxPort = b.maxPort;
        }
        UNAVAILABLE.ifPresent(reason -> {
            throw new IllegalStateException(reason);
        });
        this.serial = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "voicechat-rtc");
            t.setDaemon(true);
            return t;
        });
        serial.setRemoveOnCancelPolicy(true);
        this.factory = RtcRuntime.factory();
    }

    /**
     * A WebRTC edge for {@code bridge}'s sessions.
     *
     * @param bridge what each peer's session is bridged to; the caller closes it
     * @return a builder
     */
    public static Builder builder(VoiceBridge bridge) {
        return new Builder(bridge);
    }

    /**
     * Why webrtc-java's native library cannot be used here (with the line that installs what it needs), or empty.
     * Probing loads the library once and never aborts the JVM.
     *
     * @return the reason, or empty where the edge can run
     */
    public static Optional<String> unavailableReason() {
        return UNAVAILABLE;
    }

    private static Optional<String> probe() {
        try {
            // Loads the native library (a static initialiser) without creating anything.
            Class.forName("dev.onvoid.webrtc.PeerConnectionFactory", true, WebRtcEdge.class.getClassLoader());
            return Optional.empty();
        } catch (LinkageError | ClassNotFoundException e) {
            return Optional.of("webrtc-java's native library did not load (" + e + "); on Debian/Ubuntu: "
                    + "sudo apt-get install -y libpulse0 libudev1 libx11-6 libxfixes3 libxrandr2 libxcomposite1 "
                    + "libdbus-1-3");
        }
    }

    // ------------------------------------------------------------------ HTTP

    @Override
    public CompletionStage<HttpResponse> handle(String method, HandshakeRequest request, byte[] body) {
        String rest = request.path().substring(Math.min(path.length(), request.path().length()));
        if (rest.isEmpty()) {
            return switch (method) {
                case "POST" -> offer(request, body);
                case "OPTIONS" -> done(new HttpResponse(204, "text/plain", new byte[0],
                        Map.of("Accept-Post", "application/sdp", "Allow", "OPTIONS, POST")));
                default -> done(new HttpResponse(405, "text/plain; charset=utf-8",
                        "POST an SDP offer here\n".getBytes(StandardCharsets.UTF_8), Map.of("Allow", "OPTIONS, POST")));
            };
        }
        String id = rest.substring(1);
        if (method.equals("DELETE")) {
            return delete(request, id);
        }
        return done(new HttpResponse(405, "text/plain; charset=utf-8",
                "DELETE this resource to end the session\n".getBytes(StandardCharsets.UTF_8),
                Map.of("Allow", "DELETE")));
    }

    private CompletionStage<HttpResponse> offer(HandshakeRequest request, byte[] body) {
        VoiceBridge.Admission admission = bridge.admit(request);
        if (!admission.accepted()) {
            return done(text(admission.httpStatus(), admission.reason()));
        }
        String type = request.header("content-type").orElse("").toLowerCase(Locale.ROOT);
        if (!type.startsWith("application/sdp")) {
            return done(text(415, "the offer must be sent as Content-Type: application/sdp, was \""
                    + clip(type) + "\""));
        }
        OfferValidator.Offer offer;
        try {
            offer = OfferValidator.validate(body);
        } catch (OfferValidator.Rejected e) {
            return done(text(e.status(), e.getMessage()));
        }
        if (closed) {
            return done(text(503, "server shutting down"));
        }
        String id = "rtc" + IDS.incrementAndGet() + "-" + Long.toHexString(Double.doubleToLongBits(Math.random()));
        RtcPeer peer = new RtcPeer(id, factory, configuration, serial, serial, ledger, p -> peers.remove(p.id()));
        peers.put(id, peer);
        EdgeSession session = bridge.connect(peer, request, FORMATS);
        peer.bind(session);
        if (!session.isOpen()) {
            // Refused (cap reached, bridge closing): the bridge already called peer.close(), which frees nothing yet.
            return done(text(503, bridge.activeSessions() >= bridge.maxSessions()
                    ? "server busy: all " + bridge.maxSessions() + " session slots are in use; try again later"
                    : "server shutting down"));
        }
        String sdp = new String(body, StandardCharsets.US_ASCII);
        CompletableFuture<HttpResponse> reply = new CompletableFuture<>();
        serial.execute(() -> answer(peer, sdp, offer).whenComplete((answer, failure) -> {
            if (failure == null) {
                reply.complete(new HttpResponse(201, "application/sdp", answer.getBytes(StandardCharsets.US_ASCII),
                        Map.of("Location", path + "/" + id, "ETag", "\"" + id + "\"")));
                return;
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            peer.close(CloseCodes.POLICY_VIOLATION, "offer refused: " + cause.getMessage());
            reply.complete(cause instanceof IllegalArgumentException
                    ? text(400, "libwebrtc refused the offer: " + cause.getMessage())
                    : text(503, "the session ended while negotiating: " + cause.getMessage()));
        }));
        return reply;
    }

    /** The peer's answer; anything thrown on the way fails the stage rather than vanishing on the executor. */
    private CompletableFuture<String> answer(RtcPeer peer, String sdp, OfferValidator.Offer offer) {
        try {
            return peer.answer(sdp, offer, gatheringTimeoutMs);
        } catch (RuntimeException | Error e) {
            log.warn("peer {}: could not answer: {}", peer.id(), e.toString());
            return CompletableFuture.failedFuture(new IllegalStateException(e.toString(), e));
        }
    }

    private CompletionStage<HttpResponse> delete(HandshakeRequest request, String id) {
        VoiceBridge.Admission admission = bridge.admit(request);
        if (!admission.accepted()) {
            return done(text(admission.httpStatus(), admission.reason()));
        }
        RtcPeer peer = peers.get(id);
        if (peer == null) {
            return done(text(404, "no such session"));
        }
        peer.close(CloseCodes.NORMAL, "ended by the client (DELETE)");
        return done(text(200, "ended"));
    }

    private static CompletionStage<HttpResponse> done(HttpResponse reply) {
        return CompletableFuture.completedFuture(reply);
    }

    /** A plain-text response: the reason, for a person reading the browser console or a client's log. */
    private static HttpResponse text(int status, String text) {
        return HttpResponse.text(status, "text/plain", text.endsWith("\n") ? text : text + "\n");
    }

    private static String clip(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "...";
    }


    // ------------------------------------------------------------------ state

    /** {@return peers open now (including those negotiating or closing)} */
    public int activePeers() {
        return peers.size();
    }

    /** {@return native objects this edge's peers hold now, by kind (all zero once every peer is torn down)} */
    public Map<String, Integer> liveNativeObjects() {
        return ledger.snapshot();
    }

    /**
     * Waits until every peer is torn down.
     *
     * @param timeout how long to wait at most
     * @return true if that happened within {@code timeout}
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitNoPeers(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!peers.isEmpty()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            // Teardown runs on the serial executor: a no-op task queued behind it returns once it has run.
            CompletableFuture<Void> mark = new CompletableFuture<>();
            serial.execute(() -> mark.complete(null));
            try {
                mark.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                return peers.isEmpty();
            }
        }
        return true;
    }

    /** Closes every peer ("server shutting down"), frees every native object and ends the edge's thread. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (RtcPeer p : List.copyOf(peers.values())) {
            p.close(CloseCodes.GOING_AWAY, "server shutting down");
        }
        try {
            if (!awaitNoPeers(Duration.ofSeconds(30))) {
                log.warn("{} WebRTC peers still closing after 30 s", peers.size());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        serial.shutdown();
        try {
            serial.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (RtcPeer p : List.copyOf(peers.values())) {
            p.teardown(); // only if the executor could not finish them
        }
    }

    /** Configures an edge. */
    public static final class Builder {
        private final VoiceBridge bridge;
        private final List<RTCIceServer> iceServers = new ArrayList<>();
        private String path = PATH;
        private Duration gatheringTimeout = Duration.ofSeconds(3);
        private int minPort;
        private int maxPort;

        private Builder(VoiceBridge bridge) {
            this.bridge = Objects.requireNonNull(bridge, "bridge");
        }

        /**
         * Adds a STUN server ({@code stun:host:port}), for a server behind NAT whose public address the client must
         * learn. None by default: on a LAN or loopback the host candidates suffice.
         *
         * @param url e.g. {@code stun:stun.example.com:3478}
         * @return this builder
         */
        public Builder stunServer(String url) {
            return iceServer(url, null, null);
        }

        /**
         * Adds a TURN server ({@code turn:host:port?transport=udp}, or {@code turns:}) with its credentials.
         *
         * @param url        the server's URL
         * @param username   its username
         * @param credential its credential
         * @return this builder
         */
        public Builder turnServer(String url, String username, String credential) {
            if (username == null || credential == null) {
                throw new IllegalArgumentException("a TURN server needs a username and a credential");
            }
            return iceServer(url, username, credential);
        }

        private Builder iceServer(String url, String username, String credential) {
            String u = Objects.requireNonNull(url, "url").trim();
            if (!u.matches("(?i)(stun|stuns|turn|turns):[^\\s]{1,250}")) {
                throw new IllegalArgumentException("an ICE server URL is stun:, stuns:, turn: or turns: followed by "
                        + "host[:port], was \"" + url + "\"");
            }
            RTCIceServer server = new RTCIceServer();
            server.urls.add(u);
            server.username = username;
            server.password = credential;
            iceServers.add(server);
            return this;
        }

        /**
         * The path the edge is mounted at ({@value WebRtcEdge#PATH}); resources are {@code <path>/<id>}.
         *
         * @param path starts with {@code /}, does not end with one
         * @return this builder
         */
        public Builder path(String path) {
            if (!path.startsWith("/") || path.endsWith("/")) {
                throw new IllegalArgumentException("path must start with / and not end with /, was " + path);
            }
            this.path = path;
            return this;
        }

        /**
         * How long an offer waits for ICE gathering to complete before the answer goes out with the candidates found
         * so far (3 s): host candidates take milliseconds; an unreachable STUN server would take far longer.
         *
         * @param timeout within (0, 60 s]
         * @return this builder
         */
        public Builder gatheringTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero() || timeout.toSeconds() > 60) {
                throw new IllegalArgumentException("gatheringTimeout must be within (0, 60 s], was " + timeout);
            }
            this.gatheringTimeout = timeout;
            return this;
        }

        /**
         * UDP ports for media (a firewall's opening); any by default.
         *
         * @param min the lowest port, at least 1024
         * @param max the highest port, at most 65535
         * @return this builder
         */
        public Builder portRange(int min, int max) {
            if (min < 1024 || max > 65_535 || max < min) {
                throw new IllegalArgumentException("port range must be within 1024..65535, was " + min + ".." + max);
            }
            this.minPort = min;
            this.maxPort = max;
            return this;
        }

        /**
         * Starts the factory and its threads.
         *
         * @return the edge, to mount with {@code WebServer.Builder.route(WebRtcEdge.PATH, edge)}
         * @throws IllegalStateException when webrtc-java's native library cannot load here (the message says what
         *                               to install)
         */
        public WebRtcEdge build() {
            return new WebRtcEdge(this);
        }
    }
}
