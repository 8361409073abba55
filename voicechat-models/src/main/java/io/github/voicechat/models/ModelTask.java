package io.github.voicechat.models;

import java.util.Locale;

/** What a model does. */
public enum ModelTask {
    VAD, ASR, TTS;

    public static ModelTask fromCatalogName(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown task '" + name + "', expected vad, asr or tts", e);
        }
    }
}
