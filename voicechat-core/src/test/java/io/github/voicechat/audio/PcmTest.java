package io.github.voicechat.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PcmTest {

    @Test
    void toPcm16RoundsToNearestAndClips() {
        assertThat(Pcm.toPcm16(1.0f)).isEqualTo((short) 32767);
        assertThat(Pcm.toPcm16(-1.0f)).isEqualTo((short) -32768);
        assertThat(Pcm.toPcm16(2.0f)).isEqualTo((short) 32767);
        assertThat(Pcm.toPcm16(-2.0f)).isEqualTo((short) -32768);
        assertThat(Pcm.toPcm16(Float.POSITIVE_INFINITY)).isEqualTo((short) 32767);
        assertThat(Pcm.toPcm16(Float.NEGATIVE_INFINITY)).isEqualTo((short) -32768);
        assertThat(Pcm.toPcm16(0f)).isEqualTo((short) 0);
        assertThat(Pcm.toPcm16(0.5f)).isEqualTo((short) 16384);
        assertThat(Pcm.toPcm16(-0.5f)).isEqualTo((short) -16384);
        assertThat(Pcm.toPcm16(1.4f / 32768)).isEqualTo((short) 1);
        assertThat(Pcm.toPcm16(1.6f / 32768)).isEqualTo((short) 2);
        assertThat(Pcm.toPcm16(-1.4f / 32768)).isEqualTo((short) -1);
        assertThat(Pcm.toPcm16(-1.6f / 32768)).isEqualTo((short) -2);
        assertThat(Pcm.toPcm16(0.5f / 32768)).isEqualTo((short) 1); // ties round up (Math.round)
        assertThat(Pcm.toPcm16(32766.4f / 32768)).isEqualTo((short) 32766);
        assertThat(Pcm.toPcm16(32767f / 32768)).isEqualTo((short) 32767);
        assertThat(Pcm.toFloat((short) -32768)).isEqualTo(-1f);
        assertThat(Pcm.toFloat(Short.MAX_VALUE)).isEqualTo(32767f / 32768);
    }

    @Test
    void everyPcm16ValueRoundTripsThroughFloatExactly() {
        short[] all = new short[65536];
        byte[] le = new byte[2 * all.length];
        byte[] be = new byte[2 * all.length];
        for (int i = 0; i < all.length; i++) {
            short s = (short) (i - 32768);
            all[i] = s;
            le[2 * i] = (byte) s;
            le[2 * i + 1] = (byte) (s >> 8);
            be[2 * i] = (byte) (s >> 8);
            be[2 * i + 1] = (byte) s;
        }
        float[] fromLe = new float[all.length + 2];
        float[] fromBe = new float[all.length];
        float[] fromShorts = new float[all.length];
        Pcm.pcm16LeToFloat(le, 0, fromLe, 2, all.length);
        Pcm.pcm16BeToFloat(be, 0, fromBe, 0, all.length);
        Pcm.pcm16ToFloat(all, 0, fromShorts, 0, all.length);
        for (int i = 0; i < all.length; i++) {
            assertThat(fromLe[i + 2]).isEqualTo(all[i] / 32768f);
        }
        assertThat(fromBe).containsExactly(fromShorts);
        assertThat(java.util.Arrays.copyOfRange(fromLe, 2, fromLe.length)).containsExactly(fromShorts);

        byte[] leBack = new byte[le.length + 4];
        Pcm.floatToPcm16Le(fromLe, 2, leBack, 4, all.length);
        assertThat(java.util.Arrays.copyOfRange(leBack, 4, leBack.length)).containsExactly(le);
        short[] shortsBack = new short[all.length];
        Pcm.floatToPcm16(fromBe, 0, shortsBack, 0, all.length);
        assertThat(shortsBack).containsExactly(all);
    }

    @Test
    void littleEndianByteLayout() {
        byte[] out = new byte[8];
        Pcm.floatToPcm16Le(new float[] {-1f / 32768, 0.5f, 1f, -1f}, 0, out, 0, 4);
        assertThat(out).containsExactly(0xFF, 0xFF, 0x00, 0x40, 0xFF, 0x7F, 0x00, 0x80);
        float[] back = new float[2];
        Pcm.pcm16BeToFloat(new byte[] {0x40, 0x00, (byte) 0xFF, (byte) 0xFF}, 0, back, 0, 2);
        assertThat(back).containsExactly(0.5f, -1f / 32768);
    }

    @Test
    void requireFiniteNamesTheIndexAndValue() {
        float[] x = {0f, 1f, -1f, Float.NaN, Float.POSITIVE_INFINITY};
        assertThatThrownBy(() -> Pcm.requireFinite(x, 0, 5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("audio must be finite, but sample 3 is NaN");
        // The index is relative to the checked range (the frame the engine was given).
        assertThatThrownBy(() -> Pcm.requireFinite(x, 2, 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("audio must be finite, but sample 1 is NaN");
        assertThatThrownBy(() -> Pcm.requireFinite(x, 4, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("audio must be finite, but sample 0 is Infinity");
        assertThatThrownBy(() -> Pcm.requireFinite(new float[] {Float.NEGATIVE_INFINITY}, 0, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("audio must be finite, but sample 0 is -Infinity");
        assertThatCode(() -> Pcm.requireFinite(x, 0, 3)).doesNotThrowAnyException();
        assertThatCode(() -> Pcm.requireFinite(new float[] {Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE}, 0, 3))
                .doesNotThrowAnyException();
    }

    @Test
    void rmsAndDbfsOfKnownSignals() {
        int rateHz = 48_000;
        float[] sine = new float[rateHz];
        for (int i = 0; i < sine.length; i++) {
            sine[i] = (float) Math.sin(2 * Math.PI * 1000 * i / rateHz);
        }
        double rms = Pcm.rms(sine, 0, sine.length);
        assertThat(rms).isCloseTo(Math.sqrt(0.5), within(1e-7));
        assertThat(Pcm.dbfs(rms)).isCloseTo(-3.0103, within(1e-4));

        float[] square = new float[100];
        for (int i = 0; i < square.length; i++) {
            square[i] = i % 2 == 0 ? 0.5f : -0.5f;
        }
        assertThat(Pcm.rms(square, 0, 100)).isEqualTo(0.5);
        assertThat(Pcm.dbfs(0.5)).isCloseTo(-6.0206, within(1e-4));
        assertThat(Pcm.rms(new float[] {9f, 3f, 4f, 9f}, 1, 2)).isCloseTo(Math.sqrt(12.5), within(1e-12));
        assertThat(Pcm.rms(sine, 5, 0)).isZero();
        assertThat(Pcm.dbfs(1.0)).isZero();
        assertThat(Pcm.dbfs(0.0)).isEqualTo(-200.0);
        assertThat(Pcm.dbfs(1e-11)).isEqualTo(-200.0);
        assertThat(Pcm.dbfs(0.1)).isCloseTo(-20.0, within(1e-12));
    }
}
