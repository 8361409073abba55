package io.github.voicechat.internal.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.voicechat.BargeInPolicy;
import io.github.voicechat.TurnPolicy;
import io.github.voicechat.spi.EndOfTurnDetector;
import io.github.voicechat.spi.EndOfTurnDetector.Cue;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The adaptive end of turn: {@link EndOfTurnRules} case by case, and {@link TurnDetector} ending a turn on the
 * silence they decide, exact to the frame (10 ms frames at 16 kHz, speech from frame 0, silence from frame 100).
 */
class EndOfTurnTest {

    private static final int RATE = 16_000;
    private static final int FRAME = 160;
    private static final EndOfTurnRules RULES = new EndOfTurnRules(500);

    @ParameterizedTest(name = "\"{0}\" at {1} st/s -> {2} ms")
    @CsvSource({
            // complete words, falling voice: short
            "'turn on the light', -8, 250",
            "'what time is it.', -4.01, 250",
            // complete words, flat or unknown voice: the policy's silence
            "'turn on the light', -4, 500",
            "'turn on the light', 0, 500",
            "'turn on the light', NaN, 500",
            // a rising voice: long
            "'is it raining', 8.01, 800",
            "'is it raining', 12, 800",
            // a slight rise is no question: the end of statements read in a falling voice measures +4 to +6 st/s
            // (TURN-TAKING.md), so complete words there get the policy's silence
            "'he was not an ill disposed young man', 4.7, 500",
            "'is it raining', 8, 500",
            // a filler, a conjunction, an article, a preposition at the end: long, whatever the voice does
            "'i would like um', -8, 800",
            "'i went there and', -8, 800",
            "'so', -8, 800",
            "'put it on the', -8, 800",
            "'i want to', NaN, 800",
            "'Because,', -8, 800",
            // words that often end a sentence are not held
            "'thank you', -8, 250",
            "'turn it on', -8, 250",
            // no words (no partials, or none yet): the policy's silence, whatever the voice does
            "'', -8, 500",
            "'  ', 12, 500",
    })
    void rules(String hypothesis, double slope, int expectedMs) {
        assertThat(RULES.silenceToEndMs(new Cue(hypothesis, slope))).isEqualTo(expectedMs);
    }

