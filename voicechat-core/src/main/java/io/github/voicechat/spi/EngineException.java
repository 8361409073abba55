package io.github.voicechat.spi;

import io.github.voicechat.VoicechatException;

/** An engine could not be found, created or run. */
public class EngineException extends VoicechatException {
    private static final long serialVersionUID = 1L;

    public EngineException(String message) {
        super(message);
    }

    public EngineException(String message, Throwable cause) {
        super(message, cause);
    }
}
