package io.github.voicechat.web;

import io.github.voicechat.VoicePipeline;
import io.github.voicechat.VoiceSession;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transport-neutral edge: turns client connections into {@link VoiceSession}s of one {@link VoicePipeline}, one
 * session per connection, and enforces what a server owes its host — an Origin allow-list, an authentication hook, a
 * cap on concurrent sessions, caps on message size and rate, and an idle timeout.
 *
 * <p>A transport (the embedded {@link WebServer}, or a host's own WebSocket endpoint) calls {@link #admit} on the
 * upgrade request, {@link #connect} once the connection is open, and then feeds the returned {@link EdgeSession}.
 * The module README shows the glue for a host's server.
 *
 * <pre>{@code
 * VoiceBridge bridge = VoiceBridge.builder(pipeline).maxSessions(4).build();
 * try (WebServer server = WebServer.builder(bridge).port(8080).start()) { ... }
 * bridge.close();
 * }</pre>
 *
 * <p>The pipeline runs on the real clock and paces its sources (the builder's defaults): the session, not the
 * client, is the clock, reading one frame of the client's audio and playing one frame of its own every 20 ms. Build it
 * without {@code outputSampleRateHz}, so that each client's hello picks the output rate.
 *
 * <p>The bridge owns one daemon thread ({@code voicechat-web-housekeeping}) for the idle sweep and for closing
 * sessions off the transport's threads; {@link #close()} ends it.
 */
public final class VoiceBridge implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(VoiceBridge.class);
    private static final AtomicLong CONNECTION_IDS = new AtomicLong();

    /**
     * What a connection may send.
     *
     * @param maxTextMessageBytes      largest text message in bytes of UTF-8
     * @param maxAudioFramesPerMessage most frames in one audio message
     * @param maxMessagesPerSecond     messages a second, of any kind, averaged over a second
     */
    public record Limits(int maxTextMessageBytes, int maxAudioFramesPerMessage, int maxMessagesPerSecond) {
        /**
         * Checks that the limits leave room for protocol v1.
         *
         * @param maxTextMessageBytes      largest text message in bytes of UTF-8, at least 256
         * @param maxAudioFramesPerMessage most frames in one audio message, at least 1
         * @param maxMessagesPerSecond     messages a second, at least 60 (audio alone is 50)
         */
        public Limits {
            if (maxTextMessageBytes < 256 || maxAudioFramesPerMessage < 1 || maxMessagesPerSecond < 60) {
                throw new IllegalArgumentException("limits too small to speak protocol v1: text " + maxTextMessageBytes
                        + " bytes (min 256), " + maxAudioFramesPerMessage + " frames a message (min 1), "
                        + maxMessagesPerSecond + " messages a second (min 60: audio alone is 50)");
            }
        }
    }

    /**
     * The verdict on an upgrade request: accepted, or the HTTP status and reason to refuse it with.
     *
     * @param accepted   whether the connection may open
     * @param httpStatus 101 when accepted, else the status to refuse it with
     * @param reason     why it was refused, else empty
     */
    public record Admission(boolean accepted, int httpStatus, String reason) {
        static final Admission ACCEPTED = new Admission(true, 101, "");
    }

    private final VoicePipeline pipeline;
    private final int maxSessions;
    private final long idleNanos;
    private final Limits limits;
    private final Set<String> allowedOrigins;
    private final boolean anyOrigin;
    private final Predicate<HandshakeRequest> authenticator;
    private final LongSupplier nanoClock;
    private final ScheduledThreadPoolExecutor housekeeping;
    private final Set<EdgeSession> live = ConcurrentHashMap.newKeySet();
    private final Object slots = new Object();
    private int activeSessions; // guarded by slots
    private volatile boolean closed;

    private VoiceBridge(Builder b) {
        this.pipeline = b.pipeline;
        this.maxSessions = b.maxSessions;
        this.idleNanos = b.idleTimeout.toNanos();
        this.limits = new Limits(b.maxTextMessageBytes, b.maxAudioFramesPerMessage, b.maxMessagesPerSecond);
        this.allowedOrigins = Set.copyOf(b.allowedOrigins);
        this.anyOrigin = allowedOrigins.contains("*");
        this.authenticator = b.authenticator;
        this.nanoClock = System::nanoTime;
        this.housekeeping = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "voicechat-web-housekeeping");
            t.setDaemon(true);
            return t;
        });
        housekeeping.setRemoveOnCancelPolicy(true);
        long sweepMs = Math.max(50, Math.min(1_000, b.idleTimeout.toMillis() / 4));
        housekeeping.scheduleWithFixedDelay(this::sweepIdle, sweepMs, sweepMs, TimeUnit.MILLISECONDS);
    }

    /**
     * Starts a bridge whose connections each get a session of {@code pipeline}.
     *
     * @param pipeline the engines and responder every session uses
     * @return a builder
     */
    public static Builder builder(VoicePipeline pipeline) {
        return new Builder(pipeline);
    }

    /**
     * Judges an upgrade request: the Origin first (a browser page of another site is refused with 403), then the
     * authentication hook (401). The session cap is applied later, in {@link #connect}, so that a refused
     * browser sees a close code and a reason rather than a bare failed handshake.
     *
     * @param request the upgrade request
     * @return whether it may connect, and if not the HTTP status and why
     */
    public Admission admit(HandshakeRequest request) {
        Optional<String> origin = request.origin();
        if (origin.isPresent() && !originAllowed(origin.get(), request.header("host").orElse(""))) {
            return new Admission(false, 403, "origin " + origin.get() + " is not allowed");
        }
        boolean authenticated;
        try {
            authenticated = authenticator.test(request);
        } catch (RuntimeException e) {
            log.warn("authentication hook failed: {}", e.toString());
            authenticated = false;
        }
        if (!authenticated) {
            return new Admission(false, 401, "authentication required");
        }
        return Admission.ACCEPTED;
    }

    /**
     * The same origin as the server (the page it serves) is always allowed; others only if listed or if the list
     * holds {@code *}. A client that sends no Origin is not a browser, and an Origin check cannot stop it anyway:
     * that is the authentication hook's job.
     */
    private boolean originAllowed(String origin, String host) {
        String o = normalizeOrigin(origin);
        if (anyOrigin || allowedOrigins.contains(o)) {
            return true;
        }
        try {
            URI u = URI.create(o);
            return u.getRawAuthority() != null && u.getRawAuthority().equalsIgnoreCase(host);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String normalizeOrigin(String origin) {
        String o = origin.trim().toLowerCase(Locale.ROOT);
        return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
    }

    /**
     * {@link #connect(EdgeTransport, HandshakeRequest, EdgeFormats)} for WebSocket protocol v1.
     *
     * @param transport the open connection
     * @param request the upgrade request
     * @return the bridged session
     */
    public EdgeSession connect(EdgeTransport transport, HandshakeRequest request) {
        return connect(transport, request, EdgeFormats.WEBSOCKET_V1);
    }

    /**
     * Bridges a connection that is now open (the request already {@linkplain #admit admitted}). Over the session
     * cap, or once the bridge is closed, the connection is closed at once with {@link
     * CloseCodes#TRY_AGAIN_LATER} or {@link CloseCodes#GOING_AWAY} and the returned session ignores whatever
     * else arrives.
     *
     * @param transport the open connection
     * @param request the upgrade request
     * @param formats the audio formats the transport carries
     * @return the bridged session
     */
    public EdgeSession connect(EdgeTransport transport, HandshakeRequest request, EdgeFormats formats) {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(request, "request");
        EdgeFormats effective = restrictToPipeline(formats);
        String id = "c" + CONNECTION_IDS.incrementAndGet();
        String refusal = null;
        int refusalCode = 0;
        synchronized (slots) {
            if (closed) {
                refusalCode = CloseCodes.GOING_AWAY;
                refusal = "server shutting down";
            } else if (activeSessions >= maxSessions) {
                refusalCode = CloseCodes.TRY_AGAIN_LATER;
                refusal = "server busy: all " + maxSessions + " session slots are in use; try again later";
            } else {
                activeSessions++;
            }
        }
        EdgeSession session = new EdgeSession(this, transport, effective, id, refusal == null);
        if (refusal != null) {
            log.debug("connection {} from {} refused: {}", id, request.remoteAddress(), refusal);
            transport.close(refusalCode, refusal);
            return session;
        }
        live.add(session);
        log.debug("connection {} from {} bridged", id, request.remoteAddress());
        return session;
    }

    /** A pipeline fixed to one output rate can only serve that rate. */
    private EdgeFormats restrictToPipeline(EdgeFormats formats) {
        int fixed = pipeline.outputSampleRateHz();
        if (fixed == 0 || formats.outRatesHz().equals(Set.of(fixed))) {
            return formats;
        }
        if (!formats.outRatesHz().contains(fixed)) {
            throw new IllegalStateException("the pipeline plays at " + fixed + " Hz but this transport carries "
                    + formats.outRatesHz() + " Hz; build the pipeline without outputSampleRateHz");
        }
        return new EdgeFormats(formats.inRatesHz(), Set.of(fixed), formats.frameMs());
    }

    /** {@return sessions open now (counting those still closing)} */
    public int activeSessions() {
        synchronized (slots) {
            return activeSessions;
        }
    }

    /** {@return the most sessions open at once} */
    public int maxSessions() {
        return maxSessions;
    }

    /**
     * Waits until no session is open or closing; true if that happened within {@code timeout}.
     *
     * @param timeout how long
     * @throws InterruptedException if interrupted while waiting
     * @return whether that happened within {@code timeout}
     */
    public boolean awaitNoSessions(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (slots) {
            while (activeSessions > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(slots, left);
            }
            return true;
        }
    }

    /**
     * Closes every connection ({@link CloseCodes#GOING_AWAY}, "server shutting down"), waits up to 30 s for their
     * sessions to end, and stops the housekeeping thread. Idempotent.
     */
    @Override
    public void close() {
        synchronized (slots) {
            if (closed) {
                return;
            }
            closed = true;
        }
        for (EdgeSession s : new ArrayList<>(live)) {
            s.violation(CloseCodes.GOING_AWAY, "server shutting down");
        }
        boolean interrupted = false;
        try {
            if (!awaitNoSessions(Duration.ofSeconds(30))) {
                log.warn("{} sessions still closing after 30 s", activeSessions());
            }
        } catch (InterruptedException e) {
            interrupted = true;
        }
        housekeeping.shutdown();
        try {
            housekeeping.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            interrupted = true;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ for EdgeSession

    VoicePipeline pipeline() {
        return pipeline;
    }

    Limits limits() {
        return limits;
    }

    LongSupplier nanoClock() {
        return nanoClock;
    }

    /** Closes the session (joining its threads) on the housekeeping thread, then frees the slot. */
    void retire(EdgeSession edge, VoiceSession session) {
        live.remove(edge);
        Runnable close = () -> {
            try {
                if (session != null) {
                    session.close();
                }
            } catch (RuntimeException e) {
                log.warn("closing session of connection {} failed: {}", edge.id(), e.toString());
            } finally {
                synchronized (slots) {
                    activeSessions--;
                    slots.notifyAll();
                }
            }
        };
        try {
            housekeeping.execute(close);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            close.run(); // the bridge is closed: nobody else will
        }
    }

    private void sweepIdle() {
        long now = nanoClock.getAsLong();
        for (EdgeSession s : live) {
            s.checkIdle(now, idleNanos);
        }
    }

    /**
     * An authentication hook that accepts {@code Authorization: Bearer TOKEN}, or {@code ?access_token=TOKEN}
     * (RFC 6750) for browsers, which cannot set headers on a WebSocket. Compares in constant time.
     *
     * @param token the shared secret
     * @return the authenticator
     */
    public static Predicate<HandshakeRequest> bearerToken(String token) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("a bearer token must not be blank");
        }
        byte[] expected = token.getBytes(StandardCharsets.UTF_8);
        return request -> {
            String presented = request.header("authorization")
                    .filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7))
                    .map(h -> h.substring(7).trim())
                    .or(() -> request.queryParameter("access_token"))
                    .orElse("");
            return MessageDigest.isEqual(expected, presented.getBytes(StandardCharsets.UTF_8));
        };
    }

    /** Configures a bridge; every limit has a default that suits a browser client. */
    public static final class Builder {
        private final VoicePipeline pipeline;
        private int maxSessions = 4;
        private Duration idleTimeout = Duration.ofSeconds(30);
        private int maxTextMessageBytes = 8 * 1024;
        private int maxAudioFramesPerMessage = 5;
        private int maxMessagesPerSecond = 100;
        private final Set<String> allowedOrigins = new LinkedHashSet<>();
        private Predicate<HandshakeRequest> authenticator = r -> true;

        private Builder(VoicePipeline pipeline) {
            this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
        }

        /**
         * Concurrent sessions (4): each holds its own engines, and a recogniser wants most of a core.
         *
         * @param max how many
         * @return this builder
         */
        public Builder maxSessions(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxSessions must be at least 1, was " + max);
            }
            this.maxSessions = max;
            return this;
        }

        /**
         * A connection that sends nothing for this long is closed (30 s; the page streams audio all the time).
         *
         * @param timeout how long
         * @return this builder
         */
        public Builder idleTimeout(Duration timeout) {
            if (timeout.toMillis() < 100) {
                throw new IllegalArgumentException("idleTimeout must be at least 100 ms, was " + timeout);
            }
            this.idleTimeout = timeout;
            return this;
        }

        /**
         * Largest text message in bytes of UTF-8 (8 KiB).
         *
         * @param bytes the limit
         * @return this builder
         */
        public Builder maxTextMessageBytes(int bytes) {
            this.maxTextMessageBytes = bytes;
            return this;
        }

        /**
         * Most frames in one audio message (5, i.e. 100 ms: a client may batch, but not hoard).
         *
         * @param frames the limit
         * @return this builder
         */
        public Builder maxAudioFramesPerMessage(int frames) {
            this.maxAudioFramesPerMessage = frames;
            return this;
        }

        /**
         * Messages a second, of any kind, averaged over a second (100; audio alone is 50).
         *
         * @param messages the limit
         * @return this builder
         */
        public Builder maxMessagesPerSecond(int messages) {
            this.maxMessagesPerSecond = messages;
            return this;
        }

        /**
         * Browser origins allowed besides the server's own, e.g. {@code https://app.example.com}; {@code *}
         * allows any. By default only pages from the same origin (and clients that send no Origin) may connect.
         *
         * @param origins the origins, scheme://host[:port], or *
         * @return this builder
         */
        public Builder allowedOrigins(String... origins) {
            for (String o : origins) {
                allowedOrigins.add(normalizeOrigin(o));
            }
            return this;
        }

        /**
         * Judges each upgrade request after the Origin check; false refuses it with 401. For example {@link
         * VoiceBridge#bearerToken(String)}. By default every request is accepted: fine on 127.0.0.1, not beyond.
         *
         * @param authenticator true for a request that may connect
         * @return this builder
         */
        public Builder authenticator(Predicate<HandshakeRequest> authenticator) {
            this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
            return this;
        }

        /**
         * Builds the bridge and starts its housekeeping thread (idle timeouts); close it when done.
         *
         * @return the bridge
         */
        public VoiceBridge build() {
            new Limits(maxTextMessageBytes, maxAudioFramesPerMessage, maxMessagesPerSecond); // validates
            return new VoiceBridge(this);
        }
    }

    /** {@return allowed origins, for logs and the CLI} */
    public List<String> allowedOrigins() {
        return List.copyOf(allowedOrigins);
    }
}
