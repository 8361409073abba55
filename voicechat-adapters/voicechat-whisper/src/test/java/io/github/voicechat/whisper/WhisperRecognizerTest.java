package io.github.voicechat.whisper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.voicechat.models.ModelCatalog;
import io.github.voicechat.models.ModelHandle;
import io.github.voicechat.models.ModelManager;
import io.github.voicechat.models.ModelStore;
import io.github.voicechat.spi.EngineException;
import io.github.voicechat.spi.Transcript;
import io.github.voicechat.spi.WordTiming;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drives the adapter end to end through whisper.cpp with a generated model ({@link TinyWhisperModel}) whose output
 * is known from its weights: the decoder favours token 0 (" hello") everywhere, and whisper.cpp stops a window after
 * {@code n_text_ctx / 2 - 4 = 28} tokens. So every window transcribes to exactly 28 "hello"s, whatever the audio.
 */
class WhisperRecognizerTest {

    static final int TOKENS_PER_WINDOW = TinyWhisperModel.N_TEXT_CTX / 2 - 4;
    static final String WINDOW_TEXT = String.join(" ", Collections.nCopies(TOKENS_PER_WINDOW, "hello"));

    @TempDir
    static Path dir;
    static Path model;

    /** Deterministic: no fallback, one thread. */
    static final WhisperOptions OPTIONS = WhisperOptions.defaults().withTemperature(0f, 0f).withThreads(1);

    @BeforeAll
    static void writeModel() throws IOException {
        model = dir.resolve("ggml-tiny.en.bin");
        new TinyWhisperModel(List.of(" hello", " world", " "), 0, 30f).write(model);
    }

