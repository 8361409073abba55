package io.github.voicechat.internal.session;

import static io.github.voicechat.internal.session.TurnDetector.Event.CONFIRM;
import static io.github.voicechat.internal.session.TurnDetector.Event.NONE;
import static io.github.voicechat.internal.session.TurnDetector.Event.PAUSE;
import static io.github.voicechat.internal.session.TurnDetector.Event.RESUME;
import static io.github.voicechat.internal.session.TurnDetector.Event.USER_END;
import static io.github.voicechat.internal.session.TurnDetector.Event.USER_START;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.voicechat.BargeInPolicy;
import io.github.voicechat.TurnPolicy;
import io.github.voicechat.internal.session.TurnDetector.Event;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link TurnDetector} on synthetic VAD probabilities: 10 ms frames (160 samples) at 16 kHz, default policies
 * (start after 100 ms at p ≥ 0.5, end after 500 ms below 0.35, pause on the first frame ≥ 0.5 over the bot,
 * confirm after 200 ms of speech, resume after 100 ms of quiet). Every event's frame and sample is exact.
 */
class TurnDetectorTest {

    private static final int RATE = 16_000;
    private static final int FRAME = 160;

    /** An event as seen: the index of the frame that produced it, and its {@link TurnDetector#eventSample()}. */
    private record Ev(int frame, Event event, long sample) {
    }

    /**
     * Feeds frames in order, numbering them from 0 at sample 0, and plays the session's part: the mode each frame is
     * judged in follows the conversation's table (a user turn after USER_START or CONFIRM, a candidate after PAUSE,
     * and so on), and the bot starts or stops speaking when the test says so.
     */
    private static final class Feed {
        final TurnDetector d;
        final int frameSamples;
        int frame;
        TurnDetector.Mode mode = TurnDetector.Mode.IDLE;

        Feed(TurnPolicy turn, BargeInPolicy bargeIn) {
            this(RATE, FRAME, turn, bargeIn);
        }

        Feed(int rateHz, int frameSamples, TurnPolicy turn, BargeInPolicy bargeIn) {
            this.d = new TurnDetector(rateHz, turn, bargeIn);
            this.frameSamples = frameSamples;
        }

        /** Feeds {@code n} frames of probability {@code p}; returns the events they produced. */
        List<Ev> feed(int n, float p) {
            List<Ev> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Event e = d.accept(mode, p, (long) frame * frameSamples, frameSamples);
                if (e != NONE) {
                    out.add(new Ev(frame, e, d.eventSample()));
                    follow(e);
                }
                frame++;
            }
            return out;
        }

        private void follow(Event e) {
            switch (e) {
                case USER_START, CONFIRM -> mode = TurnDetector.Mode.USER;
                case USER_END -> mode = TurnDetector.Mode.IDLE;
                case PAUSE -> mode = TurnDetector.Mode.CANDIDATE;
                case RESUME -> mode = TurnDetector.Mode.BOT;
                default -> throw new AssertionError(e);
            }
        }

        /** The bot's output became audible or stopped; a user already mid-turn keeps it. */
        void botSpeaking(boolean speaking) {
            if (speaking && mode == TurnDetector.Mode.IDLE) {
                mode = TurnDetector.Mode.BOT;
            } else if (!speaking && (mode == TurnDetector.Mode.BOT || mode == TurnDetector.Mode.CANDIDATE)) {
                mode = TurnDetector.Mode.IDLE;
            }
        }

        Event confirmExternally() {
            Event e = d.confirmExternally(mode);
            if (e != NONE) {
                follow(e);
            }
            return e;
        }

        boolean inUserTurn() {
            return mode == TurnDetector.Mode.USER;
        }

        boolean inCandidate() {
            return mode == TurnDetector.Mode.CANDIDATE;
        }

