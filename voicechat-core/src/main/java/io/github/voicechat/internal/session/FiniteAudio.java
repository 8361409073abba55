package io.github.voicechat.internal.session;

import io.github.voicechat.spi.EngineException;

/**
 * A NaN or infinity caught where it appears, naming the engine that made it: downstream, the VAD and the recogniser
 * would refuse it with a message that blames them, and a NaN read as a speech probability compares false with every
 * threshold, so the user would never be heard again.
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

    /** A speech probability from {@code vad}, refused unless it is in [0, 1] (NaN included). */
    static float requireProbability(float p) {
        if (!(p >= 0f && p <= 1f)) {
            throw new EngineException("VAD returned speech probability " + p + "; it must be in [0, 1]");
        }
        return p;
    }
}
