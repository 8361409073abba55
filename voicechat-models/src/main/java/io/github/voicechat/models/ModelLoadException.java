package io.github.voicechat.models;

/** A loader failed to load or warm up a model. */
public final class ModelLoadException extends ModelException {
    private static final long serialVersionUID = 1L;

    /**
     * A load failure.
     *
     * @param modelId the model
     * @param message what failed
     * @param cause   the loader's exception
     */
    public ModelLoadException(String modelId, String message, Throwable cause) {
        super(modelId, message, cause);
    }
}
