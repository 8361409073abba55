package io.github.voicechat.whisper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.givimad.whisperjni.WhisperFullParams;
import io.github.voicechat.spi.EngineOptions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WhisperOptionsTest {

    @Test
    void defaults() {
        WhisperOptions d = WhisperOptions.parse(EngineOptions.EMPTY);
        assertThat(d).isEqualTo(WhisperOptions.defaults());
        assertThat(d.language()).isNull();
        assertThat(d.translate()).isFalse();
        assertThat(d.initialPrompt()).isNull();
        assertThat(d.temperature()).isEqualTo(0f);
        assertThat(d.temperatureInc()).isEqualTo(0.2f);
        assertThat(d.threads()).isEqualTo(Math.max(1, Math.min(8, Runtime.getRuntime().availableProcessors() / 2)));
        assertThat(d.timestamps()).isTrue();
        assertThat(d.beamSize()).isZero();
        assertThat(d.bestOf()).isEqualTo(5);
        assertThat(d.windowSeconds()).isEqualTo(30);
    }

    @Test
    void parsesEveryKey() {
        WhisperOptions o = WhisperOptions.parse(EngineOptions.parse(List.of("language=DE", "translate=true",
                "prompt=Voicechat, Sphinx, Piper.", "temperature=0.1", "temperatureInc=0", "threads=2",
                "timestamps=false", "beamSize=4", "bestOf=2", "windowSeconds=20", "gpu=false")));
        assertThat(o).isEqualTo(new WhisperOptions("de", true, "Voicechat, Sphinx, Piper.", 0.1f, 0f, 2, false, 4, 2,
                20, false));
        assertThat(WhisperOptions.OPTIONS).extracting(io.github.voicechat.spi.EngineOption::key)
                .containsExactly("language", "translate", "prompt", "temperature", "temperatureInc", "threads",
                        "timestamps", "beamSize", "bestOf", "windowSeconds", "gpu");
    }

    @Test
    void refusesUnknownKeysNamingTheValidOnes() {
        // Each engine has its own option flag now, so keys of other engines are mistakes, not someone else's.
        assertThatThrownBy(() -> parse("vad.threshold", "0.4")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown option 'vad.threshold' for whisper; valid: beamSize, bestOf, gpu, language,"
                        + " prompt, temperature, temperatureInc, threads, timestamps, translate, windowSeconds");
        assertThatThrownBy(() -> parse("whisper.threads", "2")).hasMessageContaining("unknown option 'whisper.threads'");
    }

    @Test
    void refusesBadValuesNamingKeyRangeAndValue() {
        String owner = " (for whisper)";
        assertThatThrownBy(() -> parse("temperature", "1.5"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("option temperature must be 0..1, was 1.5" + owner);
        assertThatThrownBy(() -> parse("temperature", "NaN")).hasMessage("option temperature must be 0..1, was NaN"
                + owner);
        assertThatThrownBy(() -> parse("temperatureInc", "-0.1"))
                .hasMessage("option temperatureInc must be 0..1, was -0.1" + owner);
        assertThatThrownBy(() -> parse("threads", "0")).hasMessage("option threads must be 1..64, was 0" + owner);
        assertThatThrownBy(() -> parse("threads", "two"))
                .hasMessage("option threads must be an integer 1..64, was 'two'" + owner);
        assertThatThrownBy(() -> parse("beamSize", "1"))
                .hasMessage("option beamSize must be 0 (greedy) or 2..16, was 1");
        assertThatThrownBy(() -> parse("bestOf", "17")).hasMessage("option bestOf must be 1..16, was 17" + owner);
        assertThatThrownBy(() -> parse("windowSeconds", "31"))
                .hasMessage("option windowSeconds must be 1..30, was 31" + owner);
        assertThatThrownBy(() -> parse("language", "english"))
                .hasMessage("option language must be a 2- or 3-letter ISO 639 code (en, de, haw) or 'auto', was"
                        + " 'english'");
        assertThatThrownBy(() -> parse("translate", "maybe"))
                .hasMessage("option translate must be true or false, was 'maybe'" + owner);
        // Settings given as Java values meet the same ranges.
        assertThatThrownBy(() -> WhisperOptions.defaults().withThreads(100))
                .hasMessage("option threads must be 1..64, was 100");
        assertThatThrownBy(() -> WhisperOptions.defaults().withWindowSeconds(0))
                .hasMessage("option windowSeconds must be 1..30, was 0");
    }

    @Test
    void englishOnlyModelsTakeOnlyEnglishAndCannotTranslate() {
        WhisperOptions d = WhisperOptions.defaults();
        assertThat(d.forModel("whisper-base.en", false).language()).isEqualTo("en");
        assertThat(d.forModel("whisper-base", true).language()).isEqualTo("auto");
        assertThat(d.withLanguage("fr").forModel("whisper-base", true).language()).isEqualTo("fr");
        assertThatThrownBy(() -> d.withLanguage("fr").forModel("whisper-base.en", false))
                .hasMessage("model whisper-base.en is English-only: option language must be 'en', was 'fr'; use a"
                        + " multilingual model (e.g. whisper-base) for other languages");
        WhisperOptions translate = WhisperOptions.parse(EngineOptions.of(Map.of("translate", "true")));
        assertThatThrownBy(() -> translate.forModel("whisper-tiny.en", false))
                .hasMessage("model whisper-tiny.en is English-only and cannot translate; use a multilingual model"
                        + " (e.g. whisper-base) with translate=true");
        assertThat(translate.forModel("whisper-tiny", true).translate()).isTrue();
    }

    @Test
    void blankPromptMeansNone() {
        assertThat(WhisperOptions.defaults().withInitialPrompt("   ").initialPrompt()).isNull();
    }

    @Test
    void mapsOntoWhisperJniParametersWithPrintingOff() {
        WhisperOptions o = new WhisperOptions("en", false, "Names: Ada.", 0.3f, 0.1f, 3, false, 0, 4, 30, false);
        WhisperFullParams p = WhisperRecognizer.toParams(o);
        assertThat(p.language).isEqualTo("en");
        assertThat(p.initialPrompt).isEqualTo("Names: Ada.");
        assertThat(p.temperature).isEqualTo(0.3f);
        assertThat(p.temperatureInc).isEqualTo(0.1f);
        assertThat(p.nThreads).isEqualTo(3);
        assertThat(p.noTimestamps).isTrue();
        assertThat(p.greedyBestOf).isEqualTo(4);
        assertThat(p.printProgress).isFalse();
        assertThat(p.printTimestamps).isFalse();
        assertThat(p.printRealtime).isFalse();
        assertThat(p.detectLanguage).isFalse();
        WhisperFullParams beam = WhisperRecognizer.toParams(o.withTimestamps(true).withThreads(1)
                .withTemperature(0f, 0.2f));
        assertThat(beam.noTimestamps).isFalse();
        WhisperFullParams b4 = WhisperRecognizer.toParams(
                new WhisperOptions("en", false, null, 0f, 0.2f, 1, true, 4, 5, 30, false));
        assertThat(b4.beamSearchBeamSize).isEqualTo(4);
    }

    private static WhisperOptions parse(String key, String value) {
        return WhisperOptions.parse(EngineOptions.of(Map.of(key, value)));
    }
}
