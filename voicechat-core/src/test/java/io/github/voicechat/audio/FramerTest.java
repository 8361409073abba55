package io.github.voicechat.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FramerTest {

    /** A frame as received, copied out of the reused array. */
    private record Got(float[] samples, long startSample) {
    }

    private static Framer.FrameConsumer into(List<Got> out, int frameSamples) {
        return (frame, offset, length, startSample) -> {
            assertThat(length).isEqualTo(frameSamples);
            out.add(new Got(Arrays.copyOfRange(frame, offset, offset + length), startSample));
        };
    }

    @ParameterizedTest(name = "{0}-sample frames")
    @ValueSource(ints = {1, 7, 160, 480, 512})
    void randomChunksComeOutAsTheConcatenatedInputCutIntoFrames(int frameSamples) {
        Random rnd = new Random(frameSamples);
        float[] all = new float[50_000];
        for (int i = 0; i < all.length; i++) {
            all[i] = i + 0.5f; // each sample names its own position
        }
        Framer framer = new Framer(frameSamples);
        assertThat(framer.frameSamples()).isEqualTo(frameSamples);
        List<Got> got = new ArrayList<>();
        Framer.FrameConsumer consumer = into(got, frameSamples);
        int pos = 0;
        int zeroChunks = 0;
        int bigChunks = 0;
        while (pos < all.length) {
            int kind = rnd.nextInt(4);
            int len = kind == 0 ? 0 : kind == 1 ? rnd.nextInt(frameSamples + 1) : rnd.nextInt(5 * frameSamples + 3);
            len = Math.min(len, all.length - pos);
            zeroChunks += len == 0 ? 1 : 0;
            bigChunks += len >= 3 * frameSamples ? 1 : 0;
            // Pass the chunk at a random offset inside a larger array, with garbage around it.
            int pad = rnd.nextInt(5);
            float[] chunk = new float[pad + len + 3];
            Arrays.fill(chunk, Float.NaN);
            System.arraycopy(all, pos, chunk, pad, len);
            int framesBefore = got.size();
            framer.push(chunk, pad, len, consumer);
            pos += len;
            assertThat(got.size() - framesBefore).isEqualTo(pos / frameSamples - framesBefore);
            assertThat(framer.remainder()).isEqualTo(pos % frameSamples);
            assertThat(framer.nextStartSample()).isEqualTo((long) (pos / frameSamples) * frameSamples);
        }
        assertThat(zeroChunks).isPositive();
        assertThat(bigChunks).isPositive();
        assertThat(got).hasSize(all.length / frameSamples);
        for (int f = 0; f < got.size(); f++) {
            assertThat(got.get(f).startSample()).isEqualTo((long) f * frameSamples);
            assertThat(got.get(f).samples())
                    .containsExactly(Arrays.copyOfRange(all, f * frameSamples, (f + 1) * frameSamples));
        }
    }

    @Test
    void flushPaddedPadsWithZerosAndReturnsTheRealCount() {
        Framer framer = new Framer(4);
        List<Got> got = new ArrayList<>();
        framer.push(new float[] {1, 2, 3, 4, 5, 6}, 0, 6, into(got, 4));
        assertThat(framer.remainder()).isEqualTo(2);
        assertThat(framer.flushPadded(into(got, 4))).isEqualTo(2);
        assertThat(got).hasSize(2);
        assertThat(got.get(1).samples()).containsExactly(5, 6, 0, 0);
        assertThat(got.get(1).startSample()).isEqualTo(4);
        assertThat(framer.remainder()).isZero();
        assertThat(framer.nextStartSample()).isEqualTo(8);
        // Nothing pending: nothing emitted.
        assertThat(framer.flushPadded(into(got, 4))).isZero();
        assertThat(got).hasSize(2);
        // Padding must not leak old samples into a later, shorter remainder.
        framer.push(new float[] {7, 8, 9}, 0, 3, into(got, 4));
        framer.flushPadded(into(got, 4));
        framer.push(new float[] {10}, 0, 1, into(got, 4));
        assertThat(framer.flushPadded(into(got, 4))).isEqualTo(1);
        assertThat(got.get(2).samples()).containsExactly(7, 8, 9, 0);
        assertThat(got.get(3).samples()).containsExactly(10, 0, 0, 0);
        assertThat(got.get(3).startSample()).isEqualTo(12);
    }

    @Test
    void resetDropsTheRemainderAndRestartsPositions() {
        Framer framer = new Framer(3);
        List<Got> got = new ArrayList<>();
        framer.push(new float[] {1, 2, 3, 4, 5}, 0, 5, into(got, 3));
        framer.reset(1000);
        assertThat(framer.remainder()).isZero();
        assertThat(framer.nextStartSample()).isEqualTo(1000);
        framer.push(new float[] {6, 7, 8, 9}, 0, 4, into(got, 3));
        assertThat(got).hasSize(2);
        assertThat(got.get(1).samples()).containsExactly(6, 7, 8);
        assertThat(got.get(1).startSample()).isEqualTo(1000);
        assertThat(framer.remainder()).isEqualTo(1);
    }

    @Test
    void badRangesAndSizesAreRefused() {
        Framer framer = new Framer(4);
        float[] src = new float[10];
        Framer.FrameConsumer none = (f, o, l, s) -> {
            throw new AssertionError("no frame expected");
        };
        assertThatThrownBy(() -> framer.push(src, -1, 2, none)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("range [-1, 1) is outside an array of 10 samples");
        assertThatThrownBy(() -> framer.push(src, 5, 6, none)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("range [5, 11) is outside an array of 10 samples");
        assertThatThrownBy(() -> framer.push(src, 0, -1, none)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("range [0, -1) is outside an array of 10 samples");
        assertThat(framer.remainder()).isZero();
        assertThat(framer.nextStartSample()).isZero();
        assertThatThrownBy(() -> new Framer(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("frame length must be positive, was 0");
        assertThatThrownBy(() -> new Framer(-160)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("frame length must be positive, was -160");
    }
}
