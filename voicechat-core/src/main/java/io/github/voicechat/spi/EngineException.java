package io.github.voicechat.spi;

import io.github.voicechat.VoicechatException;

/** An engine could not be found, created or run. */
public class EngineException extends VoicechatException {
    private static final long serialVersionUID = 1L;

    /**
     * An engine failure.
     *
     * @param message what failed and, where known, how to fix it
     */
    public EngineException(String message) {
        super(message);
    }

    /**
     * An engine failure with its cause.
     *
     * @param message what failed and, where known, how to fix it
     * @param cause   the engine's own exception
     */
    public EngineException(String message, Throwable cause) {
        super(message, cause);
    }
}