        long sampleOf(int frameIndex) {
            return (long) frameIndex * frameSamples;
        }
    }

    private static Feed defaults() {
        return new Feed(TurnPolicy.defaults(), BargeInPolicy.defaults());
    }

    // ---------------------------------------------------------------- user turns

    @Test
    void userStartAfterMinSpeechWithTheFirstSpeechFrameAsOnset() {
        Feed f = defaults();
        assertThat(f.feed(20, 0.1f)).isEmpty();
        assertThat(f.feed(9, 0.9f)).isEmpty();                // 90 ms: not yet
        assertThat(f.feed(1, 0.2f)).isEmpty();                // broken: start over
        assertThat(f.feed(9, 0.5f)).isEmpty();                // exactly the threshold counts as speech
        assertThat(f.inUserTurn()).isFalse();
        assertThat(f.feed(1, 0.5f)).containsExactly(new Ev(39, USER_START, f.sampleOf(30)));
        assertThat(f.inUserTurn()).isTrue();
        assertThat(f.d.turnStartSample()).isEqualTo(4800);
        assertThat(f.feed(100, 0.9f)).isEmpty();
    }

    @Test
    void userEndAfterMinSilenceWithTheFirstSilentFrameAsEnd() {
        Feed f = defaults();
        assertThat(f.feed(30, 0.9f)).containsExactly(new Ev(9, USER_START, 0));
        assertThat(f.feed(49, 0.1f)).isEmpty();               // 490 ms of silence: not yet
        assertThat(f.feed(1, 0.5f)).isEmpty();                // at the activation threshold: speech again
        assertThat(f.feed(49, 0.0f)).isEmpty();
        assertThat(f.feed(1, 0.34f)).containsExactly(new Ev(129, USER_END, f.sampleOf(80)));
        assertThat(f.inUserTurn()).isFalse();
        assertThat(f.d.turnStartSample()).isZero();
        // A new turn needs a fresh 100 ms of speech.
        assertThat(f.feed(10, 0.9f)).containsExactly(new Ev(139, USER_START, f.sampleOf(130)));
    }

    @Test
    void hysteresisKeepsATurnAliveAtPointFourButDoesNotStartOne() {
        Feed f = defaults();
        assertThat(f.feed(200, 0.4f)).isEmpty();
        assertThat(f.inUserTurn()).isFalse();
        assertThat(f.feed(10, 0.6f)).containsExactly(new Ev(209, USER_START, f.sampleOf(200)));
        assertThat(f.feed(300, 0.4f)).isEmpty();              // 3 s of 0.4: the turn lives on
        assertThat(f.inUserTurn()).isTrue();
        assertThat(f.feed(50, 0.3f)).containsExactly(new Ev(559, USER_END, f.sampleOf(510)));
    }

    @Test
    void theSegmentersHysteresisOnceSilenceHasBegunOnlyActivationEndsIt() {
        // One rule with the offline segmenter (Silero's): between the thresholds a frame is what the one before was.
        // (Speech below TurnDetector.SURE_SPEECH, so the end-of-turn clock's own rule, the frame the speech ended
        // in, stays out of this one: EndOfTurnTest has its cases.)
        Feed f = defaults();
        assertThat(f.feed(30, 0.8f)).containsExactly(new Ev(9, USER_START, 0));
        assertThat(f.feed(1, 0.4f)).isEmpty();                // after speech, 0.4 is speech
        assertThat(f.feed(10, 0.2f)).isEmpty();               // silence from frame 31
        assertThat(f.feed(39, 0.45f)).isEmpty();              // after silence, 0.45 is silence: 490 ms so far
        assertThat(f.feed(1, 0.45f)).containsExactly(new Ev(80, USER_END, f.sampleOf(31)));
        // At the deactivation threshold exactly, speech goes on; just below it, silence begins.
        Feed g = defaults();
        g.feed(10, 0.9f);
        assertThat(g.feed(60, 0.35f)).isEmpty();
        assertThat(g.inUserTurn()).isTrue();
        assertThat(g.feed(50, 0.349f)).containsExactly(new Ev(119, USER_END, g.sampleOf(70)));
    }

    @Test
    void maxUtteranceForcesUserEndAtTheFrameEnd() {
        Feed f = new Feed(TurnPolicy.builder().maxUtteranceMs(1000).build(), BargeInPolicy.defaults());
        assertThat(f.feed(5, 0.0f)).isEmpty();
        List<Ev> events = f.feed(200, 0.95f);
        // Turn starts at frame 5 (sample 800); 1000 ms later (sample 16800) is the end of frame 104.
        assertThat(events).containsExactly(
                new Ev(14, USER_START, 800),
                new Ev(104, USER_END, 16_800),
                new Ev(114, USER_START, 16_800),
                new Ev(204, USER_END, 32_800));
    }

    @Test
    void otherRatesAndFrameLengthsCountSamplesNotFrames() {
        // 8 kHz, 32 ms frames of 256 samples: 100 ms = 800 samples needs 4 frames; 500 ms = 4000 needs 16.
        Feed f = new Feed(8_000, 256, TurnPolicy.defaults(), BargeInPolicy.defaults());
        assertThat(f.feed(2, 0.0f)).isEmpty();
        assertThat(f.feed(4, 0.8f)).containsExactly(new Ev(5, USER_START, 512));
        assertThat(f.feed(16, 0.0f)).containsExactly(new Ev(21, USER_END, 6 * 256));
    }

    // ---------------------------------------------------------------- barge-in

    @Test
    void firstSpeechFrameOverTheBotPausesAndTwoHundredMsConfirmsAtTheOnset() {
        Feed f = defaults();
        f.botSpeaking(true);
        assertThat(f.feed(5, 0.45f)).isEmpty();               // below activation: not even a pause
        assertThat(f.feed(1, 0.5f)).containsExactly(new Ev(5, PAUSE, f.sampleOf(5)));
        assertThat(f.inCandidate()).isTrue();
        assertThat(f.inUserTurn()).isFalse();
        assertThat(f.feed(18, 0.4f)).isEmpty();               // 190 ms of speech so far (0.4 >= deactivation)
        assertThat(f.feed(1, 0.9f)).containsExactly(new Ev(24, CONFIRM, f.sampleOf(5)));
        assertThat(f.inCandidate()).isFalse();
        assertThat(f.inUserTurn()).isTrue();
        assertThat(f.d.turnStartSample()).isEqualTo(800);
        f.botSpeaking(false);                                // output stopped: the user keeps the turn
        assertThat(f.inUserTurn()).isTrue();
        assertThat(f.feed(50, 0.0f)).containsExactly(new Ev(74, USER_END, f.sampleOf(25)));
    }

    @Test
    void confirmationCountsAccumulatedSpeechAcrossShortGaps() {
        Feed f = defaults();
        f.botSpeaking(true);
        assertThat(f.feed(10, 0.9f)).containsExactly(new Ev(0, PAUSE, 0));
        assertThat(f.feed(9, 0.1f)).isEmpty();                // 90 ms gap: shorter than releaseMs
        assertThat(f.feed(9, 0.9f)).isEmpty();                // 190 ms of speech in all
        assertThat(f.feed(1, 0.9f)).containsExactly(new Ev(28, CONFIRM, 0));
    }

    @Test
    void shortBurstThenReleaseResumesAndANewBurstPausesAgain() {
        Feed f = defaults();
        f.botSpeaking(true);
        assertThat(f.feed(3, 0.0f)).isEmpty();
        assertThat(f.feed(6, 0.8f)).containsExactly(new Ev(3, PAUSE, f.sampleOf(3)));   // 60 ms burst
        assertThat(f.feed(9, 0.2f)).isEmpty();                                            // 90 ms quiet
        // The 100th ms of quiet resumes; the event is at the end of that frame.
        assertThat(f.feed(1, 0.2f)).containsExactly(new Ev(18, RESUME, f.sampleOf(19)));
        assertThat(f.inCandidate()).isFalse();
        assertThat(f.feed(20, 0.3f)).isEmpty();
        assertThat(f.feed(1, 0.7f)).containsExactly(new Ev(39, PAUSE, f.sampleOf(39)));
        // The earlier burst does not count towards this candidate: 19 more frames are needed.
        assertThat(f.feed(18, 0.7f)).isEmpty();
        assertThat(f.feed(1, 0.7f)).containsExactly(new Ev(58, CONFIRM, f.sampleOf(39)));
    }

    @Test
    void confirmExternallyConfirmsOnlyAPendingCandidate() {
        Feed f = defaults();
        assertThat(f.confirmExternally()).isEqualTo(NONE);  // idle
        f.botSpeaking(true);
        assertThat(f.confirmExternally()).isEqualTo(NONE);  // bot speaking, nothing heard
        assertThat(f.feed(7, 0.0f)).isEmpty();
        assertThat(f.feed(3, 0.9f)).containsExactly(new Ev(7, PAUSE, f.sampleOf(7)));
        assertThat(f.confirmExternally()).isEqualTo(CONFIRM);
        assertThat(f.d.eventSample()).isEqualTo(f.sampleOf(7));
        assertThat(f.inUserTurn()).isTrue();
        assertThat(f.d.turnStartSample()).isEqualTo(f.sampleOf(7));
        assertThat(f.confirmExternally()).isEqualTo(NONE);  // already the user's turn
        assertThat(f.d.eventSample()).isEqualTo(f.sampleOf(7));
        assertThat(f.feed(100, 0.9f)).isEmpty();               // no second CONFIRM from the VAD either
    }

    @Test
    void disabledBargeInNeverPauses() {
        Feed f = new Feed(TurnPolicy.defaults(), BargeInPolicy.disabled());
        f.botSpeaking(true);
        assertThat(f.feed(300, 1.0f)).isEmpty();
        assertThat(f.inCandidate()).isFalse();
        assertThat(f.inUserTurn()).isFalse();
        assertThat(f.confirmExternally()).isEqualTo(NONE);
        f.botSpeaking(false);
        assertThat(f.feed(10, 1.0f)).containsExactly(new Ev(309, USER_START, f.sampleOf(300)));
    }

    @Test
    void botStoppingDuringACandidateReturnsToIdle() {
        Feed f = defaults();
        f.botSpeaking(true);
        assertThat(f.feed(5, 0.9f)).containsExactly(new Ev(0, PAUSE, 0));
        f.botSpeaking(false);
        assertThat(f.inCandidate()).isFalse();
        assertThat(f.inUserTurn()).isFalse();
        assertThat(f.confirmExternally()).isEqualTo(NONE);
        // Back to ordinary turn-taking: a full 100 ms counted from this frame, not from the candidate's onset.
        assertThat(f.feed(9, 0.9f)).isEmpty();
        assertThat(f.feed(1, 0.9f)).containsExactly(new Ev(14, USER_START, f.sampleOf(5)));
    }

    @Test
    void botStartingMidTurnLeavesTheUserTheirTurn() {
        Feed f = defaults();
        assertThat(f.feed(10, 0.9f)).containsExactly(new Ev(9, USER_START, 0));
        f.botSpeaking(true);
        assertThat(f.inUserTurn()).isTrue();
        assertThat(f.feed(10, 0.9f)).isEmpty();                // no PAUSE: it is not barge-in
        assertThat(f.feed(50, 0.0f)).containsExactly(new Ev(69, USER_END, f.sampleOf(20)));
    }

    @Test
    void pendingSpeechIsForgottenWhenTheBotStarts() {
        Feed f = defaults();
        assertThat(f.feed(9, 0.9f)).isEmpty();
        f.botSpeaking(true);
        assertThat(f.feed(1, 0.9f)).containsExactly(new Ev(9, PAUSE, f.sampleOf(9)));
    }

    @Test
    void confirmWithinOneFrameConfirmsImmediately() {
        Feed f = new Feed(TurnPolicy.defaults(), BargeInPolicy.builder().confirmMs(10).build());
        f.botSpeaking(true);
        assertThat(f.feed(2, 0.0f)).isEmpty();
        assertThat(f.feed(1, 0.9f)).containsExactly(new Ev(2, CONFIRM, f.sampleOf(2)));
        assertThat(f.inUserTurn()).isTrue();
    }

    // ---------------------------------------------------------------- policies

    @Test
    void turnPolicyDefaultsAndValidation() {
        TurnPolicy p = TurnPolicy.defaults();
        assertThat(p.minSpeechMs()).isEqualTo(100);
        assertThat(p.minSilenceMs()).isEqualTo(500);
        assertThat(p.maxUtteranceMs()).isEqualTo(30_000);
        assertThat(p.preRollMs()).isEqualTo(300);
        assertThat(p.activationThreshold()).isEqualTo(0.5f);
        assertThat(p.deactivationThreshold()).isEqualTo(0.35f);
        assertThat(p).hasToString("TurnPolicy[minSpeechMs=100, minSilenceMs=500, maxUtteranceMs=30000, "
                + "preRollMs=300, thresholds=0.5/0.35, "
                + "endOfTurn=EndOfTurnRules[short=250ms, normal=500ms, long=800ms], speculateAfterMs=250]");
        TurnPolicy q = p.toBuilder().minSpeechMs(0).minSilenceMs(10).maxUtteranceMs(3_600_000).preRollMs(2_000)
                .thresholds(1f, 1f).build();
        assertThat(q).hasToString("TurnPolicy[minSpeechMs=0, minSilenceMs=10, maxUtteranceMs=3600000, "
                + "preRollMs=2000, thresholds=1.0/1.0, endOfTurn=EndOfTurnRules[short=10ms, normal=10ms, long=800ms], "
                + "speculateAfterMs=250]");
        assertThat(q.toBuilder().build()).hasToString(q.toString());

        TurnPolicy.Builder b = TurnPolicy.builder();
        assertRefused(() -> b.minSpeechMs(-1), "minSpeechMs must be 0..10000, was -1");
        assertRefused(() -> b.minSpeechMs(10_001), "minSpeechMs must be 0..10000, was 10001");
        assertRefused(() -> b.minSilenceMs(9), "minSilenceMs must be 10..10000, was 9");
        assertRefused(() -> b.minSilenceMs(10_001), "minSilenceMs must be 10..10000, was 10001");
        assertRefused(() -> b.maxUtteranceMs(99), "maxUtteranceMs must be 100..3600000, was 99");
        assertRefused(() -> b.maxUtteranceMs(3_600_001), "maxUtteranceMs must be 100..3600000, was 3600001");
        assertRefused(() -> b.preRollMs(-1), "preRollMs must be 0..2000, was -1");
        assertRefused(() -> b.preRollMs(2_001), "preRollMs must be 0..2000, was 2001");
        String t = "thresholds must satisfy 0 < deactivation <= activation <= 1, were ";
        assertRefused(() -> b.thresholds(0.5f, 0.6f), t + "0.5 / 0.6");
        assertRefused(() -> b.thresholds(1.1f, 0.5f), t + "1.1 / 0.5");
        assertRefused(() -> b.thresholds(0f, 0f), t + "0.0 / 0.0");
        assertRefused(() -> b.thresholds(0.5f, 0f), t + "0.5 / 0.0");
        assertRefused(() -> b.thresholds(Float.NaN, 0.3f), t + "NaN / 0.3");
        assertRefused(() -> b.thresholds(0.5f, Float.NaN), t + "0.5 / NaN");
        assertThat(b.build()).hasToString(p.toString()); // refused values left the builder unchanged
    }

    @Test
    void bargeInPolicyDefaultsAndValidation() {
        BargeInPolicy p = BargeInPolicy.defaults();
        assertThat(p.enabled()).isTrue();
        assertThat(p.confirmMs()).isEqualTo(200);
        assertThat(p.releaseMs()).isEqualTo(100);
        assertThat(p.confirmOnPartialWords()).isTrue();
        assertThat(p).hasToString("BargeInPolicy[enabled=true, confirmMs=200, releaseMs=100, "
                + "confirmOnPartialWords=true]");
        assertThat(BargeInPolicy.disabled().enabled()).isFalse();
        BargeInPolicy q = BargeInPolicy.builder().confirmMs(5_000).releaseMs(10).confirmOnPartialWords(false).build();
        assertThat(Arrays.asList(q.confirmMs(), q.releaseMs())).containsExactly(5_000, 10);
        assertThat(q.confirmOnPartialWords()).isFalse();

        BargeInPolicy.Builder b = BargeInPolicy.builder();
        assertRefused(() -> b.confirmMs(9), "confirmMs must be 10..5000, was 9");
        assertRefused(() -> b.confirmMs(5_001), "confirmMs must be 10..5000, was 5001");
        assertRefused(() -> b.releaseMs(0), "releaseMs must be 10..5000, was 0");
        assertRefused(() -> b.releaseMs(5_001), "releaseMs must be 10..5000, was 5001");
        assertThat(b.build()).hasToString(p.toString());
    }

    private static void assertRefused(Runnable r, String message) {
        assertThatThrownBy(r::run).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }
}
