package io.github.voicechat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.voicechat.spi.EngineOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

class TurnPolicyTest {

    @Test
    void optionsSetTheTurnSettingsWithTheSegmenterKeys() {
        TurnPolicy p = TurnPolicy.defaults().toBuilder().options(EngineOptions.parse(List.of("threshold=0.7",
                "min_speech_ms=150", "min_silence_ms=800", "max_utterance_ms=20000", "pre_roll_ms=100"))).build();
        assertThat(p.activationThreshold()).isEqualTo(0.7f);
        // A threshold alone brings its deactivation, 0.15 below, as in the offline segmenter.
        assertThat(p.deactivationThreshold()).isCloseTo(0.55f, org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(new int[] {p.minSpeechMs(), p.minSilenceMs(), p.maxUtteranceMs(), p.preRollMs()})
                .containsExactly(150, 800, 20_000, 100);

        TurnPolicy q = TurnPolicy.builder().options(EngineOptions.parse(List.of("neg_threshold=0.2"))).build();
        assertThat(new float[] {q.activationThreshold(), q.deactivationThreshold()}).containsExactly(0.5f, 0.2f);
    }

    @Test
    void noOptionsKeepTheDefaults() {
        assertThat(TurnPolicy.builder().options(EngineOptions.EMPTY).build().toString())
                .isEqualTo(TurnPolicy.defaults().toString());
    }

    @Test
    void unknownIllTypedAndOutOfRangeOptionsAreRefused() {
        assertThatThrownBy(() -> TurnPolicy.builder().options(EngineOptions.parse(List.of("speech_pad_ms=30"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown option 'speech_pad_ms' for the turn policy; valid: max_utterance_ms,"
                        + " min_silence_ms, min_speech_ms, neg_threshold, pre_roll_ms, threshold");
        assertThatThrownBy(() -> TurnPolicy.builder().options(EngineOptions.parse(List.of("threshold=high"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("option threshold must be a number 0.01..1, was 'high'");
        assertThatThrownBy(() -> TurnPolicy.builder().options(EngineOptions.parse(List.of("max_utterance_ms=0"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("option max_utterance_ms must be 100..3600000, was 0");
        assertThatThrownBy(() -> TurnPolicy.builder()
                .options(EngineOptions.parse(List.of("threshold=0.4", "neg_threshold=0.6"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("deactivation <= activation");
    }
}
