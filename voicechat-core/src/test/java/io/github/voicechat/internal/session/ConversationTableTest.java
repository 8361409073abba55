package io.github.voicechat.internal.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.voicechat.SessionState;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The session's behaviour is one table. These tests pin it: every rule, every move it makes is one the public
 * {@link SessionState} table allows, and everything else (the detector's mode, whether a response exists) is read
 * off the phase.
 */
class ConversationTableTest {

    @Test
    void theTableIsExactlyThis() {
        assertThat(Phase.rules()).containsExactly(
                "LISTENING + SPEECH_STARTED -> USER_TURN",
                "LISTENING + TEXT_TYPED -> RESPONDING",
                "USER_TURN + SPEECH_ENDED -> TRANSCRIBING",
                "USER_TURN + SPEECH_PAUSED -> USER_TURN",
                "USER_TURN + SPEECH_RESUMED -> USER_TURN",
                "USER_TURN + TEXT_TYPED -> USER_TURN",
                "TRANSCRIBING + SPEECH_STARTED -> USER_TURN",
                "TRANSCRIBING + TRANSCRIPT -> RESPONDING",
                "TRANSCRIBING + NOTHING_HEARD -> LISTENING",
                "TRANSCRIBING + TEXT_TYPED -> LISTENING",
                "RESPONDING + SPEECH_STARTED -> USER_TURN",
                "RESPONDING + FIRST_AUDIO_PLAYED -> SPEAKING",
                "RESPONDING + RESPONSE_PLAYED -> LISTENING",
                "RESPONDING + RESPONSE_STALLED -> LISTENING",
                "RESPONDING + TEXT_TYPED -> LISTENING",
                "SPEAKING + SPEECH_OVER_BOT -> PAUSED",
                "SPEAKING + BARGE_IN_CONFIRMED -> USER_TURN",
                "SPEAKING + RESPONSE_PLAYED -> LISTENING",
                "SPEAKING + RESPONSE_STALLED -> LISTENING",
                "SPEAKING + TEXT_TYPED -> LISTENING",
                "PAUSED + NOISE_ENDED -> SPEAKING",
                "PAUSED + BARGE_IN_CONFIRMED -> USER_TURN",
                "PAUSED + RESPONSE_STALLED -> LISTENING",
                "PAUSED + TEXT_TYPED -> LISTENING");
    }

    @Test
    void everyMoveIsOneTheSessionStateTableAllowsAndEveryAllowedMoveIsMade() {
        Set<String> made = new java.util.TreeSet<>();
        for (Phase p : Phase.values()) {
            for (Input i : Input.values()) {
                Phase next = Conversation.next(p, i);
                if (next != null && next.state != p.state) {
                    assertThat(p.state.canMoveTo(next.state)).as(p + " + " + i).isTrue();
                    made.add(p.state + "->" + next.state);
                }
            }
        }
        Set<String> allowed = new java.util.TreeSet<>();
        for (SessionState s : EnumSet.of(SessionState.LISTENING, SessionState.THINKING, SessionState.SPEAKING,
                SessionState.BARGED_IN)) {
            for (SessionState t : s.successors()) {
                if (t != SessionState.TERMINATED) {
                    allowed.add(s + "->" + t);
                }
            }
        }
        assertThat(made).isEqualTo(allowed);
    }

    @Test
    void theDetectorsModeAndTheResponseAreReadOffThePhase() {
        assertThat(Phase.LISTENING.detectorMode).isEqualTo(TurnDetector.Mode.IDLE);
        assertThat(Phase.USER_TURN.detectorMode).isEqualTo(TurnDetector.Mode.USER);
        assertThat(Phase.TRANSCRIBING.detectorMode).isEqualTo(TurnDetector.Mode.IDLE);
        assertThat(Phase.RESPONDING.detectorMode).isEqualTo(TurnDetector.Mode.IDLE);
        assertThat(Phase.SPEAKING.detectorMode).isEqualTo(TurnDetector.Mode.BOT);
        assertThat(Phase.PAUSED.detectorMode).isEqualTo(TurnDetector.Mode.CANDIDATE);
        assertThat(EnumSet.allOf(Phase.class).stream().filter(p -> p.hasResponse).toList())
                .containsExactly(Phase.RESPONDING, Phase.SPEAKING, Phase.PAUSED);
        assertThat(EnumSet.allOf(Phase.class).stream().filter(p -> p.plays).toList())
                .containsExactly(Phase.RESPONDING, Phase.SPEAKING);
        // A detector event can only come in a mode whose phases all have a rule for it: none is ever dropped.
        for (Phase p : Phase.values()) {
            switch (p.detectorMode) {
                case IDLE -> assertThat(Conversation.next(p, Input.SPEECH_STARTED)).as(p.name()).isNotNull();
                case USER -> assertThat(Conversation.next(p, Input.SPEECH_ENDED)).isNotNull();
                case BOT -> assertThat(Conversation.next(p, Input.SPEECH_OVER_BOT)).isNotNull();
                case CANDIDATE -> {
                    assertThat(Conversation.next(p, Input.NOISE_ENDED)).isNotNull();
                    assertThat(Conversation.next(p, Input.BARGE_IN_CONFIRMED)).isNotNull();
                }
                default -> throw new AssertionError(p);
            }
        }
        assertThat(Conversation.next(Phase.SPEAKING, Input.BARGE_IN_CONFIRMED)).isEqualTo(Phase.USER_TURN);
    }

    @Test
    void aTypedTurnHasARuleInEveryPhaseAndIsAnsweredFromListening() {
        for (Phase p : Phase.values()) {
            Phase next = Conversation.next(p, Input.TEXT_TYPED);
            assertThat(next).as(p.name()).isNotNull(); // never dropped without a word (USER_TURN refuses it aloud)
            if (p == Phase.USER_TURN) {
                assertThat(next).isEqualTo(Phase.USER_TURN);
            } else if (p == Phase.LISTENING) {
                assertThat(next).isEqualTo(Phase.RESPONDING);
            } else {
                // Whatever was pending or playing stops first; the text is then answered from LISTENING.
                assertThat(next).as(p.name()).isEqualTo(Phase.LISTENING);
                assertThat(Conversation.next(next, Input.TEXT_TYPED)).isEqualTo(Phase.RESPONDING);
            }
        }
    }
}
