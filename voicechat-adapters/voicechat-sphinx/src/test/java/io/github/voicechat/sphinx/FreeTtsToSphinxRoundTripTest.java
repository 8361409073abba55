package io.github.voicechat.sphinx;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.voicechat.freetts.FreeTtsSynthesizer;
import io.github.voicechat.spi.SynthesisSink;
import io.github.voicechat.spi.Transcript;
import io.github.voicechat.testkit.RoundTripSentences;
import io.github.voicechat.testkit.WordErrorRate;
import java.util.Arrays;
import java.util.List;
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
        int errors = 0;
        int words = 0;
        try (FreeTtsSynthesizer tts = FreeTtsSynthesizer.create(); SphinxRecognizer asr = SphinxRecognizer.create()) {
            assertThat(tts.sampleRateHz()).isEqualTo(asr.sampleRateHz());
            float[] silence = new float[8_000];
            for (String sentence : RoundTripSentences.TEN) {
                asr.accept(silence, 0, silence.length);
                int[] samples = {0};
                tts.synthesize(sentence, new SynthesisSink() {
                    @Override
                    public boolean audio(float[] s, int offset, int length) {
                        asr.accept(s, offset, length);
                        samples[0] += length;
                        return true;
                    }

                    @Override
                    public void textMark(int endChar) {
                    }

                    @Override
                    public boolean isCancelled() {
                        return false;
                    }
                });
                asr.accept(silence, 0, silence.length);
                Transcript t = asr.finish();
                List<String> ref = WordErrorRate.words(sentence);
                int e = WordErrorRate.editDistance(ref, WordErrorRate.words(t.text()));
                errors += e;
                words += ref.size();
                System.out.printf("WER %5.1f %%  %.2f s  ref: %s%n%27s hyp: %s%n", 100.0 * e / ref.size(),
                        samples[0] / 16_000.0, sentence, "", t.text());
                assertThat(t.text()).as("transcript of '%s'", sentence).isNotEmpty();
                assertThat(Arrays.asList(t.text().split(" "))).isNotEmpty();
            }
        }
        double wer = (double) errors / words;
        System.out.printf("round trip overall WER %.1f %% (%d errors / %d words), bound %.1f %%%n", 100 * wer, errors,
                words, 100 * MAX_OVERALL_WER);
        assertThat(wer).isLessThanOrEqualTo(MAX_OVERALL_WER);
    }
}
