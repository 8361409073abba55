package io.github.voicechat.internal.session;

import io.github.voicechat.VoicechatException;
import io.github.voicechat.audio.Resampler;
import io.github.voicechat.spi.EchoCanceller;
import java.util.Arrays;

/**
 * Stage 2, echo cancellation: removes from each microphone frame the echo of what the speaker sounded while the
 * frame was heard (the far end, from the playout's {@code SpeakerPath}: on a sound device what was written a device
 * queue and a microphone backlog ago, else what was just written; resampled once from the output rate to the input
 * rate). A session without an echo canceller has no such
 * stage. Owns the far-end buffer and the canceller's frames; session thread only.
 */
final class EchoStage {

    private final EchoCanceller aec;
    private final int frameSamples;
    private final Resampler farResampler;
    private int farDrop;
    private final float[] farFifo;
    private int farFifoLength;
    private final float[] farFrame;
    private final float[] cleanFrame;
    private final float[] aecFar;
    private final float[] aecNear;
    private final float[] aecOut;

    EchoStage(EchoCanceller aec, int inRateHz, int inFrameSamples, int outRateHz, int outFrameSamples) {
        this.aec = aec;
        this.frameSamples = inFrameSamples;
        if (aec.sampleRateHz() != inRateHz || inFrameSamples % aec.frameSamples() != 0) {
            throw new VoicechatException("echo canceller works at " + aec.sampleRateHz() + " Hz in frames of "
                    + aec.frameSamples() + " samples; the input runs at " + inRateHz + " Hz in 20 ms frames of "
                    + inFrameSamples + " samples");
        }
        farResampler = Resampler.create(outRateHz, inRateHz);
        farDrop = farResampler.delaySamples();
        farFifo = new float[4 * inFrameSamples + farResampler.maxOutputSamples(outFrameSamples) + 16];
        farFrame = new float[inFrameSamples];
        cleanFrame = new float[inFrameSamples];
        aecFar = new float[aec.frameSamples()];
        aecNear = new float[aec.frameSamples()];
        aecOut = new float[aec.frameSamples()];
    }

    /**
     * The microphone frame without the echo of {@code farEnd}, what the speaker sounded while it was heard (at the
     * output rate, {@code farLength} samples).
     */
    float[] run(float[] farEnd, int farLength, float[] mic) {
        int produced = farResampler.process(farEnd, 0, farLength, farFifo, farFifoLength);
        int skip = Math.min(farDrop, produced);
        if (skip > 0) {
            System.arraycopy(farFifo, farFifoLength + skip, farFifo, farFifoLength, produced - skip);
            farDrop -= skip;
        }
        farFifoLength += produced - skip;
        return cancel(mic);
    }

    private float[] cancel(float[] mic) {
        int n = Math.min(frameSamples, farFifoLength);
        System.arraycopy(farFifo, 0, farFrame, 0, n);
        Arrays.fill(farFrame, n, frameSamples, 0f);
        System.arraycopy(farFifo, n, farFifo, 0, farFifoLength - n);
        farFifoLength -= n;
        int step = aec.frameSamples();
        for (int i = 0; i < frameSamples; i += step) {
            System.arraycopy(farFrame, i, aecFar, 0, step);
            System.arraycopy(mic, i, aecNear, 0, step);
            aec.process(aecFar, aecNear, aecOut);
            FiniteAudio.require("echo canceller", aecOut, 0, step);
            System.arraycopy(aecOut, 0, cleanFrame, i, step);
        }
        return cleanFrame;
    }
}
