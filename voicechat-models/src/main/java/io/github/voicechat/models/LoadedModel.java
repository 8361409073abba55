package io.github.voicechat.models;

/**
 * A model loaded into memory by a {@link ModelLoader}: native sessions, weights. Shared by every holder of a
 * {@link ModelHandle}; closed by the {@link ModelManager} exactly once, never while a handle is open (except when
 * the manager itself closes).
 */
public interface LoadedModel extends AutoCloseable {

    /** {@return the estimated resident size (heap and native) in bytes, for the manager's byte cap} */
    long sizeBytes();

    /**
     * Runs one synthetic inference (a short utterance) so the first real request does not pay for lazy
     * initialisation. Called once, before the model is handed out.
     *
     * @throws Exception any failure; the manager then closes the model and reports a {@link ModelLoadException}
     */
    default void warmUp() throws Exception {
    }

    /** Releases native resources. */
    @Override
    void close() throws Exception;
}