    static float[] tone(double seconds) {
        float[] a = new float[(int) Math.round(seconds * 16_000)];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (0.25 * Math.sin(2 * Math.PI * 220 * i / 16_000.0));
        }
        return a;
    }

    @Test
    void transcribesThroughWhisperCpp() {
        try (WhisperRecognizer r = WhisperRecognizer.open("whisper-tiny.en", model, OPTIONS)) {
            assertThat(r.sampleRateHz()).isEqualTo(16_000);
            assertThat(r.options().language()).isEqualTo("en");
            float[] a = tone(3);
            for (int off = 0; off < a.length; off += 320) { // 20 ms frames, as the pipeline feeds it
                r.accept(a, off, 320);
            }
            Transcript t = r.finish();
            assertThat(t.text()).isEqualTo(WINDOW_TEXT);
            assertThat(t.words()).containsExactly(new WordTiming(WINDOW_TEXT, 0, 3000, Float.NaN));
            assertThat(r.lastSegments()).containsExactly(new WhisperSegment(WINDOW_TEXT, 0, 3000));
            assertThat(r.bufferedSamples()).isZero();
            // Reused for the next utterance.
            r.accept(a, 0, 16_000 * 2);
            assertThat(r.finish().words()).containsExactly(new WordTiming(WINDOW_TEXT, 0, 2000, Float.NaN));
        }
    }

    @Test
    void cutsLongUtterancesIntoWindowsAndOffsetsTheirTimes() {
        try (WhisperRecognizer r = WhisperRecognizer.open("whisper-tiny.en", model, OPTIONS.withWindowSeconds(10))) {
            float[] a = tone(23.5);
            r.accept(a, 0, 16_000 * 12);
            assertThat(r.bufferedSamples()).isEqualTo(16_000 * 2); // the first 10 s window was transcribed already
            r.accept(a, 16_000 * 12, a.length - 16_000 * 12);
            Transcript t = r.finish();
            assertThat(r.lastSegments()).containsExactly(
                    new WhisperSegment(WINDOW_TEXT, 0, 10_000),
                    new WhisperSegment(WINDOW_TEXT, 10_000, 20_000),
                    new WhisperSegment(WINDOW_TEXT, 20_000, 23_500));
            assertThat(t.text()).isEqualTo(WINDOW_TEXT + " " + WINDOW_TEXT + " " + WINDOW_TEXT);
        }
    }

    @Test
    void padsShortUtterancesAndClampsTimesToTheRealAudio() {
        try (WhisperRecognizer r = WhisperRecognizer.open("whisper-tiny.en", model, OPTIONS)) {
            r.accept(tone(0.3), 0, 4800);
            Transcript t = r.finish();
            assertThat(t.text()).isEqualTo(WINDOW_TEXT);
            assertThat(r.lastSegments()).containsExactly(new WhisperSegment(WINDOW_TEXT, 0, 300));
        }
    }

    @Test
    void nothingAcceptedGivesAnEmptyTranscriptWithoutNativeWork() {
        try (WhisperRecognizer r = WhisperRecognizer.open("whisper-tiny.en", model, OPTIONS)) {
            assertThat(r.finish()).isEqualTo(Transcript.EMPTY);
            assertThat(r.lastSegments()).isEmpty();
        }
    }

    @Test
    void cancelDropsTheUtterance() {
        try (WhisperRecognizer r = WhisperRecognizer.open("whisper-tiny.en", model, OPTIONS.withWindowSeconds(1))) {
            float[] a = tone(2.5);
            r.accept(a, 0, a.length); // two windows transcribed, 0.5 s buffered
            r.cancel();
            assertThat(r.bufferedSamples()).isZero();
            assertThat(r.finish()).isEqualTo(Transcript.EMPTY);
            r.accept(a, 0, 8000);
            assertThat(r.finish().words()).containsExactly(new WordTiming(WINDOW_TEXT, 0, 500, Float.NaN));
        }
    }

    @Test
    void refusesNanBeforeNativeCodeAndStaysUsable() {
        try (WhisperRecognizer r = WhisperRecognizer.open("whisper-tiny.en", model, OPTIONS)) {
            float[] a = tone(1);
            r.accept(a, 0, 8000);
            a[9000] = Float.NaN;
            assertThatThrownBy(() -> r.accept(a, 8000, 8000))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("audio sample 1000 of this batch (array index 9000) is NaN; expected a finite value"
                            + " in [-1, 1]");
            a[9000] = Float.POSITIVE_INFINITY;
            assertThatThrownBy(() -> r.accept(a, 8000, 8000)).hasMessageContaining("is Infinity");
            assertThat(r.bufferedSamples()).isEqualTo(8000);
            assertThat(r.finish().words()).containsExactly(new WordTiming(WINDOW_TEXT, 0, 500, Float.NaN));
        }
    }

    @Test
    void closeIsIdempotentAndFreesTheOwnedModel() {
        WhisperRecognizer r = WhisperRecognizer.open("whisper-tiny.en", model, OPTIONS);
        WhisperModel m = r.model();
        assertThat(m.openStates()).isEqualTo(1);
        r.close();
        r.close();
        r.cancel(); // harmless after close
        assertThat(m.openStates()).isZero();
        assertThat(m.isFreed()).isTrue();
        assertThatThrownBy(() -> r.accept(new float[1], 0, 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("whisper recognizer (whisper-tiny.en) is closed");
        assertThatThrownBy(r::finish).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void recognizersShareOneModelInParallelAndTheContextOutlivesAnEarlyClose() throws Exception {
        WhisperModel m = WhisperModel.load("whisper-tiny.en", model, false);
        WhisperRecognizer a = WhisperRecognizer.create(m, OPTIONS);
        WhisperRecognizer b = WhisperRecognizer.create(m, OPTIONS.withInitialPrompt("hello world"));
        assertThat(m.openStates()).isEqualTo(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            float[] audio = tone(2);
            List<Future<Transcript>> results = pool.invokeAll(List.of(
                    () -> { a.accept(audio, 0, audio.length); return a.finish(); },
                    () -> { b.accept(audio, 0, audio.length); return b.finish(); }));
            assertThat(results.get(0).get().text()).isEqualTo(WINDOW_TEXT);
            // The prompt only conditions the decoder; the weights still make it say hello 28 times.
            assertThat(results.get(1).get().text()).isEqualTo(WINDOW_TEXT);
        } finally {
            pool.shutdown();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
        m.close(); // e.g. a ModelManager shutting down: the context must stay until both states are gone
        assertThat(m.isFreed()).isFalse();
        assertThatThrownBy(() -> WhisperRecognizer.create(m, OPTIONS))
                .isInstanceOf(IllegalStateException.class).hasMessage("whisper model whisper-tiny.en is closed");
        a.accept(tone(1), 0, 16_000);
        assertThat(a.finish().text()).isEqualTo(WINDOW_TEXT);
        a.close();
        assertThat(m.isFreed()).isFalse();
        b.close();
        assertThat(m.isFreed()).isTrue();
        m.close();
        assertThat(m.openStates()).isZero();
    }

    @Test
    void temperatureFallbackAndBeamSearchRunToo() {
        // Repeating one token fails whisper.cpp's entropy check, so the default fallback re-decodes at higher
        // temperatures; the favoured token's logit (30) dominates even at temperature 1, so the text stays the same.
        try (WhisperRecognizer r = WhisperRecognizer.open("whisper-tiny.en", model,
                WhisperOptions.defaults().withThreads(1))) {
            r.accept(tone(1.5), 0, 24_000);
            assertThat(r.finish().text()).isEqualTo(WINDOW_TEXT);
        }
        WhisperOptions beam = new WhisperOptions(null, false, null, 0f, 0f, 1, false, 2, 1, 30, false);
        try (WhisperRecognizer r = WhisperRecognizer.open("whisper-tiny.en", model, beam)) {
            r.accept(tone(1.5), 0, 24_000);
            assertThat(r.finish().text()).isEqualTo(WINDOW_TEXT);
        }
    }

    @Test
    void optionsThatDoNotFitTheModelAreRefusedBeforeAnyStateIsMade() {
        WhisperModel m = WhisperModel.load("whisper-tiny.en", model, false);
        try {
            assertThat(m.multilingual()).isFalse();
            assertThatThrownBy(() -> WhisperRecognizer.create(m, OPTIONS.withLanguage("de")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("model whisper-tiny.en is English-only: option language must be 'en'");
            assertThat(m.openStates()).isZero();
        } finally {
            m.close();
        }
    }

    @Test
    void damagedModelFilesAreRefusedInJavaBeforeWhisperCppSeesThem() throws IOException {
        Path missing = dir.resolve("nope.bin");
        assertThatThrownBy(() -> WhisperModel.load("whisper-base.en", missing, false))
                .isInstanceOf(EngineException.class)
                .hasMessage("whisper model whisper-base.en: file " + missing + " does not exist; run: voicechat"
                        + " models pull whisper-base.en");

        Path notGgml = dir.resolve("not-ggml.bin");
        Files.writeString(notGgml, "<html>404</html>");
        assertThatThrownBy(() -> WhisperModel.load("whisper-base.en", notGgml, false))
                .isInstanceOf(EngineException.class)
                .hasMessageContaining("is not a usable whisper.cpp model: magic 0x67676d6c expected")
                .hasMessageEndingWith("replace it with: voicechat models pull whisper-base.en");

        byte[] good = Files.readAllBytes(model);
        Path truncated = dir.resolve("truncated.bin");
        Files.write(truncated, java.util.Arrays.copyOf(good, good.length - 1000));
        assertThatThrownBy(() -> WhisperModel.load("whisper-tiny.en", truncated, false))
                .isInstanceOf(EngineException.class).hasMessageContaining("is truncated");

        // Right magic, absurd hyperparameters: ggml would try to allocate them and abort the JVM.
        byte[] hugeVocab = good.clone();
        ByteBuffer.wrap(hugeVocab).order(ByteOrder.LITTLE_ENDIAN).putInt(4, 2_000_000_000);
        Path bad = dir.resolve("bad-hparams.bin");
        Files.write(bad, hugeVocab);
        assertThatThrownBy(() -> WhisperModel.load("whisper-tiny.en", bad, false))
                .isInstanceOf(EngineException.class)
                .hasMessageContaining("n_vocab 51864..51866 expected").hasMessageContaining("found 2000000000");

        // Crashes found while writing the generated model: no " " token, f32 convolution kernels.
        Path noSpace = dir.resolve("no-space.bin");
        new TinyWhisperModel(List.of(" hello"), 0, 30f).write(noSpace);
        assertThatThrownBy(() -> WhisperModel.load("whisper-tiny.en", noSpace, false))
                .isInstanceOf(EngineException.class)
                .hasMessageContaining("the vocabulary has no single-space token");
    }

    @Test
    void aModelManagerLoadsWarmsUpSharesAndClosesIt() throws IOException {
        Path offline = dir.resolve("offline");
        Files.createDirectories(offline);
        Files.copy(model, offline.resolve("ggml-tiny.en.bin"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        ModelStore store = ModelStore.builder().catalog(ModelCatalog.builtIn()).home(dir.resolve("home"))
                .offlineDir(offline).offline(true).build();
        WhisperModel shared;
        try (ModelManager manager = ModelManager.newBuilder().store(store).evictionInterval(Duration.ZERO).build()) {
            ModelHandle<WhisperModel> h1 = manager.acquire("whisper-tiny.en", WhisperModel.class);
            ModelHandle<WhisperModel> h2 = manager.acquire("whisper-tiny.en", WhisperModel.class);
            shared = h1.model();
            assertThat(h2.model()).isSameAs(shared);
            assertThat(shared.file()).isEqualTo(offline.resolve("ggml-tiny.en.bin"));
            try (WhisperRecognizer r = WhisperRecognizer.create(h1, OPTIONS)) {
                r.accept(tone(1), 0, 16_000);
                assertThat(r.finish().text()).isEqualTo(WINDOW_TEXT);
            }
            assertThat(h1.isOpen()).isFalse(); // the recognizer released its handle
            h2.close();
            assertThat(shared.isFreed()).isFalse(); // idle, still resident
        }
        assertThat(shared.isFreed()).isTrue();
    }
}
