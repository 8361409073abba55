package io.github.voicechat.langchain4j;

import io.github.voicechat.VoicechatException;

/** A model's answer failed: an error from the model or its connection, a stall, or no first token in time. */
public final class LlmException extends VoicechatException {
    private static final long serialVersionUID = 1L;

    /**
     * A failure with no underlying exception (a stall, a timeout).
     *
     * @param message what happened
     */
    public LlmException(String message) {
        super(message);
    }

    /**
     * A failure caused by {@code cause}.
     *
     * @param message what happened
     * @param cause   the model's or the connection's error
     */
    public LlmException(String message, Throwable cause) {
        super(message, cause);
    }
}
