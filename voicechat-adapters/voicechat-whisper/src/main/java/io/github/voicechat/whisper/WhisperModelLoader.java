package io.github.voicechat.whisper;

import io.github.voicechat.models.LoadedModel;
import io.github.voicechat.models.ModelEntry;
import io.github.voicechat.models.ModelLoader;
import io.github.voicechat.models.ResolvedModel;

/**
 * Loads {@code whisper-*} catalog models for a {@code ModelManager}, which then shares one {@link WhisperModel}
 * (one whisper.cpp context) among all its holders, warms it up once and evicts it when idle. Found through
 * {@code META-INF/services/io.github.voicechat.models.ModelLoader}.
 *
 * <pre>{@code
 * try (ModelHandle<WhisperModel> h = manager.acquire("whisper-base.en", WhisperModel.class);
 *      WhisperRecognizer asr = WhisperRecognizer.create(h, WhisperOptions.defaults())) { ... }
 * }</pre>
 * (the recognizer closes the handle it was given; closing it twice is harmless).
 */
public final class WhisperModelLoader implements ModelLoader {

    /** The engine family of whisper models in the catalog. */
    public static final String ENGINE = "whisper";

    @Override
    public String engine() {
        return ENGINE;
    }

    @Override
    public LoadedModel load(ModelEntry entry, ResolvedModel files) throws Exception {
        return WhisperModel.load(entry.id(), files.path(WhisperModels.fileName(entry)), true);
    }
}
