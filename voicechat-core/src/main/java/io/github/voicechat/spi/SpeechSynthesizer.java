package io.github.voicechat.spi;

import java.util.Iterator;

/**
 * Text to speech, incremental and cancellable.
 *
 * <p>{@link #synthesize} delivers audio to its sink as soon as each piece exists (so the first frame can play
 * before the sentence is finished), marks how much of the text is rendered, and returns early once the sink reports
 * cancellation. An instance is used by one thread at a time.
 */
public interface SpeechSynthesizer extends AutoCloseable {

    /** {@return the rate of the audio this synthesizer produces, in Hz} */
    int sampleRateHz();

    /**
     * Synthesises {@code text}, delivering audio to {@code sink}. Blocks until done or cancelled.
     *
     * @param text what to say
     * @param sink takes the audio and the text marks, and says when to stop
     * @throws IllegalArgumentException if {@code text} is null
     */
    void synthesize(String text, SynthesisSink sink);

    /**
     * Synthesises a stream of text chunks (e.g. sentences as a Responder writes them) in order. Text marks are
     * reported as offsets into the concatenation of the chunks.
     *
     * @param chunks the text, piece by piece; {@code next()} may block until the next piece exists
     * @param sink   takes the audio and the text marks, and says when to stop
     */
    default void synthesize(Iterator<String> chunks, SynthesisSink sink) {
        int base = 0;
        while (chunks.hasNext() && !sink.isCancelled()) {
            String chunk = chunks.next();
            int offset = base;
            synthesize(chunk, new SynthesisSink() {
                @Override
                public boolean audio(float[] samples, int off, int length) {
                    return sink.audio(samples, off, length);
                }

                @Override
                public void textMark(int endChar) {
                    sink.textMark(offset + endChar);
                }

                @Override
                public boolean isCancelled() {
                    return sink.isCancelled();
                }
            });
            base += chunk.length();
        }
    }

    @Override
    void close();
}
