package io.github.voicechat.models;

/**
 * Loads models of one engine family from their resolved files. Engines implement it and list it in
 * {@code META-INF/services/io.github.voicechat.models.ModelLoader}, or register it with
 * {@link ModelManager.Builder#loader(ModelLoader)}.
 */
public interface ModelLoader {

    /** The engine family this loader handles; matches {@link ModelEntry#engine()} ({@code whisper}, {@code piper}). */
    String engine();

    /**
     * Loads the model. Called on the acquiring thread, at most {@link ModelManager.Builder#maxParallelLoads} at once.
     *
     * @throws Exception any failure; the manager reports it as a {@link ModelLoadException}
     */
    LoadedModel load(ModelEntry entry, ResolvedModel files) throws Exception;
}
