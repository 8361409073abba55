package io.github.voicechat.spi;

/** One recognised word with its position in the utterance, in milliseconds from the utterance start. */
public record WordTiming(String word, double startMs, double endMs, float confidence) {
    public WordTiming {
        if (word == null) {
            throw new IllegalArgumentException("word must not be null");
        }
        if (endMs < startMs) {
            throw new IllegalArgumentException("word end " + endMs + " ms is before its start " + startMs + " ms");
        }
    }
}
