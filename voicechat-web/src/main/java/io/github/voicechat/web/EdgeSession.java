package io.github.voicechat.web;

import io.github.voicechat.SessionEvent;
import io.github.voicechat.SessionState;
import io.github.voicechat.VoiceSession;
import io.github.voicechat.web.internal.InboundAudio;
import io.github.voicechat.web.internal.OutboundAudio;
import io.github.voicechat.web.internal.Protocol;
import io.github.voicechat.web.internal.TokenBucket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection bridged to one {@link VoiceSession}. The transport calls {@link #onText}, {@link #onAudio}
 * and {@link #onClosed} (from its own threads, never concurrently for one connection); the session's events go back
 * as JSON, its audio as binary frames.
 *
 * <p>Life: the connection waits for the hello; a valid hello opens and starts the session and is answered with
 * {@code ready}; {@code end}, the session ending by itself, a protocol violation, the idle timeout or the transport
 * closing end it. However it ends, the session is closed (its threads joined, its engines released) off the
 * transport's threads, and only then is its slot given back.
 */
public final class EdgeSession {

    private static final Logger log = LoggerFactory.getLogger(EdgeSession.class);
    /** Jitter buffer: start once 40 ms are queued; hold at most 500 ms. */
    private static final int TARGET_FRAMES_MS = 40;
    private static final int CAPACITY_MS = 500;
    /** A client that reads no audio for this long is cut off. */
    private static final int STALL_LIMIT_MS = 1_000;
    /**
     * How far ahead of real time, counted over the whole connection, a client's audio and its messages may run
     * before it is refused: a stall (network, browser, or this server starved of CPU) is followed by a catch-up
     * burst, and that must not cost the user the call. The jitter buffer drops what is late anyway.
     */
    private static final int BURST_MS = 5_000;

    private enum Phase { AWAITING_HELLO, RUNNING, CLOSED }

    private final VoiceBridge bridge;
    private final EdgeTransport transport;
    private final EdgeFormats formats;
    private final String id;
    private final TokenBucket messageRate;
    private final TokenBucket audioRate;

    private Phase phase = Phase.AWAITING_HELLO;
    private volatile long lastMessageNanos;
    private volatile VoiceSession session;
    private volatile InboundAudio inbound;
    private volatile int inFrameBytes;
    private volatile boolean retired;

    // Written and read on the session's thread (its listener and its sink).
    private volatile SessionState state = SessionState.IDLE;
    private boolean audioSinceClear;

    EdgeSession(VoiceBridge bridge, EdgeTransport transport, EdgeFormats formats, String id, boolean admitted) {
        this.bridge = bridge;
        this.transport = transport;
        this.formats = formats;
        this.id = id;
        this.messageRate = new TokenBucket(bridge.limits().maxMessagesPerSecond(),
                bridge.limits().maxMessagesPerSecond() * BURST_MS / 1000.0, bridge.nanoClock());
        this.audioRate = new TokenBucket(1000.0 / formats.frameMs(), (double) BURST_MS / formats.frameMs(),
                bridge.nanoClock());
        this.lastMessageNanos = bridge.nanoClock().getAsLong();
        if (!admitted) {
            phase = Phase.CLOSED;
            retired = true;
        }
    }

    /** {@return an id for logs and the {@code ready} message} */
    public String id() {
        return id;
    }

    /** {@return the session's last reported state ({@code IDLE} before the hello)} */
    public SessionState state() {
        return state;
    }

    /** {@return whether the connection is still bridged (false once closed for any reason)} */
    public synchronized boolean isOpen() {
        return phase != Phase.CLOSED;
    }

    // ------------------------------------------------------------------ from the transport

    /**
     * A text message arrived.
     *
     * @param text the text message
     */
    public void onText(String text) {
        if (!admit()) {
            return;
        }
        int cap = bridge.limits().maxTextMessageBytes();
        if (text.length() > cap || text.getBytes(StandardCharsets.UTF_8).length > cap) {
            violation(CloseCodes.POLICY_VIOLATION, "text message of " + text.getBytes(StandardCharsets.UTF_8).length
                    + " bytes is over the cap of " + cap + " bytes");
            return;
        }
        Protocol.Inbound message;
        try {
            message = Protocol.parse(text, formats);
        } catch (Protocol.Violation v) {
            violation(v.code(), v.getMessage());
            return;
        }
        if (message instanceof Protocol.Hello hello) {
            onHello(hello);
        } else if (message instanceof Protocol.TypedText typed) {
            VoiceSession s = runningSession("a text turn");
            if (s != null) {
                s.submitText(typed.text());
            }
        } else if (message instanceof Protocol.End) {
            synchronized (this) {
                if (phase == Phase.AWAITING_HELLO) {
                    closeAndRetire(CloseCodes.NORMAL, "ended before hello");
                    return;
                }
            }
            InboundAudio in = inbound;
            if (in != null) {
                in.end(); // the session answers what it heard, then ends by itself and we close
            }
        }
    }

    /**
     * A binary message (audio) arrived.
     *
     * @param pcm16le little-endian 16-bit mono PCM
     */
    public void onAudio(ByteBuffer pcm16le) {
        if (!admit()) {
            return;
        }
        if (runningSession("audio") == null) {
            return;
        }
        int bytes = pcm16le.remaining();
        int frameBytes = inFrameBytes;
        int maxFrames = bridge.limits().maxAudioFramesPerMessage();
        if (bytes > maxFrames * frameBytes) {
            violation(CloseCodes.POLICY_VIOLATION, "audio message of " + bytes + " bytes is over the cap of "
                    + maxFrames + " frames (" + maxFrames * frameBytes + " bytes)");
        } else if (bytes == 0) {
            violation(CloseCodes.POLICY_VIOLATION, "empty audio message");
        } else if ((bytes & 1) == 1) {
            violation(CloseCodes.POLICY_VIOLATION, "odd byte count " + bytes
                    + ": audio is PCM16LE, two bytes a sample");
        } else if (bytes % frameBytes != 0) {
            violation(CloseCodes.POLICY_VIOLATION, bytes + " bytes is not a whole number of " + formats.frameMs()
                    + " ms frames (" + frameBytes + " bytes each)");
        } else if (!audioRate.tryTake(bytes / frameBytes)) {
            violation(CloseCodes.POLICY_VIOLATION, "audio is arriving faster than real time (more than "
                    + BURST_MS + " ms ahead)");
        } else {
            inbound.push(pcm16le);
        }
    }

    /** The connection closed (either side, for any reason). Idempotent. */
    public void onClosed() {
        synchronized (this) {
            phase = Phase.CLOSED;
        }
        retire();
    }

    /** Counts the message and checks the message rate; false if the connection is closed or now closing. */
    private boolean admit() {
        synchronized (this) {
            if (phase == Phase.CLOSED) {
                return false;
            }
        }
        lastMessageNanos = bridge.nanoClock().getAsLong();
        if (!messageRate.tryTake(1)) {
            violation(CloseCodes.POLICY_VIOLATION, "more than " + bridge.limits().maxMessagesPerSecond()
                    + " messages a second (beyond a burst of " + BURST_MS / 1000 + " s)");
            return false;
        }
        return true;
    }

    /** The running session, or null after closing with a violation that names {@code what} came before hello. */
    private VoiceSession runningSession(String what) {
        synchronized (this) {
            if (phase == Phase.RUNNING) {
                return session;
            }
        }
        if (isOpen()) {
            violation(CloseCodes.POLICY_VIOLATION, what + " before hello: send {\"type\":\"hello\",\"v\":1} first");
        }
        return null;
    }

    private void onHello(Protocol.Hello hello) {
        VoiceSession s;
        synchronized (this) {
            if (phase != Phase.AWAITING_HELLO) {
                if (phase == Phase.RUNNING) {
                    closeAndRetire(CloseCodes.POLICY_VIOLATION, "hello sent twice");
                }
                return;
            }
            InboundAudio in = new InboundAudio(hello.inRateHz(), formats.frameSamples(hello.inRateHz()),
                    CAPACITY_MS / formats.frameMs(), TARGET_FRAMES_MS / formats.frameMs());
            OutboundAudio out = new OutboundAudio(hello.outRateHz(), formats.frameSamples(hello.outRateHz()),
                    new AudioChannel(), STALL_LIMIT_MS / formats.frameMs());
            try {
                s = bridge.pipeline().openSession(in, out, this::onEvent);
            } catch (RuntimeException e) {
                log.warn("edge session {}: cannot open a voice session: {}", id, e.toString());
                closeAndRetire(CloseCodes.INTERNAL_ERROR, "cannot open a session: " + e.getMessage());
                return;
            }
            inbound = in;
            inFrameBytes = 2 * formats.frameSamples(hello.inRateHz());
            session = s;
            phase = Phase.RUNNING;
            transport.sendText(Protocol.ready(id, hello.inRateHz(), hello.outRateHz(), formats.frameMs()));
        }
        log.debug("edge session {}: {} Hz in, {} Hz out", id, hello.inRateHz(), hello.outRateHz());
        try {
            s.start();
        } catch (IllegalStateException closedMeanwhile) {
            // The socket closed between the hello and here, and the housekeeping thread closed the session first.
        }
    }

    // ------------------------------------------------------------------ from the session's thread

    private void onEvent(SessionEvent event) {
        if (event instanceof SessionEvent.StateChanged changed) {
            state = changed.to();
        }
        for (String json : Protocol.encode(event)) {
            transport.sendText(json);
        }
        if (event instanceof SessionEvent.BargeInPaused e) {
            clearIfAudioSent(e.turn(), e.atMs());
        } else if (event instanceof SessionEvent.BargeInConfirmed e) {
            clearIfAudioSent(e.turn(), e.atMs());
        } else if (event instanceof SessionEvent.TurnCompleted e && e.report().bargedIn()) {
            clearIfAudioSent(e.report().turn(), e.atMs()); // a typed turn or new speech cut the answer off
        } else if (event instanceof SessionEvent.SessionEnded e) {
            onSessionEnded(e.reason());
        }
    }

    /**
     * The one rule for {@code clear}: whenever the session abandons bot audio it has already sent, the client must
     * drop what it still holds, or its buffer would keep talking over the user.
     */
    private void clearIfAudioSent(int turn, double atMs) {
        if (audioSinceClear) {
            audioSinceClear = false;
            transport.sendText(Protocol.clear(turn, atMs));
        }
    }

    private void onSessionEnded(String reason) {
        boolean failed = reason.startsWith("failed");
        synchronized (this) {
            if (phase == Phase.CLOSED) {
                return; // we ended it (violation, idle, transport closed): the close code is already chosen
            }
            closeAndRetire(failed ? CloseCodes.INTERNAL_ERROR : CloseCodes.NORMAL, "session ended: " + reason);
        }
    }

    /** The session's sink reports through this; all on the session's thread. */
    private final class AudioChannel implements OutboundAudio.Channel {
        @Override
        public boolean speaking() {
            return state == SessionState.SPEAKING;
        }

        @Override
        public boolean send(ByteBuffer pcm16le) {
            audioSinceClear = true;
            return transport.sendAudio(pcm16le);
        }

        @Override
        public void stalled(long frames) {
            violation(CloseCodes.POLICY_VIOLATION, "the client read no audio for " + frames * formats.frameMs()
                    + " ms");
        }
    }

    // ------------------------------------------------------------------ ending

    /** Closes for a broken rule or limit: the reason goes to the client as the close reason. */
    void violation(int code, String reason) {
        log.debug("edge session {}: closing {} {}", id, code, reason);
        synchronized (this) {
            if (phase == Phase.CLOSED) {
                return;
            }
            closeAndRetire(code, reason);
        }
    }

    /** The housekeeping sweep: closes a connection that sent nothing for the idle timeout. */
    void checkIdle(long nowNanos, long idleNanos) {
        if (nowNanos - lastMessageNanos > idleNanos) {
            violation(CloseCodes.GOING_AWAY, "idle: no message for " + idleNanos / 1_000_000L + " ms");
        }
    }

    /** Caller holds the lock. */
    private void closeAndRetire(int code, String reason) {
        phase = Phase.CLOSED;
        transport.close(code, reason);
        retire();
    }

    private void retire() {
        synchronized (this) {
            if (retired) {
                return;
            }
            retired = true;
        }
        bridge.retire(this, session);
    }
}
