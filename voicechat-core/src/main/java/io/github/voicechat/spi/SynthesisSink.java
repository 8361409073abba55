package io.github.voicechat.spi;

/**
 * Where a {@link SpeechSynthesizer} delivers its audio, piece by piece, as it produces it.
 *
 * <p>Text marks let the pipeline know what was actually said: after {@code textMark(n)}, the first {@code n}
 * characters of the text being synthesised are fully rendered by the audio delivered so far. When playback is
 * interrupted at sample {@code s}, the pipeline keeps the text of the last mark at or before {@code s}.
 */
public interface SynthesisSink {

    /**
     * Delivers samples at the synthesizer's rate.
     *
     * @param samples the samples, copied before this returns
     * @param offset  index of the first one
     * @param length  how many
     * @return {@code false} when synthesis has been cancelled and the synthesizer should return as soon as it can
     */
    boolean audio(float[] samples, int offset, int length);

    /**
     * Marks that the first {@code endChar} characters of the current text have been rendered. By default ignored,
     * for sinks that only want the audio (a file, a benchmark, a recognizer).
     *
     * @param endChar characters of the current text rendered so far
     */
    default void textMark(int endChar) {
    }

    /**
     * {@return whether the consumer has cancelled this synthesis} Poll between pieces of work. By default {@code false}: a
     * sink that never cancels between pieces can still stop a synthesis by returning {@code false} from
     * {@link #audio}.
     */
    default boolean isCancelled() {
        return false;
    }
}
