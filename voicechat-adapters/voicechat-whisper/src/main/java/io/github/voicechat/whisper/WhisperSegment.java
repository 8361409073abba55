package io.github.voicechat.whisper;

/**
 * One segment of a Whisper transcript: a phrase with its time in the utterance. whisper-jni 1.7.1 exposes segment
 * times (whisper.cpp's t0/t1, 10 ms resolution) but not per-token data, so this is the finest timing available.
 *
 * @param text    the phrase, stripped
 * @param startMs start, in milliseconds from the utterance start
 * @param endMs   end, in milliseconds from the utterance start, never before {@code startMs}
 */
public record WhisperSegment(String text, double startMs, double endMs) {
    /**
     * Checks that there is text and that the segment does not end before it starts.
     *
     * @param text    the phrase, stripped
     * @param startMs start, in milliseconds from the utterance start
     * @param endMs   end, in milliseconds from the utterance start, never before {@code startMs}
     */
    public WhisperSegment {
        if (text == null) {
            throw new IllegalArgumentException("text must not be null");
        }
        if (endMs < startMs) {
            throw new IllegalArgumentException("segment end " + endMs + " ms is before its start " + startMs + " ms");
        }
    }
}
