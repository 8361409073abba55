package io.github.voicechat.models;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelCatalogTest {
    private final ModelCatalog catalog = ModelCatalog.builtIn();

    @Test
    void builtInCatalogHasTheShippedAndDownloadableModels() {
        assertThat(catalog.entries()).extracting(ModelEntry::id).contains("silero-vad-v5", "silero-vad-v6",
                "sphinx-en-us", "freetts-kevin16", "whisper-tiny.en", "whisper-base.en", "whisper-small.en",
                "whisper-small", "piper-en_US-lessac-medium", "piper-en_US-lessac-low", "piper-en_US-amy-low",
                "piper-en_GB-alan-low");
        assertThat(catalog.get("silero-vad-v6").shipsOnClasspath()).isTrue();
        assertThat(catalog.get("whisper-base.en").shipsOnClasspath()).isFalse();
    }

    @Test
    void whisperEntriesCarryTheSha1FromWhisperCppReadme() {
        ModelFile f = catalog.get("whisper-base.en").files().get(0);
        assertThat(f.url()).hasToString("https://huggingface.co/ggerganov/whisper.cpp/resolve/main/ggml-base.en.bin");
        assertThat(f.strongestDigest()).contains(new Digest(DigestAlgorithm.SHA1,
                "137c40403d78fd54d454da0f9bd998f78703390c"));
        assertThat(catalog.get("whisper-tiny.en").languages()).containsExactly("en");
        assertThat(catalog.get("whisper-small").languages()).isEmpty();
    }

    @Test
    void piperEntriesCarryMd5AndSizeFromVoicesJson() {
        ModelEntry e = catalog.get("piper-en_US-lessac-medium");
        assertThat(e.files()).extracting(ModelFile::path)
                .containsExactly("en_US-lessac-medium.onnx", "en_US-lessac-medium.onnx.json");
        ModelFile onnx = e.files().get(0);
        assertThat(onnx.url()).hasToString("https://huggingface.co/rhasspy/piper-voices/resolve/v1.0.0/"
                + "en/en_US/lessac/medium/en_US-lessac-medium.onnx");
        assertThat(onnx.sizeBytes()).isEqualTo(63_201_294L);
        assertThat(onnx.strongestDigest()).contains(new Digest(DigestAlgorithm.MD5, "2fc642b535197b6305c7c8f92dc8b24f"));
        assertThat(e.sampleRateHz()).isEqualTo(22050);
        assertThat(e.totalSizeBytes()).contains(63_201_294L + 4_885L);
    }

    @Test
    void everyDownloadableFileHasADigest() {
        List<String> missing = catalog.entries().stream().flatMap(e -> e.files().stream()
                        .filter(f -> f.digests().isEmpty()).map(f -> e.id() + "/" + f.path()))
                .toList();
        assertThat(missing).isEmpty();
    }

    @Test
    void sileroDigestsMatchTheSharedModels() throws IOException {
        Path sums = Path.of(System.getProperty("voicechat.shared", "../shared"), "models", "silero-vad", "SHA256SUMS");
        Assumptions.assumeTrue(Files.exists(sums), "skipped: Silero SHA256SUMS not found at " + sums);
        Map<String, String> want = Files.readAllLines(sums).stream().filter(l -> !l.isBlank())
                .map(l -> l.trim().split("\\s+")).collect(Collectors.toMap(a -> a[1], a -> a[0]));
        assertThat(catalog.get("silero-vad-v5").files().get(0).digest(DigestAlgorithm.SHA256).orElseThrow().hex())
                .isEqualTo(want.get("silero_vad_v5.onnx"));
        assertThat(catalog.get("silero-vad-v6").files().get(0).digest(DigestAlgorithm.SHA256).orElseThrow().hex())
                .isEqualTo(want.get("silero_vad_v6.onnx"));
    }

    @Test
    void unknownIdSuggestsTheNearestIds() {
        assertThatThrownBy(() -> catalog.get("whisper-base-en"))
                .isInstanceOfSatisfying(UnknownModelException.class, e -> {
                    assertThat(e.nearestIds()).hasSize(3).startsWith("whisper-base.en");
                    assertThat(e.getMessage()).contains("unknown model id 'whisper-base-en'", "did you mean whisper-base.en");
                });
    }

    @Test
    void routesByTaskAndLanguage() {
        assertThat(catalog.find(ModelTask.TTS, "en-GB")).extracting(ModelEntry::id)
                .containsExactlyInAnyOrder("piper-en_GB-alan-low", "piper-en_GB-alan-medium");
        assertThat(catalog.find(ModelTask.ASR, "de")).extracting(ModelEntry::id)
                .allMatch(id -> id.startsWith("whisper-") && !id.endsWith(".en"));
    }

    @Test
    void roundTripsThroughJson() {
        ModelCatalog again = ModelCatalog.parse(catalog.toJson());
        assertThat(again.entries()).containsExactlyElementsOf(catalog.entries());
    }

    @Test
    void badCatalogsFailWithTheFieldAndValue() {
        assertThatThrownBy(() -> ModelCatalog.parse("{\"models\":[{\"id\":\"x\",\"engine\":\"e\",\"task\":\"tts\","
                + "\"sampleRateHz\":16000,\"files\":[{\"path\":\"a\",\"digests\":{\"sha1\":\"abc\"}}]}]}"))
                .hasMessageContaining("models[0]").hasMessageContaining("sha1 digest must be 40 hex characters, was 'abc'");
        assertThatThrownBy(() -> ModelCatalog.parse("{\"models\":[{\"id\":\"x\",\"engine\":\"e\",\"task\":\"tts\","
                + "\"sampleRateHz\":16000,\"files\":[{\"path\":\"../evil\"}]}]}"))
                .hasMessageContaining("relative without '..', was '../evil'");
    }
}
