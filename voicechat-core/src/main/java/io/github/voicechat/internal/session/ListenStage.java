package io.github.voicechat.internal.session;

import io.github.voicechat.audio.Framer;
import io.github.voicechat.audio.Resampler;
import io.github.voicechat.internal.bus.FrameRing;
import io.github.voicechat.spi.VoiceActivityDetector;

/**
 * Stage 3, VAD and turn decision: hands each clean input frame to the recogniser (on the input bus, read on its own
 * thread), runs the VAD on it in the detector's frame size, and turns the probabilities into inputs of the
 * conversation's table. The detector's mode is read off the conversation's phase at every frame, never kept here.
 * Owns the VAD, its resampler and framer, and the detector's counters; session thread only.
 */
final class ListenStage implements Framer.FrameConsumer {

    private final VoiceActivityDetector vad;
    private final TurnDetector detector;
    private final Conversation conversation;
    private final FrameRing inputRing;
    private final Ticks ticks;
    private final Resampler vadResampler;
    private final float[] vadBuffer;
    private final Framer framer;
    private final boolean confirmOnWords;
    private int vadDrop;
    /** The recogniser's words as of the end of the last tick (read after the lockstep gate, so exact). */
    private String words = "";

    ListenStage(VoiceActivityDetector vad, TurnDetector detector, Conversation conversation, FrameRing inputRing,
            Ticks ticks, boolean confirmOnWords) {
        this.vad = vad;
        this.detector = detector;
        this.conversation = conversation;
        this.inputRing = inputRing;
        this.ticks = ticks;
        this.confirmOnWords = confirmOnWords;
        this.vadResampler = Resampler.create(ticks.inRateHz, vad.sampleRateHz());
        this.vadDrop = vadResampler.delaySamples();
        this.vadBuffer = new float[vadResampler.maxOutputSamples(ticks.inFrameSamples) + 16];
        this.framer = new Framer(vad.frameSamples());
    }

    /** Listens to one clean 20 ms input frame. */
    void run(float[] clean) {
        inputRing.publish(clean, 0, ticks.inFrameSamples, ticks.inRateHz, ticks.inSample());
        int produced = vadResampler.process(clean, 0, ticks.inFrameSamples, vadBuffer, 0);
        int skip = Math.min(vadDrop, produced);
        vadDrop -= skip;
        framer.push(vadBuffer, skip, produced - skip, this);
        if (confirmOnWords && !words.isBlank() && conversation.phase() == Conversation.Phase.PAUSED) {
            decide(detector.confirmExternally(conversation.phase().detectorMode));
        }
    }

    /** The recogniser's partial words at the end of this tick; the next tick may confirm a barge-in with them. */
    void heard(String partialWords) {
        words = partialWords;
    }

    /** One VAD frame from the framer. */
    @Override
    public void accept(float[] frame, int offset, int length, long startSample) {
        float p = vad.speechProbability(frame, offset, length);
        long start = startSample * ticks.inRateHz / vad.sampleRateHz();
        int len = (int) ((long) length * ticks.inRateHz / vad.sampleRateHz());
        decide(detector.accept(conversation.phase().detectorMode, p, start, len));
    }

    private void decide(TurnDetector.Event event) {
        Conversation.Input input;
        switch (event) {
            case NONE:
                return;
            case USER_START:
                input = Conversation.Input.SPEECH_STARTED;
                break;
            case USER_END:
                input = Conversation.Input.SPEECH_ENDED;
                break;
            case PAUSE:
                input = Conversation.Input.SPEECH_OVER_BOT;
                break;
            case RESUME:
                input = Conversation.Input.NOISE_ENDED;
                break;
            case CONFIRM:
                input = Conversation.Input.BARGE_IN_CONFIRMED;
                break;
            default:
                throw new AssertionError(event);
        }
        conversation.on(input, detector.eventSample());
    }
}
