package io.github.voicechat.internal.session;

import io.github.voicechat.IllegalTransitionException;
import io.github.voicechat.SessionState;
import java.util.function.Consumer;

/**
 * Enforces {@link SessionState}'s transition table and reports each move with its audio-time stamp. A running
 * session's state is not kept here: it is its {@link Conversation}'s phase's, whose table is checked against
 * {@link SessionState}'s when it is built. This machine reports the end of a session that failed before its
 * conversation existed. Owned by one thread; {@link #state()} may be read from any thread.
 */
final class StateMachine {

    /** A move between states at a position in audio time (samples of the session's input stream). */
    public record Transition(SessionState from, SessionState to, long atSample, double atMs) {
    }

    /** {@link SessionState}'s transition table, read once: a move looks it up, with no call into the enum. */
    private static final boolean[][] ALLOWED = new boolean[SessionState.values().length][SessionState.values().length];

    static {
        for (SessionState from : SessionState.values()) {
            for (SessionState to : SessionState.values()) {
                ALLOWED[from.ordinal()][to.ordinal()] = from.canMoveTo(to);
            }
        }
    }

    private final int sampleRateHz;
    private final Consumer<Transition> listener;
    private volatile SessionState state = SessionState.IDLE;

    public StateMachine(int sampleRateHz, Consumer<Transition> listener) {
        this.sampleRateHz = sampleRateHz;
        this.listener = listener;
    }

    public SessionState state() {
        return state;
    }

    /**
     * Moves to {@code to} at audio position {@code atSample}.
     *
     * @throws IllegalTransitionException naming both states if the table does not allow it
     */
    public void moveTo(SessionState to, long atSample) {
        SessionState from = state;
        if (!ALLOWED[from.ordinal()][to.ordinal()]) {
            throw new IllegalTransitionException(from, to);
        }
        state = to;
        double atMs = atSample * 1000.0 / sampleRateHz;
        listener.accept(new Transition(from, to, atSample, atMs));
    }
}
