package io.github.voicechat.web;

/**
 * The WebSocket close codes the edge uses (RFC 6455 section 7.4), one meaning each. The close reason says what
 * exactly went wrong, in words, for a person reading the browser console or a client's log.
 */
public final class CloseCodes {

    /** The session ended: the client sent {@code end}, or the session finished by itself. */
    public static final int NORMAL = 1000;
    /** The server is shutting down, or the client sent nothing for the idle timeout. */
    public static final int GOING_AWAY = 1001;
    /** A text message that is not a JSON object: audio belongs in binary messages, control in JSON text. */
    public static final int UNSUPPORTED_DATA = 1003;
    /**
     * The client broke protocol v1 or a limit: no hello first, a wrong version or rate, an unknown message, an odd
     * byte count or partial frame, a message over its size cap, or messages or audio faster than allowed.
     */
    public static final int POLICY_VIOLATION = 1008;
    /** The session failed inside the server (an engine could not start); the reason names the failure. */
    public static final int INTERNAL_ERROR = 1011;
    /** Every session slot is taken: try again later. */
    public static final int TRY_AGAIN_LATER = 1013;

    private CloseCodes() {
    }
}
