package io.github.voicechat.spi;

/**
 * Streaming speech recognition, one utterance at a time.
 *
 * <p>The pipeline feeds the audio of the current user turn with {@link #accept} as it arrives (at
 * {@link #sampleRateHz()}), then calls {@link #finish()} at the end of the turn or {@link #cancel()} to drop it. An
 * instance is used by one thread at a time and is reused for the next utterance, so engines that are slow to start
 * (Sphinx4 reloads its language model on every start) keep one stream open.
 */
public interface SpeechRecognizer extends AutoCloseable {

    /** {@return the rate of the audio this recognizer accepts, in Hz} */
    int sampleRateHz();

    /** {@return whether {@link #partialText()} reports words before {@link #finish()}} */
    default boolean supportsPartials() {
        return false;
    }

    /**
     * Adds audio of the current utterance.
     *
     * @param samples mono samples at {@link #sampleRateHz()}
     * @param offset  index of the first one
     * @param length  how many
     * @throws IllegalArgumentException on NaN or infinite samples
     */
    void accept(float[] samples, int offset, int length);

    /** {@return the best hypothesis so far for the current utterance; empty if none or not supported} */
    default String partialText() {
        return "";
    }

    /**
     * Ends the current utterance; the recognizer is then ready for the next one.
     *
     * @return the utterance's transcript
     */
    Transcript finish();

    /** Drops the current utterance without a result. */
    void cancel();

    @Override
    void close();
}
