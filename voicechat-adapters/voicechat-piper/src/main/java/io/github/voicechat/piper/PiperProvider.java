package io.github.voicechat.piper;

import io.github.voicechat.models.ModelEntry;
import io.github.voicechat.models.ModelException;
import io.github.voicechat.models.ModelFile;
import io.github.voicechat.models.ModelNotInstalledException;
import io.github.voicechat.models.ModelStore;
import io.github.voicechat.models.ResolvedModel;
import io.github.voicechat.piper.internal.Espeak;
import io.github.voicechat.spi.EngineCapabilities;
import io.github.voicechat.spi.EngineException;
import io.github.voicechat.spi.EngineOption;
import io.github.voicechat.spi.EngineOptions;
import io.github.voicechat.spi.EngineProvider;
import io.github.voicechat.spi.SpeechSynthesizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One Piper voice of the model catalog as a {@link SpeechSynthesizer} provider ({@code piper-en_US-lessac-medium},
 * ...). The voice files are found through {@link ModelStore}: the folder named by {@code $VOICECHAT_MODELS} (or the
 * system property {@value #MODELS_DIR_PROPERTY}) as an offline folder ({@code <dir>/<id>/<file>} or
 * {@code <dir>/<file>}), then the model home where {@code voicechat models pull <id>} installs them.
 *
 * <p>Piper voices rank above FreeTTS; a voice whose files are absent reports, through {@link #unavailableReason()},
 * the id, where it looked and the pull command, so {@code Engines.best} passes over it.
 */
public class PiperProvider implements EngineProvider<SpeechSynthesizer> {
    /** Environment variable naming a folder of model files (an offline bundle; tests with weights use it). */
    public static final String MODELS_DIR_ENV = "VOICECHAT_MODELS";
    /** System property that overrides {@link #MODELS_DIR_ENV}. */
    public static final String MODELS_DIR_PROPERTY = "voicechat.models.dir";

    private final String id;
    private final int priority;
    private final Supplier<ModelStore> store;

    /**
     * A provider for catalog voice {@code id} found through {@code store}.
     *
     * @param id       a catalog id starting with {@code piper-}
     * @param store    where the voice's files are found
     * @param priority higher wins among available TTS providers (FreeTTS is 0)
     */
    public PiperProvider(String id, int priority, ModelStore store) {
        this(id, priority, () -> store);
    }

    PiperProvider(String id, int priority, Supplier<ModelStore> store) {
        if (!id.startsWith("piper-")) {
            throw new IllegalArgumentException("Piper provider ids start with 'piper-', was '" + id + "'");
        }
        this.id = id;
        this.priority = priority;
        this.store = store;
    }

    /** {@return the store the built-in providers use: the default model home plus {@code $VOICECHAT_MODELS} when set} */
    public static ModelStore defaultStore() {
        ModelStore.Builder b = ModelStore.builder();
        modelsDir().ifPresent(b::offlineDir);
        return b.build();
    }

    /** {@return the folder of {@code -Dvoicechat.models.dir} or {@code $VOICECHAT_MODELS}, if set} */
    public static Optional<Path> modelsDir() {
        String dir = System.getProperty(MODELS_DIR_PROPERTY);
        if (dir == null || dir.isBlank()) {
            dir = System.getenv(MODELS_DIR_ENV);
        }
        return dir == null || dir.isBlank() ? Optional.empty() : Optional.of(Path.of(dir));
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Class<SpeechSynthesizer> engineType() {
        return SpeechSynthesizer.class;
    }

    private ModelEntry entry() {
        return store.get().catalog().get(id);
    }

    @Override
    public EngineCapabilities capabilities() {
        ModelEntry e = entry();
        return new EngineCapabilities(Set.copyOf(e.languages()), true, e.sampleRateHz(),
                List.of(id.substring("piper-".length())));
    }

    @Override
    public String description() {
        ModelEntry e = entry();
        return id + ": Piper neural voice (VITS on ONNX Runtime, espeak-ng phonemes), " + String.join(", ", e.languages())
                + ", " + e.sampleRateHz() + " Hz; voice licence: " + e.license();
    }

    @Override
    public int priority() {
        return priority;
    }

    @Override
    public Optional<String> unavailableReason() {
        List<String> reasons = new ArrayList<>();
        ModelStore s = store.get();
        if (s.locate(id).isEmpty()) {
            reasons.add(notInstalled(s));
        }
        Espeak.unavailableReason().ifPresent(reasons::add);
        return reasons.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", reasons));
    }

    private String notInstalled(ModelStore s) {
        List<String> searched;
        try {
            s.resolve(id);
            searched = List.of();
        } catch (ModelNotInstalledException e) {
            searched = e.searched();
        }
        return "model " + id + " not installed (looked in " + String.join(", ", searched) + "); run `voicechat models pull "
                + id + "`" + (modelsDir().isPresent() ? "" : " or set " + MODELS_DIR_ENV + " to a folder holding its files");
    }

    @Override
    public List<EngineOption<?>> options() {
        return PiperSynthesizer.OPTIONS;
    }

    /**
     * Loads the voice and returns a synthesizer that owns it. Options: {@link PiperSynthesizer#OPTIONS}.
     *
     * @throws EngineException when the model is not installed (naming the id, where it looked and the pull command),
     *                         libespeak-ng is missing (naming the package), or the files cannot be loaded
     */
    @Override
    public PiperSynthesizer newEngine(EngineOptions options) {
        ModelStore s = store.get();
        ResolvedModel files;
        try {
            files = s.resolve(id);
        } catch (ModelNotInstalledException e) {
            throw new EngineException(notInstalled(s), e);
        } catch (ModelException e) {
            throw new EngineException(e.getMessage(), e);
        }
        Path[] paths = voiceFiles(files);
        return PiperSynthesizer.open(paths[0], paths[1], options);
    }

    /** The {@code .onnx} and {@code .onnx.json} of a resolved Piper model. */
    static Path[] voiceFiles(ResolvedModel files) {
        String onnx = null;
        String json = null;
        for (ModelFile f : files.entry().files()) {
            if (f.path().endsWith(".onnx.json")) {
                json = f.path();
            } else if (f.path().endsWith(".onnx")) {
                onnx = f.path();
            }
        }
        if (onnx == null || json == null) {
            throw new EngineException("catalog entry " + files.id() + " must list a .onnx and a .onnx.json file, lists "
                    + files.entry().files().stream().map(ModelFile::path).toList());
        }
        try {
            return new Path[] {files.path(onnx), files.path(json)};
        } catch (IOException e) {
            throw new EngineException("cannot read the files of " + files.id() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "PiperProvider[" + id + "]";
    }

    private static final class DefaultStore {
        static final ModelStore INSTANCE = defaultStore();
    }

    private abstract static class Builtin extends PiperProvider {
        Builtin(String id, int priority) {
            super(id, priority, () -> DefaultStore.INSTANCE);
        }
    }

    /** {@code piper-en_US-lessac-medium}: the default Piper voice. */
    public static final class EnUsLessacMedium extends Builtin {
        /** The provider ServiceLoader creates. */
        public EnUsLessacMedium() {
            super("piper-en_US-lessac-medium", 110);
        }
    }

    /** {@code piper-en_US-lessac-low}. */
    public static final class EnUsLessacLow extends Builtin {
        /** The provider ServiceLoader creates. */
        public EnUsLessacLow() {
            super("piper-en_US-lessac-low", 80);
        }
    }

    /** {@code piper-en_US-lessac-high}: best quality, slowest. */
    public static final class EnUsLessacHigh extends Builtin {
        /** The provider ServiceLoader creates. */
        public EnUsLessacHigh() {
            super("piper-en_US-lessac-high", 90);
        }
    }

    /** {@code piper-en_US-amy-low}. */
    public static final class EnUsAmyLow extends Builtin {
        /** The provider ServiceLoader creates. */
        public EnUsAmyLow() {
            super("piper-en_US-amy-low", 80);
        }
    }

    /** {@code piper-en_US-amy-medium}. */
    public static final class EnUsAmyMedium extends Builtin {
        /** The provider ServiceLoader creates. */
        public EnUsAmyMedium() {
            super("piper-en_US-amy-medium", 100);
        }
    }

    /** {@code piper-en_US-ryan-low}. */
    public static final class EnUsRyanLow extends Builtin {
        /** The provider ServiceLoader creates. */
        public EnUsRyanLow() {
            super("piper-en_US-ryan-low", 80);
        }
    }

    /** {@code piper-en_US-ryan-medium}. */
    public static final class EnUsRyanMedium extends Builtin {
        /** The provider ServiceLoader creates. */
        public EnUsRyanMedium() {
            super("piper-en_US-ryan-medium", 100);
        }
    }

    /** {@code piper-en_GB-alan-low}. */
    public static final class EnGbAlanLow extends Builtin {
        /** The provider ServiceLoader creates. */
        public EnGbAlanLow() {
            super("piper-en_GB-alan-low", 80);
        }
    }

    /** {@code piper-en_GB-alan-medium}. */
    public static final class EnGbAlanMedium extends Builtin {
        /** The provider ServiceLoader creates. */
        public EnGbAlanMedium() {
            super("piper-en_GB-alan-medium", 100);
        }
    }
}
