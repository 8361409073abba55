package io.github.voicechat.models;

import io.github.voicechat.VoicechatException;

/** Base of the model store's and manager's exceptions; the message says what was expected and what to do. */
public class ModelException extends VoicechatException {
    private static final long serialVersionUID = 1L;

    private final String modelId;

    public ModelException(String modelId, String message) {
        super(message);
        this.modelId = modelId;
    }

    public ModelException(String modelId, String message, Throwable cause) {
        super(message, cause);
        this.modelId = modelId;
    }

    /** The model concerned, or null when none is. */
    public String modelId() {
        return modelId;
    }
}
