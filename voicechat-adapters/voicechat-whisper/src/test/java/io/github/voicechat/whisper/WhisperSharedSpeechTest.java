package io.github.voicechat.whisper;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.voicechat.audio.AudioData;
import io.github.voicechat.audio.WavReader;
import io.github.voicechat.models.ModelStore;
import io.github.voicechat.spi.Transcript;
import io.github.voicechat.testkit.SharedData;
import io.github.voicechat.testkit.WordErrorRate;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Real Whisper weights on the real recordings of {@code ../shared/speech}. Runs when {@code VOICECHAT_MODELS} (or
 * {@code -Dvoicechat.models}) names a folder holding {@code ggml-base.en.bin} or {@code ggml-tiny.en.bin}, or when
 * one was installed with {@code voicechat models pull}; otherwise it is skipped with a message saying where it
 * looked. Prints the per-clip hypotheses and the corpus WER.
 */
class WhisperSharedSpeechTest {

    /** Sphinx4 with its tuned beam reaches 27 %; Whisper base.en/tiny.en should do clearly better. */
    static final double MAX_CORPUS_WER = 0.25;

    static String requireModel(ModelStore store, String... ids) {
        String found = null;
        for (String id : ids) {
            if (found == null && store.locate(id).isPresent()) {
                found = id;
            }
        }
        List<String> looked = new ArrayList<>();
        WhisperModels.modelsDir().ifPresent(d -> looked.add(d.toString()));
        looked.add(store.home().toString());
        Assumptions.assumeTrue(found != null, "skipped: model " + String.join(" or ", ids) + " not found in "
                + String.join(", ", looked) + " (set " + WhisperModels.MODELS_ENV + " to a folder with "
                + "ggml-base.en.bin, or run: voicechat models pull whisper-base.en)");
        return found;
    }

    @Test
    void transcribesTheSharedRecordings() throws Exception {
        List<SharedData.SpeechClip> clips = SharedData.speechClips();
        ModelStore store = WhisperModels.defaultStore();
        String id = requireModel(store, "whisper-base.en", "whisper-tiny.en");
        Path file = WhisperModels.resolve(store, id);
        int errors = 0;
        int words = 0;
        try (WhisperRecognizer r = WhisperRecognizer.open(id, file, WhisperOptions.defaults())) {
            for (SharedData.SpeechClip clip : clips) {
                AudioData a = WavReader.read(clip.wav());
                assertThat(a.sampleRateHz()).isEqualTo(16_000);
                float[] mono = a.mono();
                for (int off = 0; off < mono.length; off += 320) {
                    r.accept(mono, off, Math.min(320, mono.length - off));
                }
                Transcript t = r.finish();
                List<String> ref = WordErrorRate.words(clip.transcript());
                int e = WordErrorRate.editDistance(ref, WordErrorRate.words(t.text()));
                errors += e;
                words += ref.size();
                System.out.printf(Locale.ROOT, "%s %-40s WER %5.1f %% | %s%n", id, clip.file(),
                        100.0 * e / Math.max(1, ref.size()), t.text());
                assertThat(t.words()).allSatisfy(w -> assertThat(w.endMs()).isLessThanOrEqualTo(clip.durationS()
                        * 1000 + 1));
            }
        }
        double wer = (double) errors / words;
        System.out.printf(Locale.ROOT, "%s corpus WER %.1f %% (%d errors / %d words)%n", id, 100 * wer, errors, words);
        assertThat(wer).isLessThan(MAX_CORPUS_WER);
    }
}
