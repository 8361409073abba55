package io.github.voicechat;

import io.github.voicechat.internal.session.TurnDetector;
import io.github.voicechat.spi.EngineOption;
import io.github.voicechat.spi.EngineOptions;
import io.github.voicechat.vad.SpeechSegmenter;
import java.util.List;

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

    /** {@code max_utterance_ms}: see {@link #maxUtteranceMs()}. */
    public static final EngineOption<Integer> MAX_UTTERANCE_MS = EngineOption.integer("max_utterance_ms", 30_000,
            100, 3_600_000, "a user turn longer than this is ended and transcribed anyway");
    /** {@code pre_roll_ms}: see {@link #preRollMs()}. */
    public static final EngineOption<Integer> PRE_ROLL_MS = EngineOption.integer("pre_roll_ms", 300, 0, 2_000,
            "audio from before the detected start that the recogniser also gets");
    /**
     * The options {@link Builder#options(EngineOptions)} reads, as given with {@code --vad-option}: the speech
     * segmenter's {@code threshold}, {@code neg_threshold}, {@code min_speech_ms} and {@code min_silence_ms} (the
     * same keys and ranges as for {@code voicechat vad}), and {@code max_utterance_ms} and {@code pre_roll_ms}.
     */
    public static final List<EngineOption<?>> OPTIONS = List.of(SpeechSegmenter.THRESHOLD,
            SpeechSegmenter.NEG_THRESHOLD, SpeechSegmenter.MIN_SPEECH_MS, SpeechSegmenter.MIN_SILENCE_MS,
            MAX_UTTERANCE_MS, PRE_ROLL_MS);

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

    /**
     * {@return the default policy} 100 ms of speech starts a turn, 500 ms of silence ends it, 30 s at most, 300 ms
     * pre-roll, thresholds 0.5 / 0.35.
     */
    public static TurnPolicy defaults() {
        return builder().build();
    }

    /** {@return a builder starting from the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return a builder holding this policy's settings, for a variant} */
    public Builder toBuilder() {
        return new Builder().minSpeechMs(minSpeechMs).minSilenceMs(minSilenceMs).maxUtteranceMs(maxUtteranceMs)
                .preRollMs(preRollMs).thresholds(activationThreshold, deactivationThreshold);
    }

    /** {@return the continuous speech, in milliseconds, needed before a user turn starts} Shorter sounds are ignored. */
    public int minSpeechMs() {
        return minSpeechMs;
    }

    /** {@return the silence, in milliseconds, that ends a user turn} */
    public int minSilenceMs() {
        return minSilenceMs;
    }

    /** {@return the longest user turn, in milliseconds} A longer one is ended (and transcribed) anyway. */
    public int maxUtteranceMs() {
        return maxUtteranceMs;
    }

    /**
     * {@return the audio, in milliseconds, from before the detected start that the recogniser also gets} So the first
     * phoneme is not cut.
     */
    public int preRollMs() {
        return preRollMs;
    }

    /** {@return the speech probability at which a turn's speech starts} */
    public float activationThreshold() {
        return activationThreshold;
    }

    /** {@return the speech probability below which silence starts, once speaking} */
    public float deactivationThreshold() {
        return deactivationThreshold;
    }

    @Override
    public String toString() {
        return "TurnPolicy[minSpeechMs=" + minSpeechMs + ", minSilenceMs=" + minSilenceMs + ", maxUtteranceMs="
                + maxUtteranceMs + ", preRollMs=" + preRollMs + ", thresholds=" + activationThreshold + "/"
                + deactivationThreshold + "]";
    }

    /** Settings of a {@link TurnPolicy}. */
    public static final class Builder {
        private int minSpeechMs = 100;
        private int minSilenceMs = 500;
        private int maxUtteranceMs = MAX_UTTERANCE_MS.defaultValue().orElseThrow();
        private int preRollMs = PRE_ROLL_MS.defaultValue().orElseThrow();
        private float activationThreshold = 0.5f;
        private float deactivationThreshold = 0.35f;

        private Builder() {
        }

        /**
         * Applies {@link #OPTIONS}; a {@code threshold} without {@code neg_threshold} brings
         * {@link SpeechSegmenter#deactivationFor its deactivation}, as in the offline segmenter.
         *
         * @param options options by key
         * @return this builder
         * @throws IllegalArgumentException on any other key (naming the valid ones) or a bad value
         */
        public Builder options(EngineOptions options) {
            EngineOptions o = options.check("the turn policy", OPTIONS);
            float activation = SpeechSegmenter.THRESHOLD.find(o).map(Double::floatValue).orElse(activationThreshold);
            float deactivation = SpeechSegmenter.NEG_THRESHOLD.find(o).map(Double::floatValue)
                    .orElse(SpeechSegmenter.THRESHOLD.find(o).isPresent()
                            ? SpeechSegmenter.deactivationFor(activation) : deactivationThreshold);
            thresholds(activation, deactivation);
            SpeechSegmenter.MIN_SPEECH_MS.find(o).ifPresent(this::minSpeechMs);
            SpeechSegmenter.MIN_SILENCE_MS.find(o).ifPresent(this::minSilenceMs);
            MAX_UTTERANCE_MS.find(o).ifPresent(this::maxUtteranceMs);
            PRE_ROLL_MS.find(o).ifPresent(this::preRollMs);
            return this;
        }

        /**
         * Sets the continuous speech needed before a user turn starts; default 100 ms.
         *
         * @param ms 0 to 10000 milliseconds
         * @return this builder
         */
        public Builder minSpeechMs(int ms) {
            this.minSpeechMs = requireRange("minSpeechMs", ms, 0, 10_000);
            return this;
        }

        /**
         * Sets the silence that ends a user turn; default 500 ms.
         *
         * @param ms 10 to 10000 milliseconds
         * @return this builder
         */
        public Builder minSilenceMs(int ms) {
            this.minSilenceMs = requireRange("minSilenceMs", ms, 10, 10_000);
            return this;
        }

        /**
         * Sets the longest user turn; default 30 s.
         *
         * @param ms 100 to 3600000 milliseconds
         * @return this builder
         */
        public Builder maxUtteranceMs(int ms) {
            this.maxUtteranceMs = requireRange("maxUtteranceMs", ms, 100, 3_600_000);
            return this;
        }

        /**
         * Sets the audio from before the detected start that the recogniser also gets; default 300 ms.
         *
         * @param ms 0 to 2000 milliseconds
         * @return this builder
         */
        public Builder preRollMs(int ms) {
            this.preRollMs = requireRange("preRollMs", ms, 0, 2_000);
            return this;
        }

        /**
         * Speech starts at {@code activation} and continues while at or above {@code deactivation}; default 0.5 /
         * 0.35.
         *
         * @param activation   in (0, 1]
         * @param deactivation in (0, activation]
         * @return this builder
         */
        public Builder thresholds(float activation, float deactivation) {
            new TurnDetector.Hysteresis(activation, deactivation); // the rule's own check, with its message
            this.activationThreshold = activation;
            this.deactivationThreshold = deactivation;
            return this;
        }

        /** {@return the policy} */
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
