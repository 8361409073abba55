package io.github.voicechat.whisper.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class UtteranceBufferTest {

    private record Window(float[] samples, long startSample) {
    }

    private final List<Window> windows = new ArrayList<>();

    private void sink(float[] samples, int length, long startSample) {
        windows.add(new Window(Arrays.copyOf(samples, length), startSample));
    }

    private static float[] ramp(int from, int count) {
        float[] a = new float[count];
        for (int i = 0; i < count; i++) {
            a[i] = (from + i) / 100_000f;
        }
        return a;
    }

    @Test
    void growsByDoublingUpToOneWindowAndKeepsItsArrayForTheNextUtterance() {
        UtteranceBuffer b = new UtteranceBuffer(1000, 100);
        assertThat(b.capacity()).isEqualTo(100);
        b.append(ramp(0, 150), 0, 150, this::sink);
        assertThat(b.capacity()).isEqualTo(200);
        b.append(ramp(150, 300), 0, 300, this::sink);
        assertThat(b.capacity()).isEqualTo(450); // doubling would give 400: grows to what is needed
        b.append(ramp(450, 500), 0, 500, this::sink);
        assertThat(b.capacity()).isEqualTo(950);
        b.append(ramp(950, 40), 0, 40, this::sink);
        assertThat(b.capacity()).isEqualTo(1000); // capped at one window
        assertThat(b.length()).isEqualTo(990);
        b.flush(this::sink);
        assertThat(b.length()).isZero();
        b.append(ramp(0, 700), 0, 700, this::sink);
        assertThat(b.capacity()).isEqualTo(1000);
        assertThat(windows).hasSize(1);
    }

    @Test
    void cutsLongUtterancesIntoFullWindowsWithTheirStartSamples() {
        UtteranceBuffer b = new UtteranceBuffer(1000, 16);
        float[] audio = ramp(0, 2500);
        // Odd batch sizes so window boundaries fall inside batches.
        int pos = 0;
        for (int n : new int[] {333, 700, 1, 966, 500}) {
            b.append(audio, pos, n, this::sink);
            pos += n;
        }
        assertThat(windows).extracting(Window::startSample).containsExactly(0L, 1000L);
        assertThat(b.windowStart()).isEqualTo(2000);
        assertThat(b.length()).isEqualTo(500);
        b.flush(this::sink);
        assertThat(windows).extracting(Window::startSample).containsExactly(0L, 1000L, 2000L);
        assertThat(windows).extracting(w -> w.samples().length).containsExactly(1000, 1000, 500);
        float[] joined = new float[2500];
        for (Window w : windows) {
            System.arraycopy(w.samples(), 0, joined, (int) w.startSample(), w.samples().length);
        }
        assertThat(joined).containsExactly(audio);
        assertThat(b.windowStart()).isZero();
    }

    @Test
    void flushOfAnEmptyBufferEmitsNothing() {
        UtteranceBuffer b = new UtteranceBuffer(1000, 16);
        b.flush(this::sink);
        b.append(ramp(0, 1000), 0, 1000, this::sink);
        b.flush(this::sink); // the full window went out during append
        assertThat(windows).hasSize(1);
    }

    @Test
    void clearDropsTheUtterance() {
        UtteranceBuffer b = new UtteranceBuffer(1000, 16);
        b.append(ramp(0, 1500), 0, 1500, this::sink);
        b.clear();
        assertThat(b.length()).isZero();
        assertThat(b.windowStart()).isZero();
        b.append(ramp(0, 10), 0, 10, this::sink);
        b.flush(this::sink);
        assertThat(windows).extracting(Window::startSample).containsExactly(0L, 0L);
        assertThat(windows.get(1).samples()).containsExactly(ramp(0, 10));
    }

    @Test
    void refusesNanAndInfinityBeforeBufferingAnyOfTheBatch() {
        UtteranceBuffer b = new UtteranceBuffer(1000, 16);
        b.append(ramp(0, 10), 0, 10, this::sink);
        float[] bad = ramp(0, 20);
        bad[13] = Float.NaN;
        assertThatThrownBy(() -> b.append(bad, 2, 18, this::sink))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("audio sample 11 of this batch (array index 13) is NaN; expected a finite value in [-1, 1]");
        bad[13] = Float.NEGATIVE_INFINITY;
        assertThatThrownBy(() -> b.append(bad, 0, 20, this::sink))
                .hasMessageContaining("is -Infinity");
        assertThat(b.length()).isEqualTo(10);
        // A bad sample outside the given range is not looked at.
        b.append(bad, 0, 13, this::sink);
        assertThat(b.length()).isEqualTo(23);
    }

    @Test
    void refusesRangesOutsideTheArray() {
        UtteranceBuffer b = new UtteranceBuffer(1000, 16);
        assertThatThrownBy(() -> b.append(new float[10], 8, 3, this::sink))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("offset 8 and length 3 do not fit an array of 10 samples");
        assertThatThrownBy(() -> b.append(new float[10], -1, 3, this::sink))
                .hasMessage("offset -1 and length 3 do not fit an array of 10 samples");
        assertThatThrownBy(() -> b.append(null, 0, 0, this::sink)).hasMessage("samples must not be null");
        assertThatThrownBy(() -> new UtteranceBuffer(0, 0)).hasMessage("window must be at least 1 sample, was 0");
    }

    @Test
    void aSinkThatThrowsLeavesTheBufferReadyForMore() {
        UtteranceBuffer b = new UtteranceBuffer(100, 16);
        assertThatThrownBy(() -> b.append(ramp(0, 150), 0, 150, (s, n, start) -> {
            throw new IllegalStateException("engine failed");
        })).hasMessage("engine failed");
        assertThat(b.length()).isZero();
        b.append(ramp(0, 30), 0, 30, this::sink);
        b.flush(this::sink);
        assertThat(windows).hasSize(1);
        assertThat(windows.get(0).samples()).containsExactly(ramp(0, 30));
    }
}
