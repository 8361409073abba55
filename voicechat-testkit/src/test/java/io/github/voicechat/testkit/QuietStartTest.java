package io.github.voicechat.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.voicechat.SessionReport;
import io.github.voicechat.VoicePipeline;
import io.github.voicechat.VoiceSession;
import io.github.voicechat.audio.AudioSinks;
import io.github.voicechat.audio.AudioSources;
import io.github.voicechat.spi.SpeechSynthesizer;
import io.github.voicechat.spi.SynthesisSink;
import io.github.voicechat.time.VirtualClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * An answer's quiet start (FreeTTS: ~100 ms of zeros, then a quiet onset) is not made to wait for: the samples
 * before the first one at −40 dBFS are dropped but for the last 10 ms, so the first audible sample plays on the
 * tick the answer starts, on the virtual clock. Pauses inside the answer are kept.
 */
class QuietStartTest {

    private static final int RATE = 48_000;
    private static final int MS = RATE / 1000;

    /** 100 ms of zeros, 100 ms at 0.005, then 200 ms of a 0.5 square, 150 ms of zeros and 100 ms more square. */
    private static final class QuietOnsetSynthesizer implements SpeechSynthesizer {
        @Override
        public int sampleRateHz() {
            return RATE;
        }

        @Override
        public void synthesize(String text, SynthesisSink sink) {
            float[] a = new float[650 * MS];
            for (int i = 100 * MS; i < 200 * MS; i++) {
                a[i] = 0.005f;
            }
            for (int i = 200 * MS; i < 400 * MS; i++) {
                a[i] = i % 2 == 0 ? 0.5f : -0.5f;
            }
            for (int i = 550 * MS; i < 650 * MS; i++) {
                a[i] = i % 2 == 0 ? 0.5f : -0.5f;
            }
            // In pieces smaller than the quiet start, so the held-back lead crosses calls.
            for (int i = 0; i < a.length && !sink.isCancelled(); i += 7 * MS) {
                sink.audio(a, i, Math.min(7 * MS, a.length - i));
            }
            sink.textMark(text.length());
        }

        @Override
        public void close() {
        }
    }

    @Test
    void theFirstAudibleSamplePlaysOnTheAnswersFirstTickAndInnerPausesStay() throws Exception {
        Scenario user = Scenario.at(16_000).silence(500).speech("u1", 1000).silence(3000);
        AudioSinks.MemorySink sink = AudioSinks.memory(RATE);
        VoicePipeline pipeline = VoicePipeline.builder().clock(new VirtualClock()).vad(EnergyVad::new)
                .asr(() -> ScriptedRecognizer.of("hello")).tts(QuietOnsetSynthesizer::new)
                .responder(ScriptedResponder.of("Hi.")).build();
        SessionReport report;
        try (VoiceSession session = pipeline.openSession(AudioSources.memory(16_000, user.samples()), sink)) {
            session.start();
            assertThat(session.awaitTermination(Duration.ofSeconds(60))).isTrue();
            report = session.report();
        }
        // The turn ends at 1.5 s and is found at 2.0 s; the answer is made at once on the virtual clock and its
        // first frame plays on that tick.
        assertThat(report.turns().get(0).firstAudioLatencyMs()).isEqualTo(500.0);
        float[] out = sink.samples();
        int answer = (int) Math.round(2.0 * RATE);
        assertThat(PipelineConversationTest.lastNonZero(out, 0, answer)).isEqualTo(-1);
        // 10 ms of the quiet onset, then the square at once: 190 ms of the 200 ms quiet start are gone.
        for (int i = 0; i < 10 * MS; i++) {
            assertThat(out[answer + i]).isEqualTo(0.005f);
        }
        assertThat(out[answer + 10 * MS]).isEqualTo(0.5f);
        // The 150 ms pause inside the answer is kept, sample for sample.
        int pause = answer + 10 * MS + 200 * MS;
        assertThat(out[pause - 1]).isEqualTo(-0.5f);
        assertThat(PipelineConversationTest.lastNonZero(out, pause, pause + 150 * MS)).isEqualTo(-1);
        assertThat(Math.abs(out[pause + 150 * MS])).isEqualTo(0.5f);
        assertThat(report.turns().get(0).playedText()).isEqualTo("Hi.");
    }
}
