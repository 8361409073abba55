package io.github.voicechat.piper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.voicechat.models.ModelCatalog;
import io.github.voicechat.models.ModelEntry;
import io.github.voicechat.models.ModelFile;
import io.github.voicechat.models.ModelHandle;
import io.github.voicechat.models.ModelManager;
import io.github.voicechat.models.ModelStore;
import io.github.voicechat.models.ModelTask;
import io.github.voicechat.spi.EngineException;
import io.github.voicechat.spi.EngineOptions;
import io.github.voicechat.spi.EngineProvider;
import io.github.voicechat.spi.Engines;
import io.github.voicechat.spi.SpeechSynthesizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PiperProviderTest {
    private static final String ID = "piper-en_US-lessac-medium";

    @TempDir
    Path dir;

    @Test
    void serviceLoaderOffersOneProviderPerPiperVoiceOfTheCatalog() {
        Set<String> catalog = ModelCatalog.builtIn().entries().stream().filter(e -> e.engine().equals("piper"))
                .map(ModelEntry::id).collect(Collectors.toSet());
        Set<String> providers = Engines.of(SpeechSynthesizer.class).stream().map(EngineProvider::id)
                .filter(id -> id.startsWith("piper-")).collect(Collectors.toSet());
        assertThat(catalog).hasSize(9);
        assertThat(providers).isEqualTo(catalog);
        EngineProvider<SpeechSynthesizer> lessac = Engines.of(SpeechSynthesizer.class).stream()
                .filter(p -> p.id().equals(ID)).findFirst().orElseThrow();
        assertThat(lessac.priority()).isGreaterThan(0); // FreeTTS's is 0
        assertThat(lessac.capabilities().sampleRateHz()).isEqualTo(22050);
        assertThat(lessac.capabilities().streaming()).isTrue();
        assertThat(lessac.capabilities().supportsLanguage("en")).isTrue();
    }

    @Test
    void missingModelNamesTheIdWhereItLookedAndThePullCommand() {
        ModelStore store = ModelStore.builder().home(dir.resolve("home")).offlineDir(dir.resolve("bundle")).build();
        PiperProvider p = new PiperProvider(ID, 110, store);
        String reason = p.unavailableReason().orElseThrow();
        assertThat(reason).startsWith("model " + ID + " not installed (looked in ")
                .contains(dir.resolve("bundle").resolve(ID).toString())
                .contains(dir.resolve("home").resolve(ID).toString())
                .contains("run `voicechat models pull " + ID + "`");
        assertThatThrownBy(() -> p.create(EngineOptions.EMPTY))
                .isInstanceOf(EngineException.class)
                .hasMessage(reason.split("; libespeak")[0]);
    }

    private ModelStore storeWithTinyVoice() throws Exception {
        Path bundle = Files.createDirectories(dir.resolve("bundle").resolve(ID));
        TinyPiperModel.write(bundle, "en_US-lessac-medium", false, 22050);
        ModelEntry tiny = new ModelEntry(ID, "piper", ModelTask.TTS, List.of("en-US"), 22050, List.of(
                new ModelFile("en_US-lessac-medium.onnx", null, null, null, List.of(), null),
                new ModelFile("en_US-lessac-medium.onnx.json", null, null, null, List.of(), null)), "MIT", "tiny test network");
        return ModelStore.builder().catalog(ModelCatalog.of(List.of(tiny))).home(dir.resolve("home"))
                .offlineDir(dir.resolve("bundle")).build();
    }

    @Test
    void anInstalledVoiceIsAvailableAndSynthesises() throws Exception {
        RequireEspeak.require();
        PiperProvider p = new PiperProvider(ID, 110, storeWithTinyVoice());
        assertThat(p.unavailableReason()).isEmpty();
        assertThatThrownBy(() -> p.create(EngineOptions.of(java.util.Map.of("beam", "2000"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("unknown option 'beam' for " + ID + "; valid: device, length_scale,");
        try (PiperSynthesizer tts = (PiperSynthesizer) p.create(EngineOptions.of(java.util.Map.of("volume", "0.9")))) {
            PiperSynthesizerTest.Recorder r = new PiperSynthesizerTest.Recorder();
            tts.synthesize("Hello world.", r);
            assertThat(r.all()).hasSize(tts.phonemeIds(tts.sentences("Hello world.").get(0)).length * 100);
            assertThat(r.marks).containsExactly(12);
        }
    }

    @Test
    void theModelManagerLoadsPiperVoicesThroughTheServiceLoadedLoader() throws Exception {
        RequireEspeak.require();
        try (ModelManager manager = ModelManager.newBuilder().store(storeWithTinyVoice()).build();
             ModelHandle<PiperVoice> handle = manager.acquire(ID, PiperVoice.class);
             PiperSynthesizer tts = PiperSynthesizer.create(handle.model(), EngineOptions.EMPTY)) {
            assertThat(handle.model().config().sampleRateHz()).isEqualTo(22050);
            PiperSynthesizerTest.Recorder r = new PiperSynthesizerTest.Recorder();
            tts.synthesize("hello", r);
            assertThat(r.pieces).isNotEmpty();
        }
    }
}
