package io.github.voicechat.spi;

import java.util.List;
import java.util.Set;

/**
 * What an engine can do, for routing by capability rather than by name.
 *
 * @param languages    BCP-47 language tags (e.g. {@code en-US}); empty means language independent (VAD, AEC)
 * @param streaming    whether it works incrementally (partials for ASR, first audio before the end for TTS)
 * @param sampleRateHz its native rate
 * @param voices       voice names for TTS, empty otherwise
 */
public record EngineCapabilities(Set<String> languages, boolean streaming, int sampleRateHz, List<String> voices) {
    /**
     * Copies the collections and checks the rate.
     *
     * @param languages    BCP-47 language tags (e.g. {@code en-US}); empty means language independent (VAD, AEC)
     * @param streaming    whether it works incrementally (partials for ASR, first audio before the end for TTS)
     * @param sampleRateHz its native rate
     * @param voices       voice names for TTS, empty otherwise
     */
    public EngineCapabilities {
        languages = Set.copyOf(languages);
        voices = List.copyOf(voices);
        if (sampleRateHz <= 0) {
            throw new IllegalArgumentException("sample rate must be positive, was " + sampleRateHz);
        }
    }

    /**
     * {@return whether it handles {@code languageTag}} A bare language ({@code en}) matches any region of it; a
     * language-independent engine handles every language.
     *
     * @param languageTag a BCP-47 tag
     */
    public boolean supportsLanguage(String languageTag) {
        if (languages.isEmpty()) {
            return true;
        }
        String want = languageTag.toLowerCase(java.util.Locale.ROOT);
        for (String l : languages) {
            String have = l.toLowerCase(java.util.Locale.ROOT);
            if (have.equals(want) || have.startsWith(want + "-") || want.startsWith(have + "-")) {
                return true;
            }
        }
        return false;
    }
}
