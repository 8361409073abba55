package io.github.voicechat;

import java.util.EnumSet;
import java.util.Set;

/**
 * The states of a voice session.
 *
 * <pre>
 * IDLE ─► LISTENING ─► THINKING ─► SPEAKING ─► BARGED_IN
 *            ▲  ▲           │          │  ▲         │ false alarm: resume from the paused sample
 *            │  └───────────┘          │  └─────────┘
 *            │   (empty answer, user   │            │ confirmed: stop, cancel, flush
 *            │    spoke again)         ▼            ▼
 *            └──────────────── response played ◄── LISTENING
 * any state ─► TERMINATED
 * </pre>
 *
 * THINKING is the time between the end of the user's turn and the first bot audio; BARGED_IN is output paused on
 * possible user speech, awaiting confirmation.
 */
public enum SessionState {
    /** Opened, not started. */
    IDLE,
    /** Waiting for, or hearing, the user's turn. */
    LISTENING,
    /** The user's turn ended: transcribing and answering, no bot audio yet. */
    THINKING,
    /** Playing the answer. */
    SPEAKING,
    /** Output paused on possible user speech, awaiting confirmation. */
    BARGED_IN,
    /** Ended; no state follows. */
    TERMINATED;

    private Set<SessionState> next;

    static {
        IDLE.next = EnumSet.of(LISTENING, TERMINATED);
        LISTENING.next = EnumSet.of(THINKING, TERMINATED);
        THINKING.next = EnumSet.of(SPEAKING, LISTENING, TERMINATED);
        SPEAKING.next = EnumSet.of(BARGED_IN, LISTENING, TERMINATED);
        BARGED_IN.next = EnumSet.of(SPEAKING, LISTENING, TERMINATED);
        TERMINATED.next = EnumSet.noneOf(SessionState.class);
    }

    /**
     * {@return whether the transition table allows moving from this state to {@code to}}
     *
     * @param to the next state
     */
    public boolean canMoveTo(SessionState to) {
        return next.contains(to);
    }

    /** {@return the states reachable in one step} */
    public Set<SessionState> successors() {
        return EnumSet.copyOf(next.isEmpty() ? EnumSet.noneOf(SessionState.class) : next);
    }
}
