package io.github.voicechat.silero;

import io.github.voicechat.testkit.TestAudio;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.voicechat.spi.EngineOptions;
import io.github.voicechat.spi.VoiceActivityDetector;
import io.github.voicechat.testkit.SharedData;
import io.github.voicechat.testkit.SharedData.SpeechClip;
import io.github.voicechat.vad.SpeechSegmenter;
import io.github.voicechat.vad.SpeechSegmenter.Segment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Silero v6 on the real recordings of ../shared/speech: segment boundaries against the LibriVox labels.
 *
 * <p>Segmenter: activation 0.5, deactivation 0.35, min speech 250 ms, min silence 100 ms, no padding, and an end
 * latency of 64 ms: on all three labelled clips v6 stays above 0.5 for exactly two 32 ms chunks after the chunk in
 * which the labelled speech ends.
 */
class SileroRealSpeechTest {

    static SpeechSegmenter segmenter(int rateHz) {
        return SpeechSegmenter.builder(rateHz).speechPadMs(0).endLatencyMs(64).build();
    }

    private static float[] atRate(SpeechClip c, int rateHz) {
        float[] x = TestAudio.read16k(c.wav());
        return TestAudio.resample(x, 16_000, rateHz);
    }

    /** Runs v6 on the clip given at {@code inputRateHz}: natively at 8 or 16 kHz, else brought to 16 kHz first. */
    static List<Segment> detect(SpeechClip c, int inputRateHz) {
        float[] x = atRate(c, inputRateHz);
        int vadRate = inputRateHz == 8_000 ? 8_000 : 16_000;
        if (inputRateHz != vadRate) {
            x = TestAudio.resample(x, inputRateHz, vadRate);
        }
        try (VoiceActivityDetector vad = new SileroVadProvider.V6()
                .create(EngineOptions.EMPTY.with("sample_rate_hz", Integer.toString(vadRate)))) {
            return SpeechSegmenter.detect(vad, x, segmenter(vadRate));
        }
    }

    @ParameterizedTest(name = "input at {0} Hz")
    @ValueSource(ints = {16_000, 8_000, 48_000})
    void boundariesMatchTheLibriVoxLabels(int inputRateHz) {
        List<SpeechClip> clips = SharedData.labelledClips();
        assertThat(clips).hasSize(3);
        double[] onsetMs = new double[clips.size()];
        double[] offsetMs = new double[clips.size()];
        List<String> report = new ArrayList<>();
        for (int i = 0; i < clips.size(); i++) {
            SpeechClip c = clips.get(i);
            List<Segment> found = detect(c, inputRateHz);
            SharedData.Segment label = c.segments().get(0);
            assertThat(found).as(c.file()).isNotEmpty();
            onsetMs[i] = 1000 * (found.get(0).startS() - label.startS());
            offsetMs[i] = 1000 * (found.get(found.size() - 1).endS() - label.endS());
            report.add(c.file() + " " + found + String.format(" onset %+.0f ms, offset %+.0f ms", onsetMs[i], offsetMs[i]));
            // Nothing in the leading or trailing silence.
            for (Segment s : found) {
                assertThat(s.startS()).as(c.file() + " " + s).isGreaterThanOrEqualTo(label.startS() - 0.060);
                assertThat(s.endS()).as(c.file() + " " + s).isLessThanOrEqualTo(label.endS() + 0.120);
            }
        }
        System.out.println("silero v6, input " + inputRateHz + " Hz:\n  " + String.join("\n  ", report));
        assertThat(Math.abs(TestAudio.median(onsetMs))).isLessThanOrEqualTo(60.0);
        assertThat(Math.abs(TestAudio.median(offsetMs))).isLessThanOrEqualTo(60.0);
    }

    @Test
    void everyTranscribedClipHasSpeech() {
        for (SpeechClip c : SharedData.speechClips()) {
            if (c.transcript().isEmpty()) {
                continue;
            }
            List<Segment> found = detect(c, 16_000);
            assertThat(found).as(c.file()).isNotEmpty();
            System.out.println("silero v6 " + c.file() + " " + found);
        }
    }

    @Test
    void speechSilenceSpeechInNoiseSplitsInTwo() {
        List<SpeechClip> clips = SharedData.labelledClips();
        SpeechClip a = clips.get(1);
        SpeechClip b = clips.get(2);
        float[] x = TestAudio.read16k(a.wav());
        float[] y = TestAudio.read16k(b.wav());
        // First clip up to its labelled end, 1 s of silence, second clip from its labelled start.
        float[] first = TestAudio.slice(x, 0, a.segments().get(0).endS(), 16_000);
        float[] second = TestAudio.slice(y, b.segments().get(0).startS(), b.durationS(), 16_000);
        float[] clip = TestAudio.concat(first, new float[16_000], second);
        TestAudio.addWhiteNoise(clip, -45, 42);
        double secondStartS = first.length / 16_000.0 + 1.0;
        double secondEndS = secondStartS + b.segments().get(0).endS() - b.segments().get(0).startS();

        List<Segment> found;
        try (SileroVad vad = (SileroVad) new SileroVadProvider.V6().create(EngineOptions.EMPTY)) {
            found = SpeechSegmenter.detect(vad, clip, segmenter(16_000));
        }
        System.out.println("silero v6 speech + 1 s + speech in noise: " + found + " expected ["
                + a.segments().get(0).startS() + ", " + a.segments().get(0).endS() + "), [" + secondStartS + ", "
                + secondEndS + ")");
        assertThat(found).hasSize(2);
        assertThat(found.get(0).startS()).isCloseTo(a.segments().get(0).startS(), org.assertj.core.data.Offset.offset(0.120));
        assertThat(found.get(0).endS()).isCloseTo(a.segments().get(0).endS(), org.assertj.core.data.Offset.offset(0.120));
        assertThat(found.get(1).startS()).isCloseTo(secondStartS, org.assertj.core.data.Offset.offset(0.120));
        assertThat(found.get(1).endS()).isCloseTo(secondEndS, org.assertj.core.data.Offset.offset(0.120));
    }
}
