package io.github.voicechat.models;

import io.github.voicechat.VoicechatException;

/** Base of the model store's and manager's exceptions; the message says what was expected and what to do. */
public class ModelException extends VoicechatException {
    private static final long serialVersionUID = 1L;

    /** The model concerned, or null. */
    private final String modelId;

    /**
     * An exception about a model.
     *
     * @param modelId the model concerned, or null when none is
     * @param message what was expected and what to do
     */
    public ModelException(String modelId, String message) {
        super(message);
        this.modelId = modelId;
    }

    /**
     * An exception about a model, with its cause.
     *
     * @param modelId the model concerned, or null when none is
     * @param message what was expected and what to do
     * @param cause   the underlying failure
     */
    public ModelException(String modelId, String message, Throwable cause) {
        super(message, cause);
        this.modelId = modelId;
    }

    /** {@return the model concerned, or null when none is} */
    public String modelId() {
        return modelId;
    }
}
