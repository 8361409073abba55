package io.github.voicechat.whisper;

import io.github.voicechat.models.ModelEntry;
import io.github.voicechat.models.ModelException;
import io.github.voicechat.models.ModelFile;
import io.github.voicechat.models.ModelNotInstalledException;
import io.github.voicechat.models.ModelStore;
import io.github.voicechat.models.ResolvedModel;
import io.github.voicechat.spi.EngineException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where Whisper model files are found: a folder named by {@code VOICECHAT_MODELS} (or {@code -Dvoicechat.models}),
 * holding {@code ggml-*.bin} files directly or in {@code <id>/} subfolders, then the model store's home
 * ({@code voicechat models pull} installs there).
 */
public final class WhisperModels {

    /** Environment variable naming a folder of model files (offline bundle, CI with weights). */
    public static final String MODELS_ENV = "VOICECHAT_MODELS";
    /** System property with the same meaning; wins over the environment variable. */
    public static final String MODELS_PROPERTY = "voicechat.models";

    private WhisperModels() {
    }

    /** {@return the folder given by {@code -Dvoicechat.models} or {@code $VOICECHAT_MODELS}, if any} */
    public static Optional<Path> modelsDir() {
        String v = System.getProperty(MODELS_PROPERTY);
        if (v == null || v.isBlank()) {
            v = System.getenv(MODELS_ENV);
        }
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(Path.of(v).toAbsolutePath().normalize());
    }

    /** {@return a store over the default model home plus {@link #modelsDir()} as an offline folder} */
    public static ModelStore defaultStore() {
        ModelStore.Builder b = ModelStore.builder();
        modelsDir().ifPresent(b::offlineDir);
        return b.build();
    }

    /** The ggml file of a catalog entry (its first, and for Whisper only, file). */
    static String fileName(ModelEntry entry) {
        List<ModelFile> files = entry.files();
        if (files.size() != 1) {
            throw new IllegalStateException("catalog entry " + entry.id() + " must list exactly one ggml file, lists "
                    + files.size());
        }
        return files.get(0).path();
    }

    /**
     * The model file of {@code id}.
     *
     * @param store where to look
     * @param id    the model id
     * @return the ggml file
     * @throws EngineException when it is not installed: names the id, every place looked in and the pull command
     */
    public static Path resolve(ModelStore store, String id) {
        try {
            ResolvedModel r = store.resolve(id);
            return r.path(fileName(r.entry()));
        } catch (ModelNotInstalledException e) {
            throw new EngineException(notInstalledMessage(store, id, e.searched()), e);
        } catch (ModelException e) {
            throw new EngineException(e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read model " + id, e);
        }
    }

    /** The short reason for {@code voicechat engines}, or empty when the model is available. */
    static Optional<String> missing(ModelStore store, String id) {
        try {
            return store.locate(id).isPresent() ? Optional.empty()
                    : Optional.of("model " + id + " not installed; run `voicechat models pull " + id + "`");
        } catch (RuntimeException e) {
            return Optional.of("model " + id + " unusable: " + e.getMessage());
        }
    }

    static String notInstalledMessage(ModelStore store, String id, List<String> searched) {
        String file = store.catalog().find(id).map(WhisperModels::fileName).orElse("ggml-*.bin");
        return "whisper model " + id + " (" + file + ") is not installed; looked in " + String.join(", ", searched)
                + (modelsDir().isPresent() ? "" : " (set " + MODELS_ENV + " to a folder holding " + file
                + " to use a copy you have)") + "; run: voicechat models pull " + id;
    }
}
