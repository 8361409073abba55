package io.github.voicechat.internal.session;

import io.github.voicechat.BargeInPolicy;
import io.github.voicechat.TurnPolicy;
import io.github.voicechat.spi.EndOfTurnDetector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turn-taking and barge-in decisions from per-frame VAD probabilities, in audio time (samples at the input rate).
 *
 * <p>Pure logic with no clock and no threads, so every latency is tested exactly. The detector holds no state of
 * the conversation: each call is told what it is listening for ({@link Mode}), which the session derives from its
 * one transition table ({@link Conversation}). It keeps only its own counters (speech and silence runs), and starts
 * them afresh whenever the mode it is given differs from the one they were counted in. Each call returns at most
 * one {@link Event}, whose position is {@link #eventSample()}.
 */
public final class TurnDetector {

    /** What the session is listening for, derived from its phase. */
    public enum Mode {
        /** Nobody speaks (or the bot is thinking): listen for the start of a user turn. */
        IDLE,
        /** The user is speaking: listen for the end of the turn. */
        USER,
        /** The bot is audible: listen for speech over it. */
        BOT,
        /** Output is paused on possible speech over the bot: confirm it or release it. */
        CANDIDATE
    }

    /** A decision. {@code NONE} means nothing changed. */
    public enum Event {
        NONE,
        /** The user started a turn at {@link #eventSample()} (the first speech frame). Mode IDLE. */
        USER_START,
        /**
         * The user's turn ended at {@link #eventSample()} (the start of the silence that ended it, counted from the
         * frame the speech ended in where the VAD shows one: see {@code SURE_SPEECH}). Mode USER.
         */
        USER_END,
        /**
         * The user paused long enough to start a response speculatively, but not yet long enough to end the turn;
         * the pause began at {@link #eventSample()}. Mode USER; only while the recogniser has words to answer, once
         * per pause, and again whenever those words change later in the same pause (a recogniser catching up: the
         * answer to its older words would be discarded when the final transcript comes).
         */
        USER_PAUSE,
        /** The user went on speaking after a {@link #USER_PAUSE}, at {@link #eventSample()}. Mode USER. */
        USER_RESUME,
        /** Possible speech over the bot: pause output now. Onset at {@link #eventSample()}. Mode BOT. */
        PAUSE,
        /** The sound over the bot stopped before confirmation: resume output. Mode CANDIDATE. */
        RESUME,
        /** Speech over the bot confirmed: a user turn has started at {@link #eventSample()}. Mode BOT/CANDIDATE. */
        CONFIRM
    }

    private static final Logger log = LoggerFactory.getLogger(TurnDetector.class);

    /**
     * A frame of speech reads at least this when the VAD is sure of it; the frame a speaker's voice stops in reads
     * in between. Silero v6 on the labelled clips of {@code ../shared/speech}: 0.96–1.00 inside words, then one
     * frame at 0.38–0.92 that the speech ended in, then silence below the deactivation threshold
     * ({@code benchmarks/TURN-TAKING.md}, session 7).
     */
    static final float SURE_SPEECH = 0.9f;

    private final int sampleRateHz;
    private final long minSpeechSamples;
    private final long minSilenceSamples;
    private final long maxUtteranceSamples;
    private final long confirmSamples;
    private final long releaseSamples;
    private final Hysteresis hysteresis;
    private final boolean bargeInEnabled;
    private final long speculateSamples;
    /** Whether the current silence of a user turn has been reported as a {@link Event#USER_PAUSE}. */
    private boolean pauseReported;
    /** The words the current pause's last {@link Event#USER_PAUSE} was reported with. */
    private String pauseHypothesis;
    private final EndOfTurnDetector endOfTurn;
    /**
     * What the end-of-turn decision is told besides the silence, as of this tick: the recogniser's words so far in
     * this turn (empty if none) and the voice's pitch trend before the silence (semitones per second, NaN if
     * unknown). Values, written by the listen stage once per tick before the tick's frames are judged (the audio of
     * the whole tick is in the pitch trend by then), so a silent frame reads two fields rather than calling back into
     * the stage. Left at these defaults, the end-of-turn detector is asked with no words and no pitch (for the
     * default rules: the policy's fixed silence).
     */
    String words = "";
    double pitchSlopeSemitonesPerS = Double.NaN;
    /** The cue the end-of-turn detector last answered for this silence, and its answer in samples. */
    private String cueHypothesis;
    private double cueSlope;
    private long endSilenceSamples;
    private boolean detectorFailed;

    /** The mode the counters below were counted in; a call in another mode starts them afresh. */
    private Mode countedIn = Mode.IDLE;
    private long runStart;      // first sample of the current speech run (IDLE) or candidate (BOT/CANDIDATE)
    private long speechRun;     // speech samples in the current run / candidate
    private long silenceRun;    // consecutive non-speech samples (in USER mode from silenceStart)
    private long silenceStart;  // first sample of the current silence run
    // The two frames judged before this one (any mode: they describe the audio): where the last one started and
    // ended, whether it was speech, and both probabilities. See endedInLastFrame.
    private long lastStart = -1;
    private long lastEnd = -1;
    private boolean lastSpeech;
    private float lastProbability;
    private float beforeLastProbability;
    private long turnStart;
    /** Where the last event happened ({@link #eventSample()}); the listen stage reads the field. */
    long eventSample;

    public TurnDetector(int sampleRateHz, TurnPolicy turn, BargeInPolicy bargeIn) {
        this.sampleRateHz = sampleRateHz;
        this.endOfTurn = turn.endOfTurn();
        this.minSpeechSamples = samples(sampleRateHz, turn.minSpeechMs());
        this.minSilenceSamples = samples(sampleRateHz, turn.minSilenceMs());
        this.maxUtteranceSamples = samples(sampleRateHz, turn.maxUtteranceMs());
        this.confirmSamples = samples(sampleRateHz, bargeIn.confirmMs());
        this.releaseSamples = samples(sampleRateHz, bargeIn.releaseMs());
        this.hysteresis = new Hysteresis(turn.activationThreshold(), turn.deactivationThreshold());
        this.bargeInEnabled = bargeIn.enabled();
        this.speculateSamples = samples(sampleRateHz, turn.speculateAfterMs());
    }

    private static long samples(int rateHz, int ms) {
        return (long) rateHz * ms / 1000;
    }

    /** Audio position of the last event. */
    public long eventSample() {
        return eventSample;
    }

    /** Start of the current (or last) user turn. */
    public long turnStartSample() {
        return turnStart;
    }

    /**
     * Confirms a pending barge-in from outside (the recogniser produced words).
     *
     * @return {@link Event#CONFIRM} if {@code mode} is CANDIDATE, else {@link Event#NONE}
     */
    public Event confirmExternally(Mode mode) {
        if (mode != Mode.CANDIDATE) {
            return Event.NONE;
        }
        countIn(mode);
        return confirm();
    }

    /** Judges one VAD frame of {@code lengthSamples} starting at {@code startSample}, listening for {@code mode}. */
    public Event accept(Mode mode, float probability, long startSample, int lengthSamples) {
        countIn(mode);
        long end = startSample + lengthSamples;
        // The one hysteresis rule, shared with the offline segmenter; its state is the audio's, so it carries over
        // changes of mode.
        boolean speech = hysteresis.isSpeech(probability);
        boolean endedInLastFrame = lastEnd == startSample && lastSpeech && lastProbability < SURE_SPEECH
                && beforeLastProbability >= SURE_SPEECH;
        long lastFrameStart = lastStart;
        beforeLastProbability = lastProbability;
        lastProbability = probability;
        lastSpeech = speech;
        lastStart = startSample;
        lastEnd = end;
        switch (mode) {
            case IDLE:
                if (speech) {
                    if (speechRun == 0) {
                        runStart = startSample;
                    }
                    speechRun += lengthSamples;
                    if (speechRun >= minSpeechSamples) {
                        turnStart = runStart;
                        eventSample = runStart;
                        return Event.USER_START;
                    }
                } else {
                    speechRun = 0;
                }
                return Event.NONE;
            case USER:
                if (speech) {
                    silenceRun = 0;
                    if (pauseReported) {
                        pauseReported = false;
                        eventSample = startSample;
                        return Event.USER_RESUME;
                    }
                } else {
                    if (silenceRun == 0) {
                        // The end-of-turn clock starts where the voice stopped: in the frame before this one when
                        // the VAD, sure of the speech until then, already doubted it there (the frame the speech
                        // ended in). The hysteresis, which keeps that frame as speech, is left as it is: it decides
                        // what is speech, this only when the silence after it began. One frame at most, so a murmur
                        // trailing off over several frames still counts as speech.
                        silenceStart = endedInLastFrame ? lastFrameStart : startSample;
                        silenceRun = startSample - silenceStart;
                        cueHypothesis = null; // a new silence: ask afresh
                    }
                    silenceRun += lengthSamples;
                    if (silenceRun >= endSilenceSamples()) {
                        pauseReported = false;
                        eventSample = silenceStart;
                        return Event.USER_END;
                    }
                    // Only words can be answered early: without a hypothesis a pause is just silence.
                    if (speculateSamples > 0 && silenceRun >= speculateSamples && !words.isBlank()
                            && !(pauseReported && words.equals(pauseHypothesis))) {
                        pauseReported = true;
                        pauseHypothesis = words;
                        eventSample = silenceStart;
                        return Event.USER_PAUSE;
                    }
                }
                if (end - turnStart >= maxUtteranceSamples) {
                    pauseReported = false;
                    eventSample = end;
                    return Event.USER_END;
                }
                return Event.NONE;
            case BOT:
                if (bargeInEnabled && speech) {
                    runStart = startSample;
                    speechRun = lengthSamples;
                    eventSample = startSample;
                    if (speechRun >= confirmSamples) {
                        return confirm();
                    }
                    return Event.PAUSE;
                }
                return Event.NONE;
            case CANDIDATE:
                if (speech) {
                    speechRun += lengthSamples;
                    silenceRun = 0;
                    if (speechRun >= confirmSamples) {
                        return confirm();
                    }
                } else {
                    silenceRun += lengthSamples;
                    if (silenceRun >= releaseSamples) {
                        eventSample = end;
                        return Event.RESUME;
                    }
                }
                return Event.NONE;
            default:
                throw new AssertionError(mode);
        }
    }

    /**
     * The silence that ends the turn, as the end-of-turn detector decides it for what is known now. It is asked
     * again only when that changes (other words, another pitch trend), so a
     * silence costs one call or a few, not one per frame. A detector that throws or answers below 10 ms is not
     * trusted again: the policy's fixed silence serves from then on, and a warning says why.
     */
    private long endSilenceSamples() {
        if (detectorFailed) {
            return minSilenceSamples;
        }
        String hypothesis = words;
        double slope = pitchSlopeSemitonesPerS;
        if (hypothesis.equals(cueHypothesis) && Double.compare(slope, cueSlope) == 0) {
            return endSilenceSamples;
        }
        cueHypothesis = hypothesis;
        cueSlope = slope;
        int ms;
        try {
            ms = endOfTurn.silenceToEndMs(new EndOfTurnDetector.Cue(hypothesis, slope));
        } catch (RuntimeException e) {
            log.warn("end-of-turn detector {} failed; using a fixed silence from now on", endOfTurn, e);
            detectorFailed = true;
            return minSilenceSamples;
        }
        if (ms < 10) {
            log.warn("end-of-turn detector {} answered {} ms (at least 10 expected); using a fixed silence from now on",
                    endOfTurn, ms);
            detectorFailed = true;
            return minSilenceSamples;
        }
        endSilenceSamples = samples(sampleRateHz, ms);
        return endSilenceSamples;
    }

    /**
     * A candidate carries its onset and speech into CANDIDATE (it is one barge-in seen from two modes); any other
     * change of mode starts the counters afresh.
     */
    private void countIn(Mode mode) {
        if (mode == countedIn) {
            return;
        }
        boolean candidateGoesOn = countedIn == Mode.BOT && mode == Mode.CANDIDATE;
        countedIn = mode;
        silenceRun = 0;
        pauseReported = false;
        if (!candidateGoesOn) {
            speechRun = 0;
        }
    }

    /**
     * The one rule that turns a speech probability into speech or not, shared by the live detector and the offline
     * {@link io.github.voicechat.vad.SpeechSegmenter}: a Schmitt trigger. A frame at or above the activation
     * threshold is speech; one below the deactivation threshold is not; one in between is what the frame before it
     * was. So a word whose probability dips to 0.4 stays speech, and a silence (once below 0.35) is not ended by a
     * murmur at 0.4. It is Silero's own segmentation rule ({@code get_speech_timestamps}: {@code threshold},
     * {@code neg_threshold}). It lives here, in the live path's file, because the tick must not cross a file for one
     * comparison. Mutable, one instance per stream, used by one thread.
     */
    public static final class Hysteresis {

        private final float activation;
        private final float deactivation;
        private boolean speech;

        /** @throws IllegalArgumentException unless {@code 0 < deactivation <= activation <= 1} */
        public Hysteresis(float activation, float deactivation) {
            if (!(activation > 0 && activation <= 1) || !(deactivation > 0 && deactivation <= activation)) {
                throw new IllegalArgumentException("thresholds must satisfy 0 < deactivation <= activation <= 1, "
                        + "were " + activation + " / " + deactivation);
            }
            this.activation = activation;
            this.deactivation = deactivation;
        }

        /** Judges the next frame: whether it is speech, given its probability and the frames before it. */
        public boolean isSpeech(float probability) {
            speech = speech ? probability >= deactivation : probability >= activation;
            return speech;
        }

        /** Whether the last frame judged was speech. */
        public boolean isSpeech() {
            return speech;
        }

        /** Forgets the frames before: the next frame is speech only at the activation threshold. */
        public void reset() {
            speech = false;
        }

        public float activation() {
            return activation;
        }

        public float deactivation() {
            return deactivation;
        }
    }

    private Event confirm() {
        turnStart = runStart;
        eventSample = runStart;
        return Event.CONFIRM;
    }
}
