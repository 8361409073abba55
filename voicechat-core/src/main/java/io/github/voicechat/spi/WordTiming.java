package io.github.voicechat.spi;

/**
 * One recognised word with its position in the utterance, in milliseconds from the utterance start.
 *
 * @param word       the word
 * @param startMs    where it starts
 * @param endMs      where it ends, not before {@code startMs}
 * @param confidence in [0, 1], or {@link Float#NaN} when the engine does not say
 */
public record WordTiming(String word, double startMs, double endMs, float confidence) {
    /**
     * Checks that there is a word and that it does not end before it starts.
     *
     * @param word       the word
     * @param startMs    where it starts
     * @param endMs      where it ends, not before {@code startMs}
     * @param confidence in [0, 1], or {@link Float#NaN} when the engine does not say
     */
    public WordTiming {
        if (word == null) {
            throw new IllegalArgumentException("word must not be null");
        }
        if (endMs < startMs) {
            throw new IllegalArgumentException("word end " + endMs + " ms is before its start " + startMs + " ms");
        }
    }
}
