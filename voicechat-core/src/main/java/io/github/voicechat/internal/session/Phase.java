package io.github.voicechat.internal.session;

import io.github.voicechat.SessionState;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the conversation is: the only state of the {@link Conversation}. A phase refines the public
 * {@link SessionState} (LISTENING is split by whether the user is speaking, THINKING by whether the transcript is in),
 * and the detector's mode, whether output plays and whether a response exists are read off it, never kept beside it.
 */
enum Phase {
    /** Nobody speaks: listen for the user. */
    LISTENING(SessionState.LISTENING, TurnDetector.Mode.IDLE, false),
    /** The user is speaking. */
    USER_TURN(SessionState.LISTENING, TurnDetector.Mode.USER, false),
    /** The user's turn ended; its transcript is being computed. */
    TRANSCRIBING(SessionState.THINKING, TurnDetector.Mode.IDLE, false),
    /** The transcript is in; the response is being prepared and nothing of it is heard yet. */
    RESPONDING(SessionState.THINKING, TurnDetector.Mode.IDLE, true),
    /** The response is playing. */
    SPEAKING(SessionState.SPEAKING, TurnDetector.Mode.BOT, true),
    /** Output is held on possible speech over the bot. */
    PAUSED(SessionState.BARGED_IN, TurnDetector.Mode.CANDIDATE, true);

    final SessionState state;
    final TurnDetector.Mode detectorMode;
    /** Whether a response exists (submitted, playing or paused). */
    final boolean hasResponse;
    /** Whether output plays: a response exists and is not held. */
    final boolean plays;

    Phase(SessionState state, TurnDetector.Mode detectorMode, boolean hasResponse) {
        this.state = state;
        this.detectorMode = detectorMode;
        this.hasResponse = hasResponse;
        this.plays = hasResponse && state != SessionState.BARGED_IN;
    }

    /** Every (phase, input) pair the {@link Conversation}'s table handles, as "PHASE + INPUT -> NEXT". */
    static List<String> rules() {
        List<String> out = new ArrayList<>();
        for (Phase p : values()) {
            for (Input i : Input.values()) {
                Phase next = Conversation.next(p, i);
                if (next != null) {
                    out.add(p + " + " + i + " -> " + next);
                }
            }
        }
        return out;
    }
}
