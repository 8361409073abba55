package io.github.voicechat.whisper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.voicechat.models.ModelCatalog;
import io.github.voicechat.models.ModelEntry;
import io.github.voicechat.models.ModelLoader;
import io.github.voicechat.models.ModelStore;
import io.github.voicechat.models.ModelTask;
import io.github.voicechat.models.UnknownModelException;
import io.github.voicechat.spi.EngineException;
import io.github.voicechat.spi.EngineOptions;
import io.github.voicechat.spi.EngineProvider;
import io.github.voicechat.spi.Engines;
import io.github.voicechat.spi.SpeechRecognizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WhisperProviderTest {

    @TempDir
    Path dir;

    private static List<String> catalogWhisperIds() {
        return ModelCatalog.builtIn().entries().stream()
                .filter(e -> e.engine().equals("whisper"))
                .map(ModelEntry::id).sorted().collect(Collectors.toList());
    }

    private static List<WhisperProvider> serviceProviders() {
        return Engines.all().stream().filter(p -> p instanceof WhisperProvider).map(p -> (WhisperProvider) p)
                .collect(Collectors.toList());
    }

    @Test
    void oneProviderPerCatalogModelFoundByServiceLoader() {
        List<String> ids = serviceProviders().stream().map(EngineProvider::id).sorted().collect(Collectors.toList());
        assertThat(ids).isEqualTo(catalogWhisperIds()).hasSize(9);
        for (WhisperProvider p : serviceProviders()) {
            ModelEntry e = ModelCatalog.builtIn().get(p.id());
            assertThat(e.task()).isEqualTo(ModelTask.ASR);
            assertThat(e.files()).hasSize(1);
            assertThat(e.files().get(0).path()).isEqualTo("ggml-" + p.id().substring("whisper-".length()) + ".bin");
            assertThat(p.engineType()).isEqualTo(SpeechRecognizer.class);
            assertThat(p.capabilities().sampleRateHz()).isEqualTo(16_000);
            assertThat(p.capabilities().supportsLanguage("en-US")).isTrue();
            assertThat(p.capabilities().supportsLanguage("de")).isEqualTo(!p.id().endsWith(".en"));
            assertThat(p.description()).startsWith(p.id() + ": ").contains("whisper.cpp").contains("MIT");
        }
    }

    @Test
    void prioritiesRankWhisperAboveClassicEnginesAndBaseEnFirst() {
        Map<String, Integer> prio = serviceProviders().stream()
                .collect(Collectors.toMap(EngineProvider::id, EngineProvider::priority));
        assertThat(prio.values()).allSatisfy(p -> assertThat(p).isGreaterThan(100)); // Sphinx is 0
        List<String> order = prio.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .map(Map.Entry::getKey).collect(Collectors.toList());
        assertThat(order).containsExactly("whisper-base.en", "whisper-tiny.en", "whisper-small.en", "whisper-base",
                "whisper-tiny", "whisper-small", "whisper-medium.en", "whisper-medium", "whisper-large-v3");
    }

    @Test
    void theModelLoaderIsRegisteredForTheWhisperEngine() {
        List<ModelLoader> loaders = StreamSupport.stream(ServiceLoader.load(ModelLoader.class).spliterator(), false)
                .filter(l -> l instanceof WhisperModelLoader).collect(Collectors.toList());
        assertThat(loaders).hasSize(1);
        assertThat(loaders.get(0).engine()).isEqualTo("whisper");
    }

    private ModelStore emptyStore(Path... offline) {
        ModelStore.Builder b = ModelStore.builder().catalog(ModelCatalog.builtIn()).home(dir.resolve("home"))
                .offline(true);
        for (Path p : offline) {
            b.offlineDir(p);
        }
        return b.build();
    }

    @Test
    void aMissingModelIsUnavailableWithThePullCommand() {
        WhisperProvider p = WhisperProvider.of("whisper-base.en", emptyStore());
        assertThat(p.unavailableReason())
                .contains("model whisper-base.en not installed; run `voicechat models pull whisper-base.en`");
    }

    @Test
    void creatingAMissingModelSaysWhichIdWhereItLookedAndHowToGetIt() {
        Path offline = dir.resolve("bundle");
        WhisperProvider p = WhisperProvider.of("whisper-small.en", emptyStore(offline));
        Path home = dir.resolve("home").toAbsolutePath().normalize();
        assertThatThrownBy(() -> p.create(EngineOptions.EMPTY))
                .isInstanceOf(EngineException.class)
                .hasMessageStartingWith("whisper model whisper-small.en (ggml-small.en.bin) is not installed; looked in ")
                .hasMessageContaining(offline.resolve("whisper-small.en") + " and " + offline)
                .hasMessageContaining(home.resolve("whisper-small.en").toString())
                .hasMessageEndingWith("; run: voicechat models pull whisper-small.en");
    }

    @Test
    void badOptionsAreReportedBeforeLookingForTheModel() {
        WhisperProvider p = WhisperProvider.of("whisper-base.en", emptyStore());
        assertThatThrownBy(() -> p.create(EngineOptions.of(Map.of("translate", "true"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("model whisper-base.en is English-only and cannot translate");
        assertThatThrownBy(() -> p.create(EngineOptions.of(Map.of("threads", "100"))))
                .hasMessage("option threads must be 1..64, was 100 (for whisper-base.en)");
        assertThatThrownBy(() -> p.create(EngineOptions.of(Map.of("beam", "5"))))
                .hasMessageStartingWith("unknown option 'beam' for whisper-base.en; valid: beamSize, bestOf,");
    }

    @Test
    void unknownIdsNameTheNearestOnes() {
        assertThatThrownBy(() -> WhisperProvider.of("whisper-bse.en", emptyStore()))
                .isInstanceOf(UnknownModelException.class)
                .hasMessageContaining("whisper-base.en");
    }

    @Test
    void aModelInTheModelsFolderIsAvailableAndTranscribes() throws IOException {
        Path bundle = dir.resolve("bundle");
        Files.createDirectories(bundle);
        new TinyWhisperModel(List.of(" hello", " world", " "), 0, 30f).write(bundle.resolve("ggml-tiny.en.bin"));
        WhisperProvider p = WhisperProvider.of("whisper-tiny.en", emptyStore(bundle));
        assertThat(p.unavailableReason()).isEmpty();
        try (SpeechRecognizer r = p.create(EngineOptions.parse(List.of("temperatureInc=0", "threads=1")))) {
            float[] a = WhisperRecognizerTest.tone(1.2);
            r.accept(a, 0, a.length);
            assertThat(r.finish().text()).isEqualTo(WhisperRecognizerTest.WINDOW_TEXT);
        }
        // Still missing: the other ids.
        assertThat(WhisperProvider.of("whisper-base.en", emptyStore(bundle)).unavailableReason()).isPresent();
    }

    @Test
    void theModelsFolderComesFromTheSystemPropertyOrEnvironment() {
        String before = System.getProperty(WhisperModels.MODELS_PROPERTY);
        try {
            System.setProperty(WhisperModels.MODELS_PROPERTY, dir.toString());
            assertThat(WhisperModels.modelsDir()).contains(dir.toAbsolutePath().normalize());
            assertThat(WhisperModels.defaultStore().offlineDirs()).containsExactly(dir.toAbsolutePath().normalize());
        } finally {
            if (before == null) {
                System.clearProperty(WhisperModels.MODELS_PROPERTY);
            } else {
                System.setProperty(WhisperModels.MODELS_PROPERTY, before);
            }
        }
    }
}
