package io.github.voicechat.webrtc;

import io.github.voicechat.testkit.TestAudio;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.voicechat.audio.Pcm;
import io.github.voicechat.spi.EngineOptions;
import io.github.voicechat.spi.Engines;
import io.github.voicechat.spi.VoiceActivityDetector;
import io.github.voicechat.testkit.SharedData;
import io.github.voicechat.vad.SpeechSegmenter;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WebRtcVadTest {

    @BeforeEach
    void nativeLibrary() {
        RequireWebRtcNative.require();
    }

    @Test
    void providerIsFoundBelowSilero() {
        assertThat(Engines.find(VoiceActivityDetector.class, "webrtc").id()).isEqualTo("webrtc-vad");
        var p = new WebRtcVadProvider();
        assertThat(p.unavailableReason()).isEmpty();
        assertThat(p.priority()).isLessThan(150);
        try (WebRtcVad vad = (WebRtcVad) p.create(EngineOptions.parse(List.of("sample_rate_hz=48000",
                "aggressiveness=3")))) {
            assertThat(vad.sampleRateHz()).isEqualTo(48_000);
            assertThat(vad.frameSamples()).isEqualTo(480);
            assertThat(vad.aggressiveness()).isEqualTo(3);
            assertThat(vad.thresholdProbability()).isEqualTo(0.9f);
            assertThat(vad.holdOverMs()).isEqualTo(100);
        }
        assertThatThrownBy(() -> p.create(EngineOptions.EMPTY.with("aggressiveness", "4")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0..3").hasMessageContaining("4");
        assertThatThrownBy(() -> p.create(EngineOptions.EMPTY.with("mode", "1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown option 'mode' for webrtc-vad; valid: aggressiveness, sample_rate_hz");
        // The segmenter's keys are the segmenter's: the detector no longer takes them and ignores them.
        assertThatThrownBy(() -> p.create(EngineOptions.EMPTY.with("min_silence_ms", "200")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown option 'min_silence_ms'");
        // A rate that would abort the JVM inside webrtc is refused by the declared option, before native code.
        assertThatThrownBy(() -> p.create(EngineOptions.EMPTY.with("sample_rate_hz", "44100")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("option sample_rate_hz must be one of 8000|16000|32000|48000, was '44100'");
    }

    @Test
    void badInputIsRejectedBeforeNativeCode() {
        // Each of these would abort the JVM inside webrtc if it got through.
        for (int rate : new int[] {11_025, 22_050, 44_100, 24_000, 0}) {
            assertThatThrownBy(() -> new WebRtcVad(rate, 1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(Integer.toString(rate)).hasMessageContaining("16000");
        }
        try (WebRtcVad vad = new WebRtcVad(16_000, 1)) {
            assertThatThrownBy(() -> vad.speechProbability(new float[320], 0, 320)) // a 20 ms frame
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("160").hasMessageContaining("320");
            assertThatThrownBy(() -> vad.speechProbability(new float[0], 0, 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("160");
            assertThatThrownBy(() -> vad.speechProbability(new float[200], 100, 160))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("260");
            float[] nan = new float[160];
            nan[159] = Float.NaN;
            assertThatThrownBy(() -> vad.speechProbability(nan, 0, 160))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sample 159");
            assertThat(vad.speechProbability(new float[160], 0, 160)).isZero(); // still alive
        }
        WebRtcVad closed = new WebRtcVad(8_000, 0);
        closed.close();
        closed.close();
        assertThatThrownBy(() -> closed.speechProbability(new float[80], 0, 80))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void theNativeDetectorsUnanalysedFirstFramesReadAsSilence() {
        byte[] zeros = new byte[320];
        dev.onvoid.webrtc.media.audio.VoiceActivityDetector raw = new dev.onvoid.webrtc.media.audio.VoiceActivityDetector();
        float[] rawP = new float[4];
        try (WebRtcVad vad = new WebRtcVad(16_000, 1)) {
            float[] ours = new float[4];
            for (int i = 0; i < 4; i++) {
                raw.process(zeros, 160, 16_000);
                rawP[i] = raw.getLastVoiceProbability();
                ours[i] = vad.speechProbability(new float[160], 0, 160);
            }
            assertThat(rawP).containsExactly(1f, 1f, 0.01f, 0.01f);
            // At aggressiveness 1 the threshold is 0.5, so a raw 0.01 maps to 0.01.
            assertThat(ours).containsExactly(0f, 0f, 0.01f, 0.01f);
            vad.reset();
            assertThat(vad.speechProbability(new float[160], 0, 160)).isZero();
        } finally {
            raw.dispose();
        }
    }

    @Test
    void outputIsTheRawProbabilityRescaledWithHoldOver() {
        float[] x = TestAudio.read16k(SharedData.labelledClips().get(1).wav());
        byte[] pcm = new byte[320];
        for (int aggressiveness = 0; aggressiveness < 4; aggressiveness++) {
            dev.onvoid.webrtc.media.audio.VoiceActivityDetector raw =
                    new dev.onvoid.webrtc.media.audio.VoiceActivityDetector();
            try (WebRtcVad vad = new WebRtcVad(16_000, aggressiveness)) {
                float t = vad.thresholdProbability();
                int hold = vad.holdOverMs() / 10;
                int left = 0;
                int held = 0;
                for (int i = 0; i + 160 <= x.length; i += 160) {
                    Pcm.floatToPcm16Le(x, i, pcm, 0, 160);
                    raw.process(pcm, 160, 16_000);
                    float r = raw.getLastVoiceProbability();
                    float expected;
                    if (i < 320) {
                        expected = 0f;
                    } else {
                        float p = r < t ? 0.5f * r / t : 0.5f + 0.5f * (r - t) / (1f - t);
                        if (p >= 0.5f) {
                            left = hold;
                            expected = p;
                        } else if (left > 0) {
                            left--;
                            held++;
                            expected = 0.5f;
                        } else {
                            expected = p;
                        }
                    }
                    assertThat(vad.speechProbability(x, i, 160)).as("aggr %d frame %d", aggressiveness, i / 160)
                            .isEqualTo(expected);
                }
                assertThat(held).as("frames held over").isPositive();
            } finally {
                raw.dispose();
            }
        }
    }

    @Test
    void higherAggressivenessKeepsLessSpeech() {
        double[] speechS = new double[4];
        for (int a = 0; a < 4; a++) {
            try (WebRtcVad vad = new WebRtcVad(16_000, a)) {
                for (SharedData.SpeechClip c : SharedData.speechClips()) {
                    for (SpeechSegmenter.Segment s : SpeechSegmenter.detect(vad, TestAudio.read16k(c.wav()),
                            SpeechSegmenter.builder(16_000).speechPadMs(0).build())) {
                        speechS[a] += s.durationMs() / 1000;
                    }
                }
            }
        }
        System.out.printf("webrtc-vad speech found in all clips by aggressiveness 0..3: %.2f %.2f %.2f %.2f s%n",
                speechS[0], speechS[1], speechS[2], speechS[3]);
        assertThat(speechS[0]).isGreaterThan(speechS[1]);
        assertThat(speechS[1]).isGreaterThan(speechS[2]);
        assertThat(speechS[2]).isGreaterThan(speechS[3]);
    }
}
