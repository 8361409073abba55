package io.github.voicechat.models;

import java.util.Locale;

/** What a model does. */
public enum ModelTask {
    /** Voice activity detection. */
    VAD,
    /** Speech recognition. */
    ASR,
    /** Speech synthesis. */
    TTS;

    /**
     * {@return the task a catalog names, in any case}
     *
     * @param name {@code vad}, {@code asr} or {@code tts}
     * @throws IllegalArgumentException on any other name
     */
    public static ModelTask fromCatalogName(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown task '" + name + "', expected vad, asr or tts", e);
        }
    }
}
