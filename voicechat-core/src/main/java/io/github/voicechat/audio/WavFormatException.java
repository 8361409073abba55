package io.github.voicechat.audio;

import java.io.IOException;

/** A WAV file or stream that is not one we can read: its message names the field, what was expected and what was found. */
public class WavFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * A format error.
     *
     * @param message the field, what was expected and what was found
     */
    public WavFormatException(String message) {
        super(message);
    }
}