    @Test
    void rulesStayWithinAPolicySilenceOutsideTheirRange() {
        EndOfTurnRules quick = new EndOfTurnRules(200);
        assertThat(quick.silenceToEndMs(new Cue("done", -8))).isEqualTo(200);
        assertThat(quick.silenceToEndMs(new Cue("and", 0))).isEqualTo(800);
        EndOfTurnRules patient = new EndOfTurnRules(1000);
        assertThat(patient.silenceToEndMs(new Cue("done", -8))).isEqualTo(250);
        assertThat(patient.silenceToEndMs(new Cue("and", 0))).isEqualTo(1000);
        assertThat(EndOfTurnRules.lastWord("it's done!  ")).isEqualTo("done");
        assertThat(EndOfTurnRules.lastWord("don't")).isEqualTo("don't");
        assertThat(EndOfTurnRules.lastWord("?!")).isEmpty();
        assertThatThrownBy(() -> new Cue(null, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theDefaultPolicyUsesTheRulesAndAHostDetectorReplacesThem() {
        assertThat(TurnPolicy.defaults().endOfTurn()).isInstanceOf(EndOfTurnRules.class);
        assertThat(TurnPolicy.defaults().endOfTurn().silenceToEndMs(new Cue("done", -8))).isEqualTo(250);
        EndOfTurnDetector fixed = cue -> 300;
        TurnPolicy host = TurnPolicy.builder().endOfTurn(fixed).build();
        assertThat(host.endOfTurn()).isSameAs(fixed);
        assertThat(host.toBuilder().build().endOfTurn()).isSameAs(fixed);
        // A policy of the rules rebuilt with another silence gets rules for that silence.
        TurnPolicy longer = TurnPolicy.defaults().toBuilder().minSilenceMs(700).build();
        assertThat(longer.endOfTurn().silenceToEndMs(new Cue("", Double.NaN))).isEqualTo(700);
    }

    /** Hints the test sets between frames; written into the detector before each frame, as the listen stage does. */
    private static final class SetHints {
        String words = "";
        double slope = Double.NaN;
    }

    /** The hints each detector made by {@link #detector} reads. */
    private static final Map<TurnDetector, SetHints> HINTS = new IdentityHashMap<>();

    /** What the listen stage does once per tick: the hints written into the detector's fields. */
    private static void tell(TurnDetector d) {
        SetHints h = HINTS.get(d);
        if (h != null) {
            d.words = h.words;
            d.pitchSlopeSemitonesPerS = h.slope;
        }
    }

    /** Counts the cues a detector is asked about, answering with the rules. */
    private static final class Counting implements EndOfTurnDetector {
        final List<Cue> cues = new ArrayList<>();

        @Override
        public int silenceToEndMs(Cue cue) {
            cues.add(cue);
            return RULES.silenceToEndMs(cue);
        }
    }

    /** Speech in frames 0-99 (after 10 frames the turn starts), then silence; the frame whose judgement ended it. */
    private static int endFrame(TurnDetector d, Runnable atFrame40OfSilence) {
        TurnDetector.Mode mode = TurnDetector.Mode.IDLE;
        for (int f = 0; f < 400; f++) {
            if (f == 140) {
                atFrame40OfSilence.run();
            }
            tell(d);
            TurnDetector.Event e = d.accept(mode, f < 100 ? 0.9f : 0.1f, (long) f * FRAME, FRAME);
            if (e == TurnDetector.Event.USER_START) {
                mode = TurnDetector.Mode.USER;
            } else if (e == TurnDetector.Event.USER_END) {
                assertThat(d.eventSample()).isEqualTo(100L * FRAME); // the turn ends where the silence began
                return f;
            }
        }
        return -1;
    }

    private static TurnDetector detector(TurnPolicy policy, SetHints hints) {
        TurnDetector d = new TurnDetector(RATE, policy, BargeInPolicy.defaults());
        HINTS.put(d, hints);
        return d;
    }

    @Test
    void aCompleteFallingTurnEndsAfter250MsOfSilence() {
        SetHints h = new SetHints();
        h.words = "turn on the light";
        h.slope = -9;
        assertThat(endFrame(detector(TurnPolicy.defaults(), h), () -> { })).isEqualTo(124); // frames 100-124
    }

    @Test
    void aTurnEndingInAConjunctionWaits800Ms() {
        SetHints h = new SetHints();
        h.words = "turn on the light and";
        h.slope = -9;
        assertThat(endFrame(detector(TurnPolicy.defaults(), h), () -> { })).isEqualTo(179);
    }

    @Test
    void aRisingTurnWaits800MsAndAFlatOneTheFixed500() {
        SetHints rising = new SetHints();
        rising.words = "is it raining";
        rising.slope = 9;
        assertThat(endFrame(detector(TurnPolicy.defaults(), rising), () -> { })).isEqualTo(179);
        SetHints flat = new SetHints();
        flat.words = "is it raining";
        flat.slope = 1;
        assertThat(endFrame(detector(TurnPolicy.defaults(), flat), () -> { })).isEqualTo(149);
    }

    @Test
    void aStatementEndMeasuredSlightlyRisingEndsOnThePolicySilenceNotTheLongOne() {
        // What the pitch trend read at the end of "he was not an ill disposed young man" in TurnTakingBenchmark.
        SetHints h = new SetHints();
        h.words = "he was not an ill disposed young man";
        h.slope = 5.2;
        assertThat(endFrame(detector(TurnPolicy.defaults(), h), () -> { })).isEqualTo(149); // frames 100-149
    }

    @Test
    void withoutWordsTheTurnEndsOnThePolicySilenceAsBefore() {
        SetHints none = new SetHints();
        none.slope = -9;
        assertThat(endFrame(detector(TurnPolicy.defaults(), none), () -> { })).isEqualTo(149);
        assertThat(endFrame(new TurnDetector(RATE, TurnPolicy.defaults(), BargeInPolicy.defaults()), () -> { }))
                .isEqualTo(149);
    }

    @Test
    void wordsArrivingDuringTheSilenceAreHeardAndTheDetectorIsAskedOnlyWhenTheyChange() {
        // The recogniser catches up 400 ms into the silence: "and" arrives, and the turn waits for 800 ms in all.
        SetHints h = new SetHints();
        h.words = "turn on the light";
        h.slope = 0; // flat: 500 ms, so the silence is still going at frame 150
        Counting counting = new Counting();
        TurnDetector d = detector(TurnPolicy.builder().endOfTurn(counting).build(), h);
        assertThat(endFrame(d, () -> h.words = new String("turn on the light and"))).isEqualTo(179);
        assertThat(counting.cues).containsExactly(new Cue("turn on the light", 0),
                new Cue("turn on the light and", 0));
    }

    @Test
    void aDecisionAlreadyPassedByTheSilenceEndsTheTurnAtOnce() {
        // 400 ms of silence, then the words arrive and read complete in a falling voice: 250 ms is long past.
        SetHints h = new SetHints();
        h.slope = -9;
        TurnDetector d = detector(TurnPolicy.defaults(), h);
        assertThat(endFrame(d, () -> h.words = "turn on the light")).isEqualTo(140);
        SetHints late = new SetHints();
        late.slope = -9;
        late.words = "";
        TurnPolicy patient = TurnPolicy.builder().minSilenceMs(1000).build();
        assertThat(endFrame(detector(patient, late), () -> late.words = "turn on the light")).isEqualTo(140);
    }

    @Test
    void aFailingOrNonsensicalHostDetectorFallsBackToThePolicySilence() {
        SetHints h = new SetHints();
        h.words = "hello";
        TurnPolicy throwing = TurnPolicy.builder().endOfTurn(cue -> {
            throw new IllegalStateException("model not loaded");
        }).build();
        assertThat(endFrame(detector(throwing, h), () -> { })).isEqualTo(149);
        TurnPolicy zero = TurnPolicy.builder().minSilenceMs(300).endOfTurn(cue -> 0).build();
        assertThat(endFrame(detector(zero, h), () -> { })).isEqualTo(129);
    }

    @Test
    void wordsThatChangeLaterInAPauseReportItAgainAndTheSameWordsDoNot() {
        // The recogniser catches up during the pause: the speculation on the old words would be discarded when the
        // transcript comes, so the new words are reported for a fresh one. The same words again (a string equal but
        // not the same), or none, report nothing.
        SetHints h = new SetHints();
        h.words = "turn on the light";
        h.slope = 0; // flat: 500 ms, the turn ends at frame 149
        TurnDetector d = detector(TurnPolicy.defaults(), h);
        TurnDetector.Mode mode = TurnDetector.Mode.IDLE;
        List<String> seen = new ArrayList<>();
        for (int f = 0; f < 200 && seen.size() < 10; f++) {
            if (f == 130) {
                h.words = new String("turn on the light");
            } else if (f == 133) {
                h.words = "turn on the light please";
            } else if (f == 136) {
                h.words = "";
            }
            tell(d);
            TurnDetector.Event e = d.accept(mode, f < 100 ? 0.9f : 0.1f, (long) f * FRAME, FRAME);
            if (e != TurnDetector.Event.NONE) {
                seen.add(f + " " + e + " @" + d.eventSample() / FRAME);
            }
            if (e == TurnDetector.Event.USER_START) {
                mode = TurnDetector.Mode.USER;
            } else if (e == TurnDetector.Event.USER_END) {
                break;
            }
        }
        assertThat(seen).containsExactly("9 USER_START @0", "124 USER_PAUSE @100", "133 USER_PAUSE @100",
                "149 USER_END @100");
    }

    @Test
    void aPauseWithWordsIsReportedOnceAt250MsAndTheResumeOnTheFirstSpeechFrame() {
        SetHints h = new SetHints();
        h.words = "turn on the light";
        h.slope = 0; // flat: the turn ends after 500 ms, so a 300 ms pause is only a pause
        TurnDetector d = detector(TurnPolicy.defaults(), h);
        TurnDetector.Mode mode = TurnDetector.Mode.IDLE;
        List<String> seen = new ArrayList<>();
        // speech 0-99, silence 100-129 (300 ms), speech 130-199, silence from 200
        for (int f = 0; f < 300; f++) {
            boolean speech = f < 100 || (f >= 130 && f < 200);
            tell(d);
            TurnDetector.Event e = d.accept(mode, speech ? 0.9f : 0.1f, (long) f * FRAME, FRAME);
            if (e != TurnDetector.Event.NONE) {
                seen.add(f + " " + e + " @" + d.eventSample() / FRAME);
            }
            if (e == TurnDetector.Event.USER_START) {
                mode = TurnDetector.Mode.USER;
            } else if (e == TurnDetector.Event.USER_END) {
                mode = TurnDetector.Mode.IDLE;
            }
        }
        assertThat(seen).containsExactly("9 USER_START @0", "124 USER_PAUSE @100", "130 USER_RESUME @130",
                "224 USER_PAUSE @200", "249 USER_END @200");
        // Without words, or with speculation off, a pause is not reported.
        SetHints none = new SetHints();
        TurnDetector quiet = detector(TurnPolicy.defaults(), none);
        TurnDetector off = detector(TurnPolicy.builder().speculateAfterMs(0).build(), h);
        for (TurnDetector x : List.of(quiet, off)) {
            TurnDetector.Mode m = TurnDetector.Mode.IDLE;
            List<TurnDetector.Event> events = new ArrayList<>();
            for (int f = 0; f < 300; f++) {
                tell(x);
                TurnDetector.Event e = x.accept(m, f < 100 ? 0.9f : 0.1f, (long) f * FRAME, FRAME);
                if (e != TurnDetector.Event.NONE) {
                    events.add(e);
                }
                if (e == TurnDetector.Event.USER_START) {
                    m = TurnDetector.Mode.USER;
                } else if (e == TurnDetector.Event.USER_END) {
                    m = TurnDetector.Mode.IDLE;
                }
            }
            assertThat(events).containsExactly(TurnDetector.Event.USER_START, TurnDetector.Event.USER_END);
        }
    }

    /** The events of {@code d} over frames of the given probabilities (10 ms each), as "frame EVENT @frame". */
    private static List<String> events(TurnDetector d, float[] probabilities) {
        TurnDetector.Mode mode = TurnDetector.Mode.IDLE;
        List<String> seen = new ArrayList<>();
        for (int f = 0; f < probabilities.length; f++) {
            tell(d);
            TurnDetector.Event e = d.accept(mode, probabilities[f], (long) f * FRAME, FRAME);
            if (e != TurnDetector.Event.NONE) {
                seen.add(f + " " + e + " @" + d.eventSample() / FRAME);
            }
            if (e == TurnDetector.Event.USER_START) {
                mode = TurnDetector.Mode.USER;
            } else if (e == TurnDetector.Event.USER_END) {
                mode = TurnDetector.Mode.IDLE;
            }
        }
        return seen;
    }

    /** Speech at {@code sure} in frames 0-97, frames 98 and 99 as given, then silence (0.1) to frame 299. */
    /** The events of {@link #speechEnding} under the default policy, told no words and no pitch. */
    private static List<String> endOfSpeech(float sure, float frame98, float frame99) {
        return events(detector(TurnPolicy.defaults(), new SetHints()), speechEnding(sure, frame98, frame99));
    }

    private static float[] speechEnding(float sure, float frame98, float frame99) {
        float[] p = new float[300];
        java.util.Arrays.fill(p, 0, 98, sure);
        p[98] = frame98;
        p[99] = frame99;
        java.util.Arrays.fill(p, 100, 300, 0.1f);
        return p;
    }

    @Test
    void theSilenceIsCountedFromTheFrameTheSureSpeechEndedIn() {
        // Silero's end of speech, as the benchmark's VAD log shows it: sure frames, then one in between (still speech
        // to the hysteresis), then silence. The end-of-turn clock starts at that frame, 99: the flat 500 ms end at
        // frame 148 (not 149), the pause at 250 ms at frame 123 (not 124), and the turn's end is frame 99.
        SetHints h = new SetHints();
        h.words = "turn on the light";
        h.slope = 0;
        assertThat(events(detector(TurnPolicy.defaults(), h), speechEnding(0.97f, 0.99f, 0.68f)))
                .containsExactly("9 USER_START @0", "123 USER_PAUSE @99", "148 USER_END @99");
        // The in-between frame may be anywhere from the deactivation threshold up to just below the sure level.
        assertThat(endOfSpeech(1f, 0.9f, 0.35f))
                .containsExactly("9 USER_START @0", "148 USER_END @99");
        assertThat(endOfSpeech(1f, 0.9f, 0.8999f))
                .containsExactly("9 USER_START @0", "148 USER_END @99");
    }

    @Test
    void theSilenceIsCountedFromItsFirstSilentFrameOtherwise() {
        // The frame before the silence read sure speech: nothing to move.
        assertThat(endOfSpeech(1f, 1f, 0.9f))
                .containsExactly("9 USER_START @0", "149 USER_END @100");
        // Two frames in between: a voice trailing off over 20 ms or more is speech, not yet the silence.
        assertThat(endOfSpeech(1f, 0.7f, 0.6f))
                .containsExactly("9 USER_START @0", "149 USER_END @100");
        // Speech the VAD was never sure of (it read 0.8 throughout): no frame to tell where the voice stopped.
        assertThat(endOfSpeech(0.8f, 0.8f, 0.6f))
                .containsExactly("9 USER_START @0", "149 USER_END @100");
    }

    @Test
    void aPauseIsLongerByTheFrameTheSpeechEndedInAndTheTurnGoesOnIfItStaysUnderTheSilence() {
        // Sure speech 0-97, frame 98 in between, 48 silent frames (99-146), speech again from 147: 490 ms counted,
        // under the flat 500 ms, so the turn goes on (the resume is the first speech frame). A frame more of silence
        // (to 147) is 500 ms counted and ends the turn at frame 147, where counting the silent frames alone would
        // have needed one more. (The silence from 200 follows sure speech: counted from its first frame.)
        SetHints h = new SetHints();
        h.words = "turn on the light";
        h.slope = 0;
        float[] p = new float[260];
        java.util.Arrays.fill(p, 0, 98, 1f);
        p[98] = 0.7f;
        java.util.Arrays.fill(p, 99, 147, 0.1f);
        java.util.Arrays.fill(p, 147, 200, 1f);
        java.util.Arrays.fill(p, 200, 260, 0.1f);
        assertThat(events(detector(TurnPolicy.defaults(), h), p))
                .containsExactly("9 USER_START @0", "122 USER_PAUSE @98", "147 USER_RESUME @147",
                        "224 USER_PAUSE @200", "249 USER_END @200");
        p[147] = 0.1f;
        assertThat(events(detector(TurnPolicy.defaults(), h), java.util.Arrays.copyOf(p, 148)))
                .containsExactly("9 USER_START @0", "122 USER_PAUSE @98", "147 USER_END @98");
    }
}
