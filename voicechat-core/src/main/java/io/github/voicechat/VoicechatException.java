package io.github.voicechat;

/** Base of every exception voicechat throws on its own account; the message says what was expected and what was found. */
public class VoicechatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception.
     *
     * @param message what was expected and what was found
     */
    public VoicechatException(String message) {
        super(message);
    }

    /**
     * An exception with its cause.
     *
     * @param message what was expected and what was found
     * @param cause   the underlying failure
     */
    public VoicechatException(String message, Throwable cause) {
        super(message, cause);
    }
}
