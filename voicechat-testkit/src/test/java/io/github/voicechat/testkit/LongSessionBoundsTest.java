package io.github.voicechat.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.voicechat.ConversationTurn;
import io.github.voicechat.ConversationTurn.Role;
import io.github.voicechat.SessionReport;
import io.github.voicechat.TurnReport;
import io.github.voicechat.VoicePipeline;
import io.github.voicechat.VoiceSession;
import io.github.voicechat.audio.AudioSinks;
import io.github.voicechat.audio.AudioSources;
import io.github.voicechat.time.VirtualClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A session keeps a bounded window of its history and of its report's turns, so its memory does not grow with its
 * length (the soak's 16 × 60 min run grew +328 B a turn before): exact windows on the virtual clock, totals over all
 * turns, and the defaults.
 */
class LongSessionBoundsTest {

    private static final String LONG_ANSWER = "One two three four five six seven eight nine ten.";

    /** u1, then u2 barging in 400 ms into the long answer to u1, then u3…u6 each answered in full. */
    private static Scenario sixTurns() {
        Scenario s = Scenario.at(16_000).silence(500).speech("u1", 1000).silence(900).speech("u2", 1000)
                .silence(2500);
        for (int i = 3; i <= 6; i++) {
            s = s.speech("u" + i, 800).silence(2500);
        }
        return s;
    }

    private static ScriptedRecognizer asr() {
        return ScriptedRecognizer.of("one", "two", "three", "four", "five", "six");
    }

    private static ScriptedResponder responder() {
        return ScriptedResponder.of(LONG_ANSWER, "Reply two.", "Reply three.", "Reply four.", "Reply five.",
                "Reply six.");
    }

    private static SessionReport run(VoicePipeline pipeline, Scenario user, List<ConversationTurn> history)
            throws InterruptedException {
        try (VoiceSession session = pipeline.openSession(AudioSources.memory(user.sampleRateHz(), user.samples()),
                AudioSinks.memory(48_000))) {
            session.start();
            assertThat(session.awaitTermination(Duration.ofSeconds(60))).isTrue();
            history.addAll(session.history());
            return session.report();
        }
    }

    private static VoicePipeline.Builder builder(ScriptedResponder responder) {
        return VoicePipeline.builder().vad(EnergyVad::new).asr(LongSessionBoundsTest::asr).tts(SineSynthesizer::new)
                .responder(responder).clock(new VirtualClock());
    }

    @Test
    void historyAndReportedTurnsAreWindowsWhileTotalsCountEveryTurn() throws Exception {
        ScriptedResponder responder = responder();
        List<ConversationTurn> history = new java.util.ArrayList<>();

        SessionReport report = run(builder(responder).maxHistoryTurns(3).maxReportedTurns(2).build(), sixTurns(),
                history);

        assertThat(report.endReason()).isEqualTo("source ended");
        // Every turn counted, the barge-in of turn 1 included, though only turns 5 and 6 are listed.
        assertThat(report.turnCount()).isEqualTo(6);
        assertThat(report.bargeIns()).isEqualTo(1);
        assertThat(report.falseAlarms()).isZero();
        assertThat(report.turns()).extracting(TurnReport::turn).containsExactly(5, 6);
        assertThat(report.turns()).extracting(TurnReport::transcript).containsExactly("five", "six");
        // The responder got at most the last three entries, as heard, in order.
        List<List<ConversationTurn>> seen = responder.requests().stream().map(r -> r.history()).toList();
        assertThat(seen).hasSize(6);
        assertThat(seen.get(0)).isEmpty();
        assertThat(seen.get(1)).containsExactly(new ConversationTurn(Role.USER, "one"),
                new ConversationTurn(Role.ASSISTANT, "One two"));
        assertThat(seen.get(5)).containsExactly(new ConversationTurn(Role.ASSISTANT, "Reply four."),
                new ConversationTurn(Role.USER, "five"), new ConversationTurn(Role.ASSISTANT, "Reply five."));
        assertThat(seen).allSatisfy(h -> assertThat(h).hasSizeLessThanOrEqualTo(3));
        assertThat(history).containsExactly(new ConversationTurn(Role.ASSISTANT, "Reply five."),
                new ConversationTurn(Role.USER, "six"), new ConversationTurn(Role.ASSISTANT, "Reply six."));
    }

    @Test
    void zeroKeepsNothingButTheTotals() throws Exception {
        ScriptedResponder responder = responder();
        List<ConversationTurn> history = new java.util.ArrayList<>();

        SessionReport report = run(builder(responder).maxHistoryTurns(0).maxReportedTurns(0).build(), sixTurns(),
                history);

        assertThat(report.turnCount()).isEqualTo(6);
        assertThat(report.bargeIns()).isEqualTo(1);
        assertThat(report.turns()).isEmpty();
        assertThat(history).isEmpty();
        assertThat(responder.requests()).hasSize(6).allSatisfy(r -> assertThat(r.history()).isEmpty());
    }

    @Test
    void theDefaultsListEveryTurnOfAShortSession() throws Exception {
        ScriptedResponder responder = responder();
        List<ConversationTurn> history = new java.util.ArrayList<>();

        SessionReport report = run(builder(responder).build(), sixTurns(), history);

        assertThat(report.turnCount()).isEqualTo(6);
        assertThat(report.turns()).extracting(TurnReport::turn).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(history).hasSize(12).startsWith(new ConversationTurn(Role.USER, "one"),
                new ConversationTurn(Role.ASSISTANT, "One two"));
    }

    @Test
    void negativeBoundsAreRefusedNamingTheOption() {
        assertThatThrownBy(() -> VoicePipeline.builder().maxHistoryTurns(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxHistoryTurns must not be negative, was -1");
        assertThatThrownBy(() -> VoicePipeline.builder().maxReportedTurns(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxReportedTurns must not be negative, was -1");
    }

    @Test
    void aReportCannotCountFewerTurnsThanItLists() {
        assertThatThrownBy(() -> new SessionReport(List.of(), 0, "", 0, 0, Double.NaN, Double.NaN, Double.NaN, -1,
                0, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("turnCount -1");
    }
}
