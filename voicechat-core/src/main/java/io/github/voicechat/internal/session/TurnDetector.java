package io.github.voicechat.internal.session;

import io.github.voicechat.BargeInPolicy;
import io.github.voicechat.TurnPolicy;

/**
 * Turn-taking and barge-in decisions from per-frame VAD probabilities, in audio time (samples at the input rate).
 *
 * <p>Pure logic with no clock and no threads, so every latency is tested exactly. The session feeds each VAD frame
 * with {@link #accept} and tells the detector when the bot's output is audible ({@link #botSpeaking}); each call
 * returns at most one {@link Event}, whose position is {@link #eventSample()}.
 */
public final class TurnDetector {

    /** A decision. {@code NONE} means nothing changed. */
    public enum Event {
        NONE,
        /** The user started a turn at {@link #eventSample()} (the first speech frame). */
        USER_START,
        /** The user's turn ended at {@link #eventSample()} (the start of the silence that ended it). */
        USER_END,
        /** Possible speech over the bot: pause output now. Onset at {@link #eventSample()}. */
        PAUSE,
        /** The sound over the bot stopped before confirmation: resume output. */
        RESUME,
        /** Speech over the bot confirmed: stop output; a user turn has started at {@link #eventSample()}. */
        CONFIRM
    }

    private enum Mode { IDLE, USER, BOT, CANDIDATE }

    private final long minSpeechSamples;
    private final long minSilenceSamples;
    private final long maxUtteranceSamples;
    private final long confirmSamples;
    private final long releaseSamples;
    private final float activation;
    private final float deactivation;
    private final boolean bargeInEnabled;

    private Mode mode = Mode.IDLE;
    private long runStart;      // first sample of the current speech run (IDLE) or candidate (CANDIDATE)
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
        this.activation = turn.activationThreshold();
        this.deactivation = turn.deactivationThreshold();
        this.bargeInEnabled = bargeIn.enabled();
    }

    private static long samples(int rateHz, int ms) {
        return (long) rateHz * ms / 1000;
    }

    /** Audio position of the last event. */
    public long eventSample() {
        return eventSample;
    }

    /** Whether the user is mid-turn (speech started and not yet ended). */
    public boolean inUserTurn() {
        return mode == Mode.USER;
    }

    /** Whether output is paused awaiting confirmation. */
    public boolean inCandidate() {
        return mode == Mode.CANDIDATE;
    }

    /** Start of the current (or last) user turn. */
    public long turnStartSample() {
        return turnStart;
    }

    /**
     * The bot's output became audible ({@code true}) or stopped ({@code false}). While the bot speaks, speech is
     * judged as barge-in; otherwise as an ordinary turn. A user already mid-turn keeps their turn.
     */
    public void botSpeaking(boolean speaking) {
        if (speaking) {
            if (mode == Mode.IDLE) {
                mode = Mode.BOT;
                speechRun = 0;
            }
        } else if (mode == Mode.BOT || mode == Mode.CANDIDATE) {
            mode = Mode.IDLE;
            speechRun = 0;
        }
    }

    /**
     * Confirms a pending barge-in from outside (the recogniser produced words).
     *
     * @return {@link Event#CONFIRM} if a barge-in was pending, else {@link Event#NONE}
     */
    public Event confirmExternally() {
        if (mode != Mode.CANDIDATE) {
            return Event.NONE;
        }
        return confirm();
    }

    /** Judges one VAD frame of {@code lengthSamples} starting at {@code startSample}. */
    public Event accept(float probability, long startSample, int lengthSamples) {
        long end = startSample + lengthSamples;
        switch (mode) {
            case IDLE:
                if (probability >= activation) {
                    if (speechRun == 0) {
                        runStart = startSample;
                    }
                    speechRun += lengthSamples;
                    if (speechRun >= minSpeechSamples) {
                        mode = Mode.USER;
                        turnStart = runStart;
                        silenceRun = 0;
                        eventSample = runStart;
                        return Event.USER_START;
                    }
                } else {
                    speechRun = 0;
                }
                return Event.NONE;
            case USER:
                if (probability >= deactivation) {
                    silenceRun = 0;
                } else {
                    if (silenceRun == 0) {
                        silenceStart = startSample;
                    }
                    silenceRun += lengthSamples;
                    if (silenceRun >= minSilenceSamples) {
                        return endTurn(silenceStart);
                    }
                }
                if (end - turnStart >= maxUtteranceSamples) {
                    return endTurn(end);
                }
                return Event.NONE;
            case BOT:
                if (bargeInEnabled && probability >= activation) {
                    mode = Mode.CANDIDATE;
                    runStart = startSample;
                    speechRun = lengthSamples;
                    silenceRun = 0;
                    eventSample = startSample;
                    if (speechRun >= confirmSamples) {
                        return confirm();
                    }
                    return Event.PAUSE;
                }
                return Event.NONE;
            case CANDIDATE:
                if (probability >= deactivation) {
                    speechRun += lengthSamples;
                    silenceRun = 0;
                    if (speechRun >= confirmSamples) {
                        return confirm();
                    }
                } else {
                    silenceRun += lengthSamples;
                    if (silenceRun >= releaseSamples) {
                        mode = Mode.BOT;
                        speechRun = 0;
                        silenceRun = 0;
                        eventSample = end;
                        return Event.RESUME;
                    }
                }
                return Event.NONE;
            default:
                throw new AssertionError(mode);
        }
    }

    private Event confirm() {
        mode = Mode.USER;
        turnStart = runStart;
        silenceRun = 0;
        eventSample = runStart;
        return Event.CONFIRM;
    }

    private Event endTurn(long at) {
        mode = Mode.IDLE;
        speechRun = 0;
        silenceRun = 0;
        eventSample = at;
        return Event.USER_END;
    }
}
