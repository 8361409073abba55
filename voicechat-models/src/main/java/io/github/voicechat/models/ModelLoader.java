package io.github.voicechat.models;

/**
 * Loads models of one engine family from their resolved files. Engines implement it and list it in
 * {@code META-INF/services/io.github.voicechat.models.ModelLoader}, or register it with
 * {@link ModelManager.Builder#loader(ModelLoader)}.
 */
public interface ModelLoader {

    /** {@return the engine family this loader handles: {@link ModelEntry#engine()} ({@code whisper}, {@code piper})} */
    String engine();

    /**
     * Loads the model. Called on the acquiring thread, at most {@link ModelManager.Builder#maxParallelLoads} at once.
     *
     * @param entry the catalog entry
     * @param files where its verified files are
     * @return the loaded model, not yet warmed up
     * @throws Exception any failure; the manager reports it as a {@link ModelLoadException}
     */
    LoadedModel load(ModelEntry entry, ResolvedModel files) throws Exception;
}
