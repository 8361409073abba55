package io.github.voicechat;

/** A session was asked to move between two states the transition table does not connect. */
public final class IllegalTransitionException extends VoicechatException {
    private static final long serialVersionUID = 1L;
    private final SessionState from;
    private final SessionState to;

    public IllegalTransitionException(SessionState from, SessionState to) {
        super("illegal session transition " + from + " -> " + to + "; from " + from + " only "
                + from.successors() + " are allowed");
        this.from = from;
        this.to = to;
    }

    public SessionState from() {
        return from;
    }

    public SessionState to() {
        return to;
    }
}
