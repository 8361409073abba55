package io.github.voicechat.models;

/** A model file is not what was verified or published (changed size, wrong digest). The file is not used. */
public class ModelIntegrityException extends ModelException {
    private static final long serialVersionUID = 1L;

    /**
     * An integrity failure.
     *
     * @param modelId the model
     * @param message which file, what was expected and what was found
     */
    public ModelIntegrityException(String modelId, String message) {
        super(modelId, message);
    }
}
