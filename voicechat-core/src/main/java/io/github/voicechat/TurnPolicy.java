package io.github.voicechat;

import io.github.voicechat.spi.EngineOption;
import io.github.voicechat.spi.EngineOptions;
import io.github.voicechat.vad.SpeechSegmenter;
import java.util.List;

/**
 * When a user turn starts and ends, in audio time.
 *
 * <p>A frame counts as speech when its VAD probability reaches {@code activationThreshold}; once speech has started it
 * continues while the probability stays at or above {@code deactivationThreshold} (hysteresis keeps one quiet frame
 * from ending a word). Build with {@link #builder()}; the defaults are the predecessor's, tuned on real speech.
 */
public final class TurnPolicy {

    public static final EngineOption<Integer> MAX_UTTERANCE_MS = EngineOption.integer("max_utterance_ms", 30_000,
            100, 3_600_000, "a user turn longer than this is ended and transcribed anyway");
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
            if (!(activation > 0 && activation <= 1) || !(deactivation > 0 && deactivation <= activation)) {
                throw new IllegalArgumentException("thresholds must satisfy 0 < deactivation <= activation <= 1, were "
                        + activation + " / " + deactivation);
            }
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
