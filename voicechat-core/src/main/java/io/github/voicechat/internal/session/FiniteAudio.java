package io.github.voicechat.internal.session;

import io.github.voicechat.spi.EngineException;

/**
 * A NaN or infinity caught where it appears, naming the engine that made it: downstream, the VAD and the recogniser
 * would refuse it with a message that blames them. (A VAD's speech probability is checked where it is read, in
 * {@link ListenStage}.)
 */
final class FiniteAudio {

    private FiniteAudio() {
    }

    /** Throws naming {@code engine} unless every sample in the range is finite. No allocation unless it throws. */
    static void require(String engine, float[] samples, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            if (!Float.isFinite(samples[i])) {
                throw new EngineException(engine + " returned " + samples[i] + " at sample " + (i - offset)
                        + " of a frame of " + length + "; audio must be finite");
            }
        }
    }
}
