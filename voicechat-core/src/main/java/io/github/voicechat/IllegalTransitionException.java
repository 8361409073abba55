package io.github.voicechat;

/** A session was asked to move between two states the transition table does not connect. */
public final class IllegalTransitionException extends VoicechatException {
    private static final long serialVersionUID = 1L;
    /** The state the session was in. */
    private final SessionState from;
    /** The state it was asked to move to. */
    private final SessionState to;

    /**
     * A refused transition.
     *
     * @param from the state the session was in
     * @param to   the state it was asked to move to
     */
    public IllegalTransitionException(SessionState from, SessionState to) {
        super("illegal session transition " + from + " -> " + to + "; from " + from + " only "
                + from.successors() + " are allowed");
        this.from = from;
        this.to = to;
    }

    /** {@return the state the session was in} */
    public SessionState from() {
        return from;
    }

    /** {@return the state it was asked to move to} */
    public SessionState to() {
        return to;
    }
}
