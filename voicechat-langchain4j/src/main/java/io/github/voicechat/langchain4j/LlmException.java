package io.github.voicechat.langchain4j;

import io.github.voicechat.VoicechatException;

/** A model's answer failed: an error from the model or its connection, a stall, or no first token in time. */
public final class LlmException extends VoicechatException {
    private static final long serialVersionUID = 1L;

    public LlmException(String message) {
        super(message);
    }

    public LlmException(String message, Throwable cause) {
        super(message, cause);
    }
}
