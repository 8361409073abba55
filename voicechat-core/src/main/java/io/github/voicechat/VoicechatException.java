package io.github.voicechat;

/** Base of every exception voicechat throws on its own account; the message says what was expected and what was found. */
public class VoicechatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public VoicechatException(String message) {
        super(message);
    }

    public VoicechatException(String message, Throwable cause) {
        super(message, cause);
    }
}
