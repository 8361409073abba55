package io.github.voicechat.marytts;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.voicechat.sphinx.SphinxRecognizer;
import io.github.voicechat.testkit.RoundTripSentences;
import io.github.voicechat.testkit.TtsAsrRoundTrip;
import org.junit.jupiter.api.Test;

/**
 * MaryTTS speaks ten sentences, Sphinx4 transcribes them (the same sentences as the FreeTTS round trip in
 * voicechat-sphinx). MaryTTS's 48 kHz goes through the core resampler to Sphinx's 16 kHz, streamed block by block,
 * with half a second of silence around each sentence as a VAD would leave.
 */
class MaryTtsToSphinxRoundTripTest {

    /**
     * Measured with Sphinx's shipped configuration: 7 errors in 66 words (10.6 %; FreeTTS: 22.7 %), worst sentence
     * "Thank you very much, goodbye." (40 %, "good-bye" counts as two errors). The bound allows two more errors.
     */
    static final double MAX_OVERALL_WER = 9.0 / 66;

    @Test
    void tenSynthesisedSentencesAreRecognisedWithinTheMeasuredWer() {
        TtsAsrRoundTrip.Result heard;
        try (MaryTtsSynthesizer tts = MaryTtsSynthesizer.create(); SphinxRecognizer asr = SphinxRecognizer.create()) {
            heard = TtsAsrRoundTrip.run(tts, asr, RoundTripSentences.TEN);
        }
        for (TtsAsrRoundTrip.Sentence s : heard.sentences()) {
            assertThat(s.transcript()).as("transcript of '%s'", s.reference()).isNotEmpty();
        }
        assertThat(heard.wordErrorRate()).isLessThanOrEqualTo(MAX_OVERALL_WER);
    }
}
