package io.github.voicechat;

import io.github.voicechat.internal.session.TurnDetector;

/**
 * When a user turn starts and ends, in audio time.
 *
 * <p>A frame counts as speech when its VAD probability reaches {@code activationThreshold}; once speech has started it
 * continues while the probability stays at or above {@code deactivationThreshold}, and once it has fallen below,
 * only the activation threshold counts as speech again (a Schmitt trigger, the same rule as the offline
 * {@link io.github.voicechat.vad.SpeechSegmenter}: one quiet frame does not end a word, one murmur does not end a
 * silence). Build with {@link #builder()}; the defaults are the predecessor's, tuned on real speech.
 */
public final class TurnPolicy {

    private final int minSpeechMs;
    private final int minSilenceMs;
    private final int maxUtteranceMs;
    private final int preRollMs;
    private final float activationThreshold;
    private final float deactivationThreshold;

    private TurnPolicy(Builder b) {
        this.minSpeechMs = b.minSpeechMs;
        this.minSilenceMs = b.minSilenceMs;
        this.maxUtteranceMs = b.maxUtteranceMs;
        this.preRollMs = b.preRollMs;
        this.activationThreshold = b.activationThreshold;
        this.deactivationThreshold = b.deactivationThreshold;
    }

    public static TurnPolicy defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().minSpeechMs(minSpeechMs).minSilenceMs(minSilenceMs).maxUtteranceMs(maxUtteranceMs)
                .preRollMs(preRollMs).thresholds(activationThreshold, deactivationThreshold);
    }

    /** Continuous speech needed before a user turn starts (shorter sounds are ignored). */
    public int minSpeechMs() {
        return minSpeechMs;
    }

    /** Silence that ends a user turn. */
    public int minSilenceMs() {
        return minSilenceMs;
    }

    /** A turn longer than this is ended (and transcribed) anyway. */
    public int maxUtteranceMs() {
        return maxUtteranceMs;
    }

    /** Audio from before the detected start that the recogniser also gets, so the first phoneme is not cut. */
    public int preRollMs() {
        return preRollMs;
    }

    public float activationThreshold() {
        return activationThreshold;
    }

    public float deactivationThreshold() {
        return deactivationThreshold;
    }

    @Override
    public String toString() {
        return "TurnPolicy[minSpeechMs=" + minSpeechMs + ", minSilenceMs=" + minSilenceMs + ", maxUtteranceMs="
                + maxUtteranceMs + ", preRollMs=" + preRollMs + ", thresholds=" + activationThreshold + "/"
                + deactivationThreshold + "]";
    }

    public static final class Builder {
        private int minSpeechMs = 100;
        private int minSilenceMs = 500;
        private int maxUtteranceMs = 30_000;
        private int preRollMs = 300;
        private float activationThreshold = 0.5f;
        private float deactivationThreshold = 0.35f;

        private Builder() {
        }

        public Builder minSpeechMs(int ms) {
            this.minSpeechMs = requireRange("minSpeechMs", ms, 0, 10_000);
            return this;
        }

        public Builder minSilenceMs(int ms) {
            this.minSilenceMs = requireRange("minSilenceMs", ms, 10, 10_000);
            return this;
        }

        public Builder maxUtteranceMs(int ms) {
            this.maxUtteranceMs = requireRange("maxUtteranceMs", ms, 100, 3_600_000);
            return this;
        }

        public Builder preRollMs(int ms) {
            this.preRollMs = requireRange("preRollMs", ms, 0, 2_000);
            return this;
        }

        /** Speech starts at {@code activation} and continues while at or above {@code deactivation}. */
        public Builder thresholds(float activation, float deactivation) {
            new TurnDetector.Hysteresis(activation, deactivation); // the rule's own check, with its message
            this.activationThreshold = activation;
            this.deactivationThreshold = deactivation;
            return this;
        }

        public TurnPolicy build() {
            return new TurnPolicy(this);
        }
    }

    static int requireRange(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be " + min + ".." + max + ", was " + value);
        }
        return value;
    }
}
