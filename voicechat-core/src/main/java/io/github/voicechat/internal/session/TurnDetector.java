package io.github.voicechat.internal.session;

import io.github.voicechat.BargeInPolicy;
import io.github.voicechat.TurnPolicy;

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
        /** The user's turn ended at {@link #eventSample()} (the start of the silence that ended it). Mode USER. */
        USER_END,
        /** Possible speech over the bot: pause output now. Onset at {@link #eventSample()}. Mode BOT. */
        PAUSE,
        /** The sound over the bot stopped before confirmation: resume output. Mode CANDIDATE. */
        RESUME,
        /** Speech over the bot confirmed: a user turn has started at {@link #eventSample()}. Mode BOT/CANDIDATE. */
        CONFIRM
    }

    private final long minSpeechSamples;
    private final long minSilenceSamples;
    private final long maxUtteranceSamples;
    private final long confirmSamples;
    private final long releaseSamples;
    private final Hysteresis hysteresis;
    private final boolean bargeInEnabled;

    /** The mode the counters below were counted in; a call in another mode starts them afresh. */
    private Mode countedIn = Mode.IDLE;
    private long runStart;      // first sample of the current speech run (IDLE) or candidate (BOT/CANDIDATE)
    private long speechRun;     // speech samples in the current run / candidate
    private long silenceRun;    // consecutive non-speech samples
    private long silenceStart;  // first sample of the current silence run
    private long turnStart;
    private long eventSample;

    public TurnDetector(int sampleRateHz, TurnPolicy turn, BargeInPolicy bargeIn) {
        this.minSpeechSamples = samples(sampleRateHz, turn.minSpeechMs());
        this.minSilenceSamples = samples(sampleRateHz, turn.minSilenceMs());
        this.maxUtteranceSamples = samples(sampleRateHz, turn.maxUtteranceMs());
        this.confirmSamples = samples(sampleRateHz, bargeIn.confirmMs());
        this.releaseSamples = samples(sampleRateHz, bargeIn.releaseMs());
        this.hysteresis = new Hysteresis(turn.activationThreshold(), turn.deactivationThreshold());
        this.bargeInEnabled = bargeIn.enabled();
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
                } else {
                    if (silenceRun == 0) {
                        silenceStart = startSample;
                    }
                    silenceRun += lengthSamples;
                    if (silenceRun >= minSilenceSamples) {
                        eventSample = silenceStart;
                        return Event.USER_END;
                    }
                }
                if (end - turnStart >= maxUtteranceSamples) {
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
