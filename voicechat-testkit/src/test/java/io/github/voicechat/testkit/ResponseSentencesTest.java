package io.github.voicechat.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.voicechat.SessionReport;
import io.github.voicechat.VoicePipeline;
import io.github.voicechat.VoiceSession;
import io.github.voicechat.audio.AudioSinks;
import io.github.voicechat.audio.AudioSources;
import io.github.voicechat.spi.SpeechSynthesizer;
import io.github.voicechat.spi.SynthesisSink;
import io.github.voicechat.spi.TextSplitter;
import io.github.voicechat.time.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The session cuts a streamed answer into sentences by the synthesizers' own rule ({@link TextSplitter}), so an
 * abbreviation, a decimal or an ellipsis reaches the synthesizer inside its sentence. Before, a regex in the
 * response path cut "Dr." from "Smith" before any abbreviation hook could see them together.
 */
class ResponseSentencesTest {

    private static final String ANSWER = "Hello Dr. Smith, it is 3.5 degrees... Mr. Jones said: stay in. Bye.";

    /** A sine synthesizer that records the text of every call. */
    private static final class RecordingTts implements SpeechSynthesizer {
        final List<String> texts;
        private final SineSynthesizer sine = new SineSynthesizer();

        RecordingTts(List<String> texts) {
            this.texts = texts;
        }

        @Override
        public int sampleRateHz() {
            return sine.sampleRateHz();
        }

        @Override
        public void synthesize(String text, SynthesisSink sink) {
            texts.add(text);
            sine.synthesize(text, sink);
        }

        @Override
        public void close() {
            sine.close();
        }
    }

    @Test
    void aStreamedAnswerReachesTheSynthesizerInWholeSentences() throws Exception {
        List<String> texts = new CopyOnWriteArrayList<>();
        VoicePipeline pipeline = VoicePipeline.builder()
                .vad(EnergyVad::new)
                .asr(() -> ScriptedRecognizer.of("hello"))
                .tts(() -> new RecordingTts(texts))
                .responder((request, sink) -> {
                    // Streamed three characters at a time, as an LLM's tokens might arrive.
                    for (int i = 0; i < ANSWER.length(); i += 3) {
                        sink.text(ANSWER.substring(i, Math.min(ANSWER.length(), i + 3)));
                    }
                })
                .clock(new VirtualClock())
                .build();
        Scenario user = Scenario.at(16_000).silence(500).speech("u1", 800).silence(9000);
        SessionReport report;
        try (VoiceSession session = pipeline.openSession(AudioSources.memory(user.sampleRateHz(), user.samples()),
                AudioSinks.memory(48_000))) {
            session.start();
            assertThat(session.awaitTermination(Duration.ofSeconds(60))).isTrue();
            report = session.report();
        }
        assertThat(texts).containsExactly("Hello Dr. Smith, it is 3.5 degrees...", " Mr. Jones said:",
                " stay in.", " Bye.");
        assertThat(String.join("", texts)).isEqualTo(ANSWER);
        assertThat(report.turns()).hasSize(1);
        assertThat(report.turns().get(0).playedText()).isEqualTo(ANSWER);

        // The same pieces as the splitter gives for the whole text, and as it gives when fed the same chunks.
        TextSplitter whole = TextSplitter.sentences();
        List<String> expected = new ArrayList<>();
        for (int start = 0, end; (end = whole.nextEnd(ANSWER, start, true)) > 0; start = end) {
            expected.add(ANSWER.substring(start, end));
        }
        assertThat(texts).isEqualTo(expected);
    }
}
