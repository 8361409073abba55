package io.github.voicechat.vad;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.voicechat.spi.VoiceActivityDetector;
import io.github.voicechat.vad.SpeechSegmenter.Event;
import io.github.voicechat.vad.SpeechSegmenter.Segment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpeechSegmenterTest {

    /** At 1 kHz one sample is one millisecond, so expected positions read as audio time directly. */
    private static final int RATE = 1000;
    private static final int FRAME = 10;

    private static SpeechSegmenter.Builder ms() {
        return SpeechSegmenter.builder(RATE).minSpeechMs(50).minSilenceMs(30).speechPadMs(0);
    }

    private static float[] seq(Object... runs) {
        List<Float> out = new ArrayList<>();
        for (int i = 0; i < runs.length; i += 2) {
            int n = (Integer) runs[i];
            float p = ((Number) runs[i + 1]).floatValue();
            for (int k = 0; k < n; k++) {
                out.add(p);
            }
        }
        float[] a = new float[out.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = out.get(i);
        }
        return a;
    }

    private static List<String> events(SpeechSegmenter s, float[] probs) {
        List<String> log = new ArrayList<>();
        for (int i = 0; i < probs.length; i++) {
            Event e = s.accept((long) i * FRAME, FRAME, probs[i]);
            if (e == Event.SPEECH_STARTED) {
                log.add("start@" + (i * FRAME + FRAME) + "=" + s.currentStartSample());
            } else if (e == Event.SPEECH_ENDED) {
                log.add("end@" + (i * FRAME + FRAME) + "=" + s.lastSegment().startSample() + "-"
                        + s.lastSegment().endSample());
            }
        }
        return log;
    }

    @Test
    void defaultsAreSileroReferenceValues() {
        SpeechSegmenter s = SpeechSegmenter.builder(16_000).build();
        assertThat(s.activationThreshold()).isEqualTo(0.5f);
        assertThat(s.deactivationThreshold()).isEqualTo(0.35f);
        assertThat(s.minSpeechMs()).isEqualTo(250);
        assertThat(s.minSilenceMs()).isEqualTo(100);
        assertThat(s.speechPadMs()).isEqualTo(30);
    }

    @Test
    void startIsConfirmedAfterMinSpeechAndEndAfterMinSilence() {
        SpeechSegmenter s = ms().build();
        float[] p = seq(5, 0.1, 10, 0.9, 10, 0.1);
        // Speech from 50 ms; confirmed when 50 ms of it were heard (end of frame at 100 ms). Silence from 150 ms;
        // the segment ends when the silence has lasted 30 ms (end of frame at 180 ms).
        assertThat(events(s, p)).containsExactly("start@100=50", "end@180=50-150");
        assertThat(s.isSpeaking()).isFalse();
        assertThat(s.lastSegment().startS()).isEqualTo(0.050);
        assertThat(s.lastSegment().endS()).isEqualTo(0.150);
        assertThat(s.lastSegment().durationMs()).isEqualTo(100.0);
    }

    @Test
    void isSpeakingBetweenStartAndEnd() {
        SpeechSegmenter s = ms().build();
        assertThat(s.accept(0, FRAME, 0.9f)).isEqualTo(Event.NONE);
        assertThat(s.isSpeaking()).isFalse();
        assertThat(s.currentStartSample()).isEqualTo(-1);
        for (int i = 1; i < 4; i++) {
            assertThat(s.accept(i * FRAME, FRAME, 0.9f)).isEqualTo(Event.NONE);
        }
        assertThat(s.accept(40, FRAME, 0.9f)).isEqualTo(Event.SPEECH_STARTED);
        assertThat(s.isSpeaking()).isTrue();
        assertThat(s.currentStartSample()).isZero();
    }

    @Test
    void probabilitiesBetweenThresholdsNeitherStartNorEndSpeech() {
        SpeechSegmenter s = ms().build();
        // 0.4 is below activation (no start) and above deactivation (no silence run).
        float[] p = seq(5, 0.4, 6, 0.9, 20, 0.4, 3, 0.2);
        assertThat(events(s, p)).containsExactly("start@100=50", "end@340=50-310");
    }

    @Test
    void inBetweenProbabilitiesDoNotCancelASilenceRunButActivationDoes() {
        SpeechSegmenter s = ms().build();
        // Silence run from 100 ms; 0.4 continues it, so it ends at 130 ms regardless.
        assertThat(events(s, seq(10, 0.9, 1, 0.2, 5, 0.4))).containsExactly("start@50=0", "end@130=0-100");
        s.reset();
        // A frame at 0.5 (= activation) at 120 ms cancels the run; the next run starts at 130 ms.
        assertThat(events(s, seq(10, 0.9, 2, 0.2, 1, 0.5, 3, 0.3)))
                .containsExactly("start@50=0", "end@160=0-130");
    }

    @Test
    void shortSilenceDoesNotSplitASegment() {
        SpeechSegmenter s = ms().build();
        // 20 ms of silence < 30 ms min silence: one segment.
        assertThat(events(s, seq(6, 0.9, 2, 0.0, 6, 0.9, 3, 0.0))).containsExactly("start@50=0", "end@170=0-140");
        s.reset();
        // 30 ms of silence = min silence: two segments.
        assertThat(events(s, seq(6, 0.9, 3, 0.0, 6, 0.9, 3, 0.0)))
                .containsExactly("start@50=0", "end@90=0-60", "start@140=90", "end@180=90-150");
    }

    @Test
    void speechShorterThanMinSpeechIsDropped() {
        SpeechSegmenter s = ms().build();
        // 40 ms of speech < 50 ms: neither reported as started nor as a segment.
        assertThat(events(s, seq(2, 0.0, 4, 0.9, 5, 0.0))).isEmpty();
        assertThat(s.lastSegment()).isNull();
        // Exactly 50 ms is kept.
        s.reset();
        assertThat(events(s, seq(2, 0.0, 5, 0.9, 5, 0.0))).containsExactly("start@70=20", "end@100=20-70");
    }

    @Test
    void paddingWidensSegmentsWithoutOverlapAndWithinTheStream() {
        SpeechSegmenter s = ms().speechPadMs(20).build();
        // First speech at 10 ms: padded start clamps to 0. End 80 + 20 = 100, heard by the frame ending at 110.
        // Second speech at 110 ms: its padded start (90) clamps to the first segment's end (100).
        float[] p = seq(1, 0.0, 7, 0.9, 3, 0.0, 6, 0.9, 5, 0.0);
        assertThat(events(s, p)).containsExactly("start@60=0", "end@110=0-100", "start@160=100", "end@200=100-190");
    }

    @Test
    void endPaddingIsLimitedToWhatWasHeard() {
        SpeechSegmenter s = ms().speechPadMs(100).build();
        // Silence from 60 ms, ended at the frame ending at 90 ms: padding stops there, not at 160 ms.
        assertThat(events(s, seq(6, 0.9, 3, 0.0))).containsExactly("start@50=0", "end@90=0-90");
    }

    @Test
    void endLatencyMovesEndsEarlierButNotKeepDecisionsNorClipCuts() {
        SpeechSegmenter s = ms().endLatencyMs(20).speechPadMs(5).build();
        // Silence run from 100 ms: speech taken to end at 80 ms, padded to 85 ms.
        assertThat(events(s, seq(10, 0.9, 3, 0.0))).containsExactly("start@50=0", "end@130=0-85");
        s.reset();
        // 50 ms of speech is kept (the decision uses the run's start, 70 ms) although its end moves to 50 ms.
        assertThat(events(s, seq(2, 0.0, 5, 0.9, 3, 0.0))).containsExactly("start@70=15", "end@100=15-55");
        s.reset();
        // A latency longer than the segment cannot move its end before its start.
        s = ms().endLatencyMs(500).speechPadMs(0).build();
        assertThat(events(s, seq(2, 0.0, 6, 0.9, 3, 0.0))).containsExactly("start@70=20", "end@110=20-20");
        s.reset();
        // Speech cut by the clip's end ended there: no latency to undo.
        events(s, seq(8, 0.9));
        s.finish(80);
        assertThat(s.lastSegment()).isEqualTo(new Segment(0, 80, RATE));
    }

    @Test
    void finishClosesOpenSpeechAtTheClipEndOrAtItsSilenceRun() {
        SpeechSegmenter s = ms().speechPadMs(20).build();
        events(s, seq(3, 0.0, 8, 0.9));
        assertThat(s.isSpeaking()).isTrue();
        assertThat(s.finish(115)).isEqualTo(Event.SPEECH_ENDED);
        // Speech ran to the clip end (115); padding may not pass it.
        assertThat(s.lastSegment()).isEqualTo(new Segment(10, 115, RATE));

        s.reset();
        events(s, seq(8, 0.9, 2, 0.1));
        assertThat(s.finish(100)).isEqualTo(Event.SPEECH_ENDED);
        // A silence run had begun at 80 ms: speech ended there (+20 ms pad).
        assertThat(s.lastSegment()).isEqualTo(new Segment(0, 100, RATE));

        s.reset();
        events(s, seq(4, 0.9));
        assertThat(s.finish(40)).isEqualTo(Event.NONE); // 40 ms < 50 ms min speech
    }

    @Test
    void offlineSegmentationMatchesStreaming() {
        SpeechSegmenter s = ms().speechPadMs(10).build();
        float[] p = seq(3, 0.0, 10, 0.8, 4, 0.1, 2, 0.9, 5, 0.0, 9, 0.7, 1, 0.2);
        List<Segment> segments = s.segment(p, FRAME, 395);
        // Segment 1: speech 30..130 ms, padded. The 20 ms burst at 170 ms is dropped. Segment 2: speech from 240 ms,
        // padded back to 230 ms; the clip ends (at 395 ms) 10 ms into a silence run from 330 ms, so the speech
        // ended at 330 ms, padded to 340 ms.
        assertThat(segments).containsExactly(new Segment(20, 140, RATE), new Segment(230, 340, RATE));
    }

    @Test
    void samplePositionsAreExactAtSixteenKilohertz() {
        SpeechSegmenter s = SpeechSegmenter.builder(16_000).speechPadMs(0).build();
        // 512-sample chunks: 250 ms = 4000 samples needs 8 chunks (4096); 100 ms = 1600 samples needs 4 chunks.
        float[] p = seq(10, 0.0, 20, 0.9, 10, 0.0);
        List<Segment> segments = s.segment(p, 512, 40 * 512);
        assertThat(segments).containsExactly(new Segment(10 * 512, 30 * 512, 16_000));
        assertThat(segments.get(0).startS()).isEqualTo(0.32);
        assertThat(segments.get(0).endS()).isEqualTo(0.96);

        s.reset();
        List<String> log = new ArrayList<>();
        for (int i = 0; i < p.length; i++) {
            Event e = s.accept(i * 512L, 512, p[i]);
            if (e != Event.NONE) {
                log.add(e + "@" + i);
            }
        }
        assertThat(log).containsExactly("SPEECH_STARTED@17", "SPEECH_ENDED@33");
    }

    @Test
    void framesMayLeaveGapsButNotGoBack() {
        SpeechSegmenter s = ms().build();
        s.accept(0, FRAME, 0.9f);
        s.accept(100, FRAME, 0.9f); // a gap is audio time passing
        assertThat(s.isSpeaking()).isTrue();
        assertThatThrownBy(() -> s.accept(105, FRAME, 0.9f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("105").hasMessageContaining("110");
        assertThatThrownBy(() -> s.finish(50)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("50").hasMessageContaining("110");
    }

    @Test
    void badProbabilitiesAndSettingsAreRejected() {
        SpeechSegmenter s = ms().build();
        assertThatThrownBy(() -> s.accept(0, FRAME, Float.NaN)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NaN");
        assertThatThrownBy(() -> s.accept(0, FRAME, 1.5f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1.5");
        assertThatThrownBy(() -> s.accept(0, FRAME, -0.1f)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.accept(0, 0, 0.5f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0");
        assertThatThrownBy(() -> SpeechSegmenter.builder(RATE).activationThreshold(0.3f).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0.35").hasMessageContaining("0.3");
        assertThatThrownBy(() -> SpeechSegmenter.builder(RATE).minSilenceMs(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
        assertThatThrownBy(() -> SpeechSegmenter.builder(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SpeechSegmenter.builder(RATE).activationThreshold(Float.NaN))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void toBuilderKeepsSettings() {
        SpeechSegmenter a = ms().activationThreshold(0.6f).deactivationThreshold(0.2f).speechPadMs(7).build();
        SpeechSegmenter b = a.toBuilder().build();
        assertThat(new float[] {b.activationThreshold(), b.deactivationThreshold()}).containsExactly(0.6f, 0.2f);
        assertThat(new int[] {b.minSpeechMs(), b.minSilenceMs(), b.speechPadMs()}).containsExactly(50, 30, 7);
        assertThat(a.toBuilder().endLatencyMs(20).build().toBuilder().build().endLatencyMs()).isEqualTo(20);
    }

    @Test
    void optionsSetEverySettingAndRefuseOthers() {
        SpeechSegmenter s = SpeechSegmenter.builder(RATE)
                .options(io.github.voicechat.spi.EngineOptions.parse(List.of("threshold=0.7", "neg_threshold=0.4",
                        "min_speech_ms=120", "min_silence_ms=80", "speech_pad_ms=15", "end_latency_ms=64")))
                .build();
        assertThat(new float[] {s.activationThreshold(), s.deactivationThreshold()}).containsExactly(0.7f, 0.4f);
        assertThat(new int[] {s.minSpeechMs(), s.minSilenceMs(), s.speechPadMs()}).containsExactly(120, 80, 15);
        assertThat(s.endLatencyMs()).isEqualTo(64);
        assertThatThrownBy(() -> SpeechSegmenter.builder(RATE)
                .options(io.github.voicechat.spi.EngineOptions.parse(List.of("min_silence_ms=soon"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("soon");
        // An engine's key is the engine's: the segmenter does not silently take it.
        assertThatThrownBy(() -> SpeechSegmenter.builder(RATE)
                .options(io.github.voicechat.spi.EngineOptions.parse(List.of("device=cpu"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("unknown option 'device' for the speech segmenter; valid: end_latency_ms,"
                        + " min_silence_ms, min_speech_ms, neg_threshold, speech_pad_ms, threshold");
        assertThatThrownBy(() -> SpeechSegmenter.builder(RATE)
                .options(io.github.voicechat.spi.EngineOptions.parse(List.of("speech_pad_ms=1000000"))))
                .hasMessageContaining("option speech_pad_ms must be 0..2000, was 1000000");
    }

    @Test
    void aThresholdAloneBringsItsDeactivationAsSileroDoes() {
        SpeechSegmenter s = SpeechSegmenter.builder(RATE)
                .options(io.github.voicechat.spi.EngineOptions.parse(List.of("threshold=0.3"))).build();
        assertThat(s.activationThreshold()).isEqualTo(0.3f);
        assertThat(s.deactivationThreshold()).isCloseTo(0.15f, org.assertj.core.data.Offset.offset(1e-6f));
        SpeechSegmenter d = SpeechSegmenter.builder(RATE).build();
        assertThat(SpeechSegmenter.deactivationFor(d.activationThreshold())).isEqualTo(d.deactivationThreshold());
    }

    /**
     * A real, if crude, detector: probability 1 when the frame's RMS exceeds 0.01. It lets the clip helper be tested
     * on audio whose speech positions are known to the sample.
     */
    private static final class EnergyDetector implements VoiceActivityDetector {
        int calls;

        @Override
        public int sampleRateHz() {
            return RATE;
        }

        @Override
        public int frameSamples() {
            return FRAME;
        }

        @Override
        public float speechProbability(float[] samples, int offset, int length) {
            calls++;
            double sum = 0;
            for (int i = offset; i < offset + length; i++) {
                sum += samples[i] * samples[i];
            }
            return Math.sqrt(sum / length) > 0.01 ? 1f : 0f;
        }

        @Override
        public void reset() {
            calls = 0;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void detectRunsADetectorOverAWholeClip() {
        float[] clip = new float[1005];
        Arrays.fill(clip, 200, 500, 0.5f);
        Arrays.fill(clip, 700, 1005, 0.5f); // runs into the last, partial frame
        EnergyDetector vad = new EnergyDetector();
        List<Segment> segments = SpeechSegmenter.detect(vad, clip, ms().speechPadMs(10).build());
        assertThat(vad.calls).isEqualTo(101); // 100 whole frames + the zero-padded last 5 samples
        assertThat(segments).containsExactly(new Segment(190, 510, RATE), new Segment(690, 1005, RATE));
        assertThat(segments.get(1).endS()).isEqualTo(1.005);
    }

    @Test
    void detectRefusesASegmenterAtAnotherRate() {
        assertThatThrownBy(() -> SpeechSegmenter.detect(new EnergyDetector(), new float[100],
                SpeechSegmenter.builder(16_000).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("16000").hasMessageContaining("1000");
    }
}
