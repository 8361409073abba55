package io.github.voicechat.internal.session;

import io.github.voicechat.audio.Resampler;
import io.github.voicechat.internal.bus.FrameRing;
import io.github.voicechat.spi.EngineException;
import io.github.voicechat.spi.VoiceActivityDetector;
import java.util.function.Function;

/**
 * Stage 3, VAD and turn decision: hands each clean input frame to the recogniser (on the input bus, read on its own
 * thread), runs the VAD on it in the detector's frame size, and turns the probabilities into inputs of the
 * conversation's table. The detector's mode is read off the conversation's phase at every VAD frame, never kept
 * here. Owns the VAD, its resampler (none when the VAD runs at the input rate) and its framing; session thread only.
 */
final class ListenStage implements TurnDetector.Hints {

    private final VoiceActivityDetector vad;
    private final TurnDetector detector;
    private final PitchTracker pitch;
    /** The recogniser's words as of the end of the last tick, in a user turn (see {@link #run}); else empty. */
    private String hypothesis = "";
    private final Conversation conversation;
    private final Workers workers;
    private final FrameRing inputRing;
    private final int inRateHz;
    private final int inFrameSamples;
    private final int vadRateHz;
    private final boolean confirmOnWords;
    private final Resampler vadResampler;
    private final float[] vadBuffer;
    private int vadDrop;
    /** Samples at the VAD's rate waiting for a whole VAD frame; {@code pendingStart} is the first one's position. */
    private final float[] pending;
    private int pendingLength;
    private long vadPosition;
    /**
     * Set by the tick before {@link #run}: the microphone hears only the speaker's echo, so this frame's speech is
     * the bot's own and never a user's (a speakerphone loop).
     */
    boolean echoOnly;

    /**
     * @param detector makes the turn decisions; this stage gives it its {@link TurnDetector.Hints}
     */
    ListenStage(VoiceActivityDetector vad, Function<TurnDetector.Hints, TurnDetector> detector,
            Conversation conversation, Workers workers, FrameRing inputRing, int inRateHz, int inFrameSamples,
            boolean confirmOnWords) {
        this.vad = vad;
        this.detector = detector.apply(this);
        this.pitch = new PitchTracker(vad.sampleRateHz());
        this.conversation = conversation;
        this.workers = workers;
        this.inputRing = inputRing;
        this.inRateHz = inRateHz;
        this.inFrameSamples = inFrameSamples;
        this.vadRateHz = vad.sampleRateHz();
        this.confirmOnWords = confirmOnWords;
        this.vadResampler = vadRateHz == inRateHz ? null : Resampler.create(inRateHz, vadRateHz);
        this.vadDrop = vadResampler == null ? 0 : vadResampler.delaySamples();
        this.vadBuffer = vadResampler == null ? null : new float[vadResampler.maxOutputSamples(inFrameSamples) + 16];
        this.pending = new float[vad.frameSamples()];
    }

    /** Listens to one clean 20 ms input frame starting at input sample {@code startSample}. */
    void run(float[] clean, long startSample) {
        // The recogniser's words as of the end of the last tick: read before this frame reaches it (the lockstep
        // gate settled it then, and nothing has woken it since), so a confirmation lands on the same tick every run.
        // Only a paused barge-in needs them; otherwise the recogniser is not in an utterance begun over the bot.
        String words = confirmOnWords && conversation.phase == Phase.PAUSED
                ? workers.partialWords() : "";
        // The same for the end of a user turn, which the words help decide.
        hypothesis = conversation.phase == Phase.USER_TURN ? workers.partialWords() : "";
        inputRing.publish(clean, 0, inFrameSamples, inRateHz, startSample);
        if (vadResampler == null) {
            frame(clean, 0, inFrameSamples);
        } else {
            int produced = vadResampler.process(clean, 0, inFrameSamples, vadBuffer, 0);
            int skip = Math.min(vadDrop, produced);
            vadDrop -= skip;
            frame(vadBuffer, skip, produced - skip);
        }
        if (!words.isBlank() && conversation.phase == Phase.PAUSED) {
            decide(detector.confirmExternally(conversation.phase.detectorMode));
        }
    }

    @Override
    public String hypothesis() {
        return hypothesis;
    }

    @Override
    public double pitchSlopeSemitonesPerS() {
        return pitch.slopeSemitonesPerS();
    }

    /** Cuts the VAD's input into its frames, in place where it can, and judges each one. */
    private void frame(float[] src, int offset, int length) {
        pitch.accept(src, offset, length);
        int frameSamples = pending.length;
        int i = offset;
        int end = offset + length;
        if (pendingLength > 0) {
            int take = Math.min(frameSamples - pendingLength, length);
            System.arraycopy(src, i, pending, pendingLength, take);
            pendingLength += take;
            i += take;
            if (pendingLength < frameSamples) {
                return;
            }
            judge(pending, 0);
            pendingLength = 0;
        }
        for (; end - i >= frameSamples; i += frameSamples) {
            judge(src, i);
        }
        System.arraycopy(src, i, pending, 0, end - i);
        pendingLength = end - i;
    }

    private void judge(float[] samples, int offset) {
        int frameSamples = pending.length;
        float p;
        try {
            p = vad.speechProbability(samples, offset, frameSamples);
        } catch (RuntimeException e) {
            throw e instanceof EngineException ? e : new EngineException("VAD failed: " + e.getMessage(), e);
        }
        requireProbability(p);
        if (echoOnly) {
            p = 0f; // the bot hearing itself: not speech of anyone at the microphone
        }
        long start = vadPosition * inRateHz / vadRateHz;
        int len = (int) ((long) frameSamples * inRateHz / vadRateHz);
        vadPosition += frameSamples;
        decide(detector.accept(conversation.phase.detectorMode, p, start, len));
    }

    /**
     * A speech probability refused unless it is in [0, 1] (NaN included): a NaN compares false with every
     * threshold, so the user would never be heard again. Checked here, where the VAD is read, in the same call.
     */
    private static void requireProbability(float p) {
        if (!(p >= 0f && p <= 1f)) {
            throw new EngineException("VAD returned speech probability " + p + "; it must be in [0, 1]");
        }
    }

    private void decide(TurnDetector.Event event) {
        Input input;
        switch (event) {
            case NONE:
                return;
            case USER_START:
                input = Input.SPEECH_STARTED;
                break;
            case USER_END:
                input = Input.SPEECH_ENDED;
                break;
            case USER_PAUSE:
                conversation.wordsAtPause = hypothesis;
                input = Input.SPEECH_PAUSED;
                break;
            case USER_RESUME:
                input = Input.SPEECH_RESUMED;
                break;
            case PAUSE:
                input = Input.SPEECH_OVER_BOT;
                break;
            case RESUME:
                input = Input.NOISE_ENDED;
                break;
            case CONFIRM:
                input = Input.BARGE_IN_CONFIRMED;
                break;
            default:
                throw new AssertionError(event);
        }
        conversation.on(input, detector.eventSample());
    }
}
