package io.github.voicechat.internal.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.voicechat.BargeInPolicy;
import io.github.voicechat.TurnPolicy;
import io.github.voicechat.internal.session.TurnDetector.Hysteresis;
import io.github.voicechat.vad.SpeechSegmenter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The one speech/silence rule, and proof that the offline segmenter and the live detector both follow it. */
class HysteresisTest {

    @Test
    void aSchmittTriggerBetweenTheTwoThresholds() {
        Hysteresis h = new Hysteresis(0.5f, 0.35f);
        assertThat(h.isSpeech()).isFalse();
        assertThat(h.isSpeech(0.49f)).isFalse();   // below activation: not yet
        assertThat(h.isSpeech(0.5f)).isTrue();     // activation starts speech
        assertThat(h.isSpeech(0.35f)).isTrue();    // at deactivation it goes on
        assertThat(h.isSpeech(0.349f)).isFalse();  // below it, silence
        assertThat(h.isSpeech(0.49f)).isFalse();   // and in between it stays silence
        assertThat(h.isSpeech(0.5f)).isTrue();
        h.reset();
        assertThat(h.isSpeech()).isFalse();
        assertThat(h.isSpeech(0.4f)).isFalse();
        assertThat(h.activation()).isEqualTo(0.5f);
        assertThat(h.deactivation()).isEqualTo(0.35f);
    }

    @Test
    void refusesThresholdsOutOfOrder() {
        String msg = "thresholds must satisfy 0 < deactivation <= activation <= 1, were ";
        assertThatThrownBy(() -> new Hysteresis(0.5f, 0.6f)).hasMessage(msg + "0.5 / 0.6");
        assertThatThrownBy(() -> new Hysteresis(1.1f, 0.5f)).hasMessage(msg + "1.1 / 0.5");
        assertThatThrownBy(() -> new Hysteresis(0.5f, 0f)).hasMessage(msg + "0.5 / 0.0");
        assertThatThrownBy(() -> new Hysteresis(Float.NaN, 0.3f)).hasMessage(msg + "NaN / 0.3");
    }

    @Test
    void theSegmenterAndTheTurnDetectorSplitSpeechAtTheSameFrames() {
        // Random probabilities with long runs near both thresholds. With the same thresholds and minimum silence,
        // one frame of minimum speech and no padding, every segment the offline segmenter finds is a user turn the
        // live detector finds, start and end to the sample: which frames are speech, and when silence has lasted
        // long enough, is one rule. (How much speech starts a turn is each one's own policy: the segmenter counts
        // from its first speech frame, the detector needs that much speech in a row.)
        Random random = new Random(13);
        int frame = 160; // 10 ms at 16 kHz
        float[] probabilities = new float[20_000];
        float level = 0;
        for (int i = 0; i < probabilities.length; i++) {
            if (random.nextInt(25) == 0) {
                float[] levels = {0.0f, 0.2f, 0.34f, 0.35f, 0.42f, 0.49f, 0.5f, 0.7f, 0.95f};
                level = levels[random.nextInt(levels.length)];
            }
            probabilities[i] = level;
        }
        SpeechSegmenter segmenter = SpeechSegmenter.builder(16_000).minSpeechMs(10).minSilenceMs(500)
                .speechPadMs(0).build();
        List<String> offline = new ArrayList<>();
        for (SpeechSegmenter.Segment s : segmenter.segment(probabilities, frame,
                (long) probabilities.length * frame)) {
            offline.add(s.startSample() + "-" + s.endSample());
        }
        TurnDetector detector = new TurnDetector(16_000, TurnPolicy.builder().minSpeechMs(10).minSilenceMs(500)
                .maxUtteranceMs(3_600_000).build(), BargeInPolicy.defaults());
        List<String> live = new ArrayList<>();
        TurnDetector.Mode mode = TurnDetector.Mode.IDLE;
        long start = 0;
        for (int i = 0; i < probabilities.length; i++) {
            TurnDetector.Event e = detector.accept(mode, probabilities[i], (long) i * frame, frame);
            if (e == TurnDetector.Event.USER_START) {
                mode = TurnDetector.Mode.USER;
                start = detector.eventSample();
            } else if (e == TurnDetector.Event.USER_END) {
                mode = TurnDetector.Mode.IDLE;
                live.add(start + "-" + detector.eventSample());
            }
        }
        if (mode == TurnDetector.Mode.USER) {
            // the clip ends mid-turn: the segmenter closes it at the start of its silence or at the end
            live.add(start + "-" + offline.get(offline.size() - 1).split("-")[1]);
        }
        assertThat(offline).hasSizeGreaterThan(20);
        assertThat(live).isEqualTo(offline);
    }
}
