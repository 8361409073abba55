package io.github.voicechat.sphinx;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.voicechat.freetts.FreeTtsSynthesizer;
import io.github.voicechat.testkit.RoundTripSentences;
import io.github.voicechat.testkit.TtsAsrRoundTrip;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * FreeTTS speaks ten sentences, Sphinx4 transcribes them: the real default engines end to end. Both run at 16 kHz,
 * so the audio goes straight from one to the other, streamed piece by piece as FreeTTS produces it, with half a
 * second of silence around each sentence as a VAD would leave.
 */
class FreeTtsToSphinxRoundTripTest {

    /**
     * Measured with the shipped configuration: 15 errors in 66 words (22.7 %), worst sentence "What is the weather
     * like in London?" (71 %). The bound allows two more errors.
     */
    static final double MAX_OVERALL_WER = 17.0 / 66;

    @Test
    void tenSynthesisedSentencesAreRecognisedWithinTheMeasuredWer() {
        TtsAsrRoundTrip.Result heard;
        try (FreeTtsSynthesizer tts = FreeTtsSynthesizer.create(); SphinxRecognizer asr = SphinxRecognizer.create()) {
            assertThat(tts.sampleRateHz()).isEqualTo(asr.sampleRateHz());
            heard = TtsAsrRoundTrip.run(tts, asr, RoundTripSentences.TEN);
        }
        for (TtsAsrRoundTrip.Sentence s : heard.sentences()) {
            assertThat(s.transcript()).as("transcript of '%s'", s.reference()).isNotEmpty();
            assertThat(Arrays.asList(s.transcript().split(" "))).isNotEmpty();
        }
        assertThat(heard.wordErrorRate()).isLessThanOrEqualTo(MAX_OVERALL_WER);
    }
}
