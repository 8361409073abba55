package io.github.voicechat.spi;

import java.util.List;

/**
 * The final result of recognising one utterance.
 *
 * @param text       the words, space separated, no fillers; empty when nothing was recognised
 * @param words      word timings if the engine gives them, else empty
 * @param confidence in [0, 1], or {@link Float#NaN} when the engine does not say
 */
public record Transcript(String text, List<WordTiming> words, float confidence) {
    /** Nothing recognised. */
    public static final Transcript EMPTY = new Transcript("", List.of(), Float.NaN);

    /**
     * Strips the text and copies the words; null text or words become empty.
     *
     * @param text       the words, space separated, no fillers; empty when nothing was recognised
     * @param words      word timings if the engine gives them, else empty
     * @param confidence in [0, 1], or {@link Float#NaN} when the engine does not say
     */
    public Transcript {
        text = text == null ? "" : text.strip();
        words = words == null ? List.of() : List.copyOf(words);
    }

    /**
     * {@return a transcript of {@code text} without word timings or confidence}
     *
     * @param text the words
     */
    public static Transcript of(String text) {
        return new Transcript(text, List.of(), Float.NaN);
    }

    /** {@return whether nothing was recognised} */
    public boolean isEmpty() {
        return text.isEmpty();
    }
}
