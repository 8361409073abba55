package io.github.voicechat.testkit;

import io.github.voicechat.audio.Resampler;
import io.github.voicechat.spi.SpeechRecognizer;
import io.github.voicechat.spi.SpeechSynthesizer;
import io.github.voicechat.spi.SynthesisSink;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A synthesizer speaks sentences straight into a recognizer: each sentence streamed piece by piece as the synthesizer
 * produces it (through the core resampler when the rates differ, a plain copy when they match), with half a second
 * of silence before and after it as a VAD would leave, then {@code finish()}. Prints each sentence's WER, the
 * reference and the transcript, and the overall WER.
 */
public final class TtsAsrRoundTrip {
    // A library's helper: it reports through SLF4J, never on the host's stdout.
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(TtsAsrRoundTrip.class);


    /** One sentence: what was said, what was heard, the audio's length and the word errors. */
    public record Sentence(String reference, String transcript, double audioS, int errors, int words) {
    }

    /** All the sentences, in order, and their errors and words summed. */
    public record Result(List<Sentence> sentences, int errors, int words) {
        /** {@return the word errors over the reference words} */
        public double wordErrorRate() {
            return (double) errors / words;
        }
    }

    private TtsAsrRoundTrip() {
    }

    /**
     * Speaks every sentence into {@code asr}.
     *
     * @param tts       speaks
     * @param asr       listens
     * @param sentences what to say, one utterance each
     * @return what was heard, with word errors
     */
    public static Result run(SpeechSynthesizer tts, SpeechRecognizer asr, List<String> sentences) {
        Resampler resampler = Resampler.create(tts.sampleRateHz(), asr.sampleRateHz());
        float[] silence = new float[asr.sampleRateHz() / 2];
        List<Sentence> out = new ArrayList<>();
        for (String sentence : sentences) {
            asr.accept(silence, 0, silence.length);
            Feed feed = new Feed(resampler, asr);
            tts.synthesize(sentence, feed);
            float[] tail = new float[resampler.delaySamples()];
            asr.accept(tail, 0, resampler.flush(tail, 0));
            asr.accept(silence, 0, silence.length);
            String text = asr.finish().text();
            List<String> ref = WordErrorRate.words(sentence);
            int errors = WordErrorRate.editDistance(ref, WordErrorRate.words(text));
            double audioS = (double) feed.samples / tts.sampleRateHz();
            log.info(String.format(Locale.ROOT, "WER %5.1f %%  %.2f s  ref: %s%n%27s hyp: %s",
                    100.0 * errors / ref.size(), audioS, sentence, "", text));
            out.add(new Sentence(sentence, text, audioS, errors, ref.size()));
        }
        Result result = new Result(List.copyOf(out), out.stream().mapToInt(Sentence::errors).sum(),
                out.stream().mapToInt(Sentence::words).sum());
        log.info(String.format(Locale.ROOT, "round trip overall WER %.1f %% (%d errors / %d words)",
                100 * result.wordErrorRate(), result.errors(), result.words()));
        return result;
    }

    private static final class Feed implements SynthesisSink {
        private final Resampler resampler;
        private final SpeechRecognizer asr;
        private float[] buffer = new float[0];
        long samples;

        Feed(Resampler resampler, SpeechRecognizer asr) {
            this.resampler = resampler;
            this.asr = asr;
        }

        @Override
        public boolean audio(float[] s, int offset, int length) {
            if (buffer.length < resampler.maxOutputSamples(length)) {
                buffer = new float[resampler.maxOutputSamples(length)];
            }
            asr.accept(buffer, 0, resampler.process(s, offset, length, buffer, 0));
            samples += length;
            return true;
        }
    }
}
