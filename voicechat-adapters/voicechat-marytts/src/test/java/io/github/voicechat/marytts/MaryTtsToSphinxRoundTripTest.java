package io.github.voicechat.marytts;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.voicechat.audio.Resampler;
import io.github.voicechat.sphinx.SphinxRecognizer;
import io.github.voicechat.spi.SynthesisSink;
import io.github.voicechat.spi.Transcript;
import io.github.voicechat.testkit.RoundTripSentences;
import io.github.voicechat.testkit.WordErrorRate;
import java.util.List;
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
        int errors = 0;
        int words = 0;
        try (MaryTtsSynthesizer tts = MaryTtsSynthesizer.create(); SphinxRecognizer asr = SphinxRecognizer.create()) {
            Resampler resampler = Resampler.create(tts.sampleRateHz(), asr.sampleRateHz());
            float[] out = new float[Math.max(resampler.maxOutputSamples(960), resampler.delaySamples())];
            float[] silence = new float[8_000];
            for (String sentence : RoundTripSentences.TEN) {
                asr.accept(silence, 0, silence.length);
                int[] samples = {0};
                tts.synthesize(sentence, new SynthesisSink() {
                    @Override
                    public boolean audio(float[] s, int offset, int length) {
                        int n = resampler.process(s, offset, length, out, 0);
                        asr.accept(out, 0, n);
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
                int n = resampler.flush(out, 0);
                asr.accept(out, 0, n);
                asr.accept(silence, 0, silence.length);
                Transcript t = asr.finish();
                List<String> ref = WordErrorRate.words(sentence);
                int e = WordErrorRate.editDistance(ref, WordErrorRate.words(t.text()));
                errors += e;
                words += ref.size();
                System.out.printf("WER %5.1f %%  %.2f s  ref: %s%n%27s hyp: %s%n", 100.0 * e / ref.size(),
                        samples[0] / 48_000.0, sentence, "", t.text());
                assertThat(t.text()).as("transcript of '%s'", sentence).isNotEmpty();
            }
        }
        double wer = (double) errors / words;
        System.out.printf("round trip overall WER %.1f %% (%d errors / %d words), bound %.1f %%%n", 100 * wer, errors,
                words, 100 * MAX_OVERALL_WER);
        assertThat(wer).isLessThanOrEqualTo(MAX_OVERALL_WER);
    }
}
