package io.github.voicechat.internal.session;

import static io.github.voicechat.SessionState.BARGED_IN;
import static io.github.voicechat.SessionState.IDLE;
import static io.github.voicechat.SessionState.LISTENING;
import static io.github.voicechat.SessionState.SPEAKING;
import static io.github.voicechat.SessionState.TERMINATED;
import static io.github.voicechat.SessionState.THINKING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.voicechat.IllegalTransitionException;
import io.github.voicechat.SessionState;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StateMachineTest {

    /** The table as the design states it, written out independently of {@link SessionState}. */
    private static final Map<SessionState, Set<SessionState>> ALLOWED = new EnumMap<>(SessionState.class);

    static {
        ALLOWED.put(IDLE, EnumSet.of(LISTENING, TERMINATED));
        ALLOWED.put(LISTENING, EnumSet.of(THINKING, TERMINATED));
        ALLOWED.put(THINKING, EnumSet.of(SPEAKING, LISTENING, TERMINATED));
        ALLOWED.put(SPEAKING, EnumSet.of(BARGED_IN, LISTENING, TERMINATED));
        ALLOWED.put(BARGED_IN, EnumSet.of(SPEAKING, LISTENING, TERMINATED));
        ALLOWED.put(TERMINATED, EnumSet.noneOf(SessionState.class));
    }

    /** Shortest allowed path from IDLE to {@code target} (excluding IDLE). */
    private static List<SessionState> pathTo(SessionState target) {
        Map<SessionState, SessionState> parent = new EnumMap<>(SessionState.class);
        Deque<SessionState> queue = new ArrayDeque<>(List.of(IDLE));
        Set<SessionState> seen = EnumSet.of(IDLE);
        while (!queue.isEmpty()) {
            SessionState s = queue.poll();
            for (SessionState n : ALLOWED.get(s)) {
                if (seen.add(n)) {
                    parent.put(n, s);
                    queue.add(n);
                }
            }
        }
        List<SessionState> path = new ArrayList<>();
        for (SessionState s = target; s != IDLE; s = parent.get(s)) {
            assertThat(s).as("reachable from IDLE").isNotNull();
            path.add(0, s);
        }
        return path;
    }

    private static StateMachine machineAt(SessionState state, int rateHz, List<StateMachine.Transition> seen) {
        StateMachine m = new StateMachine(rateHz, seen::add);
        long at = 0;
        for (SessionState s : pathTo(state)) {
            m.moveTo(s, at);
            at += 160;
        }
        assertThat(m.state()).isEqualTo(state);
        seen.clear();
        return m;
    }

    @Test
    void enumTableMatchesTheDesign() {
        for (SessionState s : SessionState.values()) {
            assertThat(s.successors()).as("successors of %s", s).isEqualTo(ALLOWED.get(s));
            for (SessionState t : SessionState.values()) {
                assertThat(s.canMoveTo(t)).as("%s -> %s", s, t).isEqualTo(ALLOWED.get(s).contains(t));
            }
        }
        assertThat(new StateMachine(16_000, t -> { }).state()).isEqualTo(IDLE);
    }

    @Test
    void everyAllowedTransitionIsMadeAndReportedInAudioTime() {
        int count = 0;
        for (int rateHz : new int[] {8_000, 16_000, 44_100, 48_000}) {
            for (SessionState from : SessionState.values()) {
                for (SessionState to : ALLOWED.get(from)) {
                    List<StateMachine.Transition> seen = new ArrayList<>();
                    StateMachine m = machineAt(from, rateHz, seen);
                    long atSample = 123_457L + rateHz;
                    m.moveTo(to, atSample);
                    assertThat(m.state()).isEqualTo(to);
                    assertThat(seen).containsExactly(
                            new StateMachine.Transition(from, to, atSample, atSample * 1000.0 / rateHz));
                    count++;
                }
            }
        }
        assertThat(count).isEqualTo(4 * 13);
        List<StateMachine.Transition> seen = new ArrayList<>();
        machineAt(LISTENING, 16_000, seen).moveTo(THINKING, 16_001);
        assertThat(seen.get(0).atMs()).isEqualTo(1000.0625);
        machineAt(SPEAKING, 48_000, seen).moveTo(BARGED_IN, 48_000L * 3600);
        assertThat(seen.get(0).atMs()).isEqualTo(3_600_000.0);
    }

    @Test
    void everyDisallowedPairThrowsNamingBothStates() {
        int count = 0;
        for (SessionState from : SessionState.values()) {
            for (SessionState to : SessionState.values()) {
                if (ALLOWED.get(from).contains(to)) {
                    continue;
                }
                List<StateMachine.Transition> seen = new ArrayList<>();
                StateMachine m = machineAt(from, 16_000, seen);
                assertThatThrownBy(() -> m.moveTo(to, 999))
                        .isInstanceOfSatisfying(IllegalTransitionException.class, e -> {
                            assertThat(e.from()).isEqualTo(from);
                            assertThat(e.to()).isEqualTo(to);
                        })
                        .hasMessage("illegal session transition " + from + " -> " + to + "; from " + from + " only "
                                + ALLOWED.get(from) + " are allowed");
                assertThat(m.state()).isEqualTo(from);
                assertThat(seen).isEmpty();
                count++;
            }
        }
        assertThat(count).isEqualTo(36 - 13);
    }

    @Test
    void terminatedHasNoSuccessors() {
        assertThat(TERMINATED.successors()).isEmpty();
        for (SessionState t : SessionState.values()) {
            assertThat(TERMINATED.canMoveTo(t)).isFalse();
        }
        assertThatThrownBy(() -> machineAt(TERMINATED, 16_000, new ArrayList<>()).moveTo(IDLE, 0))
                .isInstanceOf(IllegalTransitionException.class)
                .hasMessage("illegal session transition TERMINATED -> IDLE; from TERMINATED only [] are allowed");
        // successors() is a copy: changing it leaves the table alone.
        SessionState.IDLE.successors().clear();
        assertThat(IDLE.canMoveTo(LISTENING)).isTrue();
    }
}
