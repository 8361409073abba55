package io.github.voicechat.webrtc;

import io.github.voicechat.testkit.TestAudio;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.voicechat.testkit.SharedData;
import io.github.voicechat.testkit.SharedData.SpeechClip;
import io.github.voicechat.vad.SpeechSegmenter;
import io.github.voicechat.vad.SpeechSegmenter.Segment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The WebRTC VAD (aggressiveness 1) on the real recordings, natively at 8, 16 and 48 kHz; segmenter defaults
 * without padding. It only hears voiced sound, so its bounds are looser than Silero's; measured at every rate:
 * onsets +60, +204, +429 ms and offsets +98, +126, +153 ms on the three labelled clips.
 */
class WebRtcRealSpeechTest {

    @BeforeEach
    void nativeLibrary() {
        RequireWebRtcNative.require();
    }

    static List<Segment> detect(float[] x16k, int rateHz) {
        float[] x = TestAudio.resample(x16k, 16_000, rateHz);
        try (WebRtcVad vad = new WebRtcVad(rateHz, 1)) {
            return SpeechSegmenter.detect(vad, x, SpeechSegmenter.builder(rateHz).speechPadMs(0).build());
        }
    }

    @ParameterizedTest(name = "{0} Hz")
    @ValueSource(ints = {16_000, 8_000, 48_000})
    void boundariesAgainstTheLibriVoxLabels(int rateHz) {
        List<SpeechClip> clips = SharedData.labelledClips();
        double[] onsetMs = new double[clips.size()];
        double[] offsetMs = new double[clips.size()];
        List<String> report = new ArrayList<>();
        for (int i = 0; i < clips.size(); i++) {
            SpeechClip c = clips.get(i);
            List<Segment> found = detect(TestAudio.read16k(c.wav()), rateHz);
            SharedData.Segment label = c.segments().get(0);
            assertThat(found).as(c.file()).isNotEmpty();
            onsetMs[i] = 1000 * (found.get(0).startS() - label.startS());
            offsetMs[i] = 1000 * (found.get(found.size() - 1).endS() - label.endS());
            report.add(c.file() + " " + found + String.format(" onset %+.0f ms, offset %+.0f ms", onsetMs[i], offsetMs[i]));
            for (Segment s : found) {
                assertThat(s.startS()).as(c.file() + " " + s).isGreaterThanOrEqualTo(label.startS() - 0.060);
                assertThat(s.endS()).as(c.file() + " " + s).isLessThanOrEqualTo(label.endS() + 0.250);
            }
            assertThat(onsetMs[i]).as(c.file() + " onset").isBetween(-60.0, 500.0);
            assertThat(offsetMs[i]).as(c.file() + " offset").isBetween(-100.0, 250.0);
        }
        System.out.println("webrtc-vad " + rateHz + " Hz:\n  " + String.join("\n  ", report));
        assertThat(TestAudio.median(onsetMs)).isLessThanOrEqualTo(250.0);
        assertThat(TestAudio.median(offsetMs)).isLessThanOrEqualTo(200.0);
    }

    @Test
    void everyTranscribedClipHasSpeech() {
        for (SpeechClip c : SharedData.speechClips()) {
            if (!c.transcript().isEmpty()) {
                List<Segment> found = detect(TestAudio.read16k(c.wav()), 16_000);
                System.out.println("webrtc-vad " + c.file() + " " + found);
                assertThat(found).as(c.file()).isNotEmpty();
            }
        }
    }

    @Test
    void aSecondOfSilenceInNoiseSeparatesTwoUtterances() {
        List<SpeechClip> clips = SharedData.labelledClips();
        SpeechClip a = clips.get(1);
        SpeechClip b = clips.get(2);
        float[] first = TestAudio.slice(TestAudio.read16k(a.wav()), 0, a.segments().get(0).endS(), 16_000);
        float[] second = TestAudio.slice(TestAudio.read16k(b.wav()), b.segments().get(0).startS(), b.durationS(),
                16_000);
        float[] clip = TestAudio.concat(first, new float[16_000], second);
        TestAudio.addWhiteNoise(clip, -45, 42);
        double gapStartS = first.length / 16_000.0;
        double gapEndS = gapStartS + 1.0;
        List<Segment> found = detect(clip, 16_000);
        System.out.println("webrtc-vad speech + 1 s + speech in noise: " + found + ", gap [" + gapStartS + ", "
                + gapEndS + ")");
        // Speech on both sides; none bridging the gap (hold-over 300 ms + min silence 100 ms may run into it).
        assertThat(found).anySatisfy(s -> assertThat(s.endS()).isLessThanOrEqualTo(gapStartS + 0.45));
        assertThat(found).anySatisfy(s -> assertThat(s.startS()).isGreaterThanOrEqualTo(gapEndS - 0.06));
        for (Segment s : found) {
            assertThat(s.endS() <= gapStartS + 0.45 || s.startS() >= gapEndS - 0.06).as(s.toString()).isTrue();
        }
    }
}
