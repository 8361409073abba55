package io.github.voicechat.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AudioFormatAndFrameTest {

    @Test
    void formatValidation() {
        assertThatThrownBy(() -> new AudioFormat(0, 1, SampleEncoding.PCM16))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("sample rate must be 1..384000 Hz, was 0 Hz");
        assertThatThrownBy(() -> new AudioFormat(-16_000, 1, SampleEncoding.PCM16))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sample rate must be 1..384000 Hz, was -16000 Hz");
        assertThatThrownBy(() -> new AudioFormat(384_001, 1, SampleEncoding.PCM16))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sample rate must be 1..384000 Hz, was 384001 Hz");
        assertThatThrownBy(() -> new AudioFormat(16_000, 0, SampleEncoding.PCM16))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("channels must be 1..8, was 0");
        assertThatThrownBy(() -> new AudioFormat(16_000, 9, SampleEncoding.FLOAT32))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("channels must be 1..8, was 9");
        assertThatThrownBy(() -> new AudioFormat(16_000, 1, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("encoding must not be null");
        assertThat(new AudioFormat(384_000, 8, SampleEncoding.FLOAT32).bytesPerFrame()).isEqualTo(32);
        assertThat(new AudioFormat(1, 1, SampleEncoding.PCM16).bytesPerFrame()).isEqualTo(2);
    }

    @Test
    void samplesForAndMillisFor() {
        assertThat(AudioFormat.monoPcm16(48_000).samplesFor(20)).isEqualTo(960);
        assertThat(AudioFormat.monoPcm16(16_000).samplesFor(10)).isEqualTo(160);
        assertThat(AudioFormat.monoFloat(22_050).samplesFor(10)).isEqualTo(220); // 220.5 rounded down
        assertThat(AudioFormat.monoFloat(44_100).samplesFor(3_600_000)).isEqualTo(158_760_000); // no int overflow
        assertThat(AudioFormat.monoFloat(8_000).samplesFor(0)).isZero();
        assertThat(AudioFormat.monoPcm16(44_100).millisFor(441)).isEqualTo(10.0);
        assertThat(AudioFormat.monoPcm16(16_000).millisFor(1)).isEqualTo(0.0625);
        assertThat(AudioFormat.monoPcm16(48_000).millisFor(48_000L * 3600 * 24)).isEqualTo(86_400_000.0);
        assertThat(AudioFormat.monoPcm16(16_000)).isEqualTo(new AudioFormat(16_000, 1, SampleEncoding.PCM16));
        assertThat(AudioFormat.monoFloat(16_000)).isEqualTo(new AudioFormat(16_000, 1, SampleEncoding.FLOAT32));
    }

    @Test
    void frameValidation() {
        assertThatThrownBy(() -> new AudioFrame(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("capacity must be positive, was 0");
        AudioFrame f = new AudioFrame(160);
        float[] src = new float[200];
        assertThatThrownBy(() -> f.set(src, 0, 161, 16_000, 0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("frame length must be 0..160 samples, was 161");
        assertThatThrownBy(() -> f.set(src, 0, -1, 16_000, 0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("frame length must be 0..160 samples, was -1");
        assertThatThrownBy(() -> f.set(src, 0, 160, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sample rate must be positive, was 0");
        assertThatThrownBy(() -> f.setSilence(161, 16_000, 0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("frame length must be 0..160 samples, was 161");
        assertThatThrownBy(() -> f.setSilence(160, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sample rate must be positive, was 0");
        assertThat(f.length()).isZero();
    }

    @Test
    void setCopiesAndReportsAudioTime() {
        AudioFrame f = new AudioFrame(480);
        float[] src = {9, 1, 2, 3, 9};
        f.set(src, 1, 3, 48_000, 96_000, 42);
        src[1] = 100;
        assertThat(f.length()).isEqualTo(3);
        assertThat(f.capacity()).isEqualTo(480);
        assertThat(java.util.Arrays.copyOf(f.samples(), 3)).containsExactly(1, 2, 3);
        assertThat(f.sampleRateHz()).isEqualTo(48_000);
        assertThat(f.startSample()).isEqualTo(96_000);
        assertThat(f.endSample()).isEqualTo(96_003);
        assertThat(f.sequence()).isEqualTo(42);
        assertThat(f.startMs()).isEqualTo(2000.0);
        assertThat(f.durationMs()).isEqualTo(0.0625);
        assertThat(f).hasToString("AudioFrame[seq=42, start=96000, length=3, rate=48000Hz]");

        f.setSilence(5, 16_000, 160, 7);
        assertThat(java.util.Arrays.copyOf(f.samples(), 5)).containsExactly(0, 0, 0, 0, 0);
        assertThat(f.startMs()).isEqualTo(10.0);
        assertThat(f.durationMs()).isEqualTo(5 / 16.0);
    }

    @Test
    void copyIsDetachedAndSetFromCopiesEverything() {
        AudioFrame f = new AudioFrame(160);
        f.set(new float[] {0.1f, 0.2f, 0.3f}, 0, 3, 16_000, 320, 2);
        AudioFrame c = f.copy();
        f.samples()[0] = 7f;
        f.set(new float[] {0.9f}, 0, 1, 8_000, 0, 99);
        assertThat(c.capacity()).isEqualTo(3);
        assertThat(c.length()).isEqualTo(3);
        assertThat(c.samples()).containsExactly(0.1f, 0.2f, 0.3f);
        assertThat(c.sampleRateHz()).isEqualTo(16_000);
        assertThat(c.startSample()).isEqualTo(320);
        assertThat(c.sequence()).isEqualTo(2);

        AudioFrame empty = new AudioFrame(10).setSilence(0, 16_000, 5, 1).copy();
        assertThat(empty.capacity()).isEqualTo(1);
        assertThat(empty.length()).isZero();
        assertThat(empty.startSample()).isEqualTo(5);

        AudioFrame target = new AudioFrame(4);
        target.setFrom(c);
        c.samples()[1] = -1f;
        assertThat(java.util.Arrays.copyOf(target.samples(), 3)).containsExactly(0.1f, 0.2f, 0.3f);
        assertThat(target.startSample()).isEqualTo(320);
        assertThat(target.sequence()).isEqualTo(2);
        assertThat(target.sampleRateHz()).isEqualTo(16_000);
        assertThatThrownBy(() -> new AudioFrame(2).setFrom(c)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("frame length must be 0..2 samples, was 3");
    }
}
