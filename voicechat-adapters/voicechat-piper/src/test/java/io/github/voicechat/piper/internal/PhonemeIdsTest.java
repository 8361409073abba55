package io.github.voicechat.piper.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PhonemeIdsTest {
    private static final Map<String, long[]> MAP = Map.of(
            "_", new long[] {0}, "^", new long[] {1}, "$", new long[] {2}, " ", new long[] {3},
            "h", new long[] {20}, "ə", new long[] {59}, "ˈ", new long[] {120}, "x", new long[] {40, 41});

    @Test
    void bosPadThenEachPhonemeFollowedByPadThenEos() {
        List<String> missing = new ArrayList<>();
        long[] ids = PhonemeIds.toIds(List.of("h", "ˈ", "ə", " ", "h"), MAP, missing::add);
        assertThat(ids).containsExactly(1, 0, 20, 0, 120, 0, 59, 0, 3, 0, 20, 0, 2);
        assertThat(missing).isEmpty();
    }

    @Test
    void multiIdPhonemesAreCopiedWholeAndMissingOnesSkippedAndReported() {
        List<String> missing = new ArrayList<>();
        long[] ids = PhonemeIds.toIds(List.of("x", "Q", "h", "Q"), MAP, missing::add);
        assertThat(ids).containsExactly(1, 0, 40, 41, 0, 20, 0, 2);
        assertThat(missing).containsExactly("Q", "Q");
    }

    @Test
    void emptySentenceIsJustBosPadEos() {
        assertThat(PhonemeIds.toIds(List.of(), MAP, p -> { })).containsExactly(1, 0, 2);
    }

    @Test
    void aMapWithoutTheSpecialSymbolsIsRefused() {
        assertThatThrownBy(() -> PhonemeIds.toIds(List.of("h"), Map.of("h", new long[] {1}), p -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lacks '_'");
    }
}
