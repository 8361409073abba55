package io.github.voicechat.testkit;

import io.github.voicechat.audio.Pcm;
import io.github.voicechat.spi.SpeechRecognizer;
import io.github.voicechat.spi.Transcript;
import io.github.voicechat.time.SessionTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A recognizer that returns given transcripts, one per utterance in order (empty once they run out), and records
 * how much audio each utterance received. With {@code partialAfterMs} it also reports the coming transcript as a
 * partial once that much audio of the utterance has arrived, to exercise barge-in confirmation by words.
 *
 * <p>With a {@linkplain #recognitionDelay recognition delay}, {@link #finish} takes that long in session time
 * ({@link SessionTime}): on a virtual clock the transcript then arrives exactly that much later, so races with a
 * slow recogniser are exact tests.
 */
public final class ScriptedRecognizer implements SpeechRecognizer {

    private final int sampleRateHz;
    private final List<String> transcripts;
    private final int partialAfterMs;
    private final List<Long> utteranceSamples = new ArrayList<>();
    private int next;
    private long current;
    private int cancelled;
    private volatile long recognitionDelayNanos;
    private volatile boolean closed;

    /**
     * A recognizer with a script.
     *
     * @param sampleRateHz   the rate it claims to accept
     * @param partialAfterMs audio of an utterance after which its transcript is reported as a partial; -1 for none
     * @param transcripts    one transcript per utterance, in order
     */
    public ScriptedRecognizer(int sampleRateHz, int partialAfterMs, List<String> transcripts) {
        this.sampleRateHz = sampleRateHz;
        this.partialAfterMs = partialAfterMs;
        this.transcripts = List.copyOf(transcripts);
    }

    /**
     * {@return a 16 kHz recognizer without partials}
     *
     * @param transcripts one transcript per utterance, in order
     */
    public static ScriptedRecognizer of(String... transcripts) {
        return new ScriptedRecognizer(16_000, -1, List.of(transcripts));
    }

    /**
     * Makes every {@link #finish} take {@code delay} of session time.
     *
     * @param delay the recognition delay
     * @return this recogniser
     */
    public ScriptedRecognizer recognitionDelay(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("recognition delay must not be negative, was " + delay);
        }
        this.recognitionDelayNanos = delay.toNanos();
        return this;
    }

    @Override
    public int sampleRateHz() {
        return sampleRateHz;
    }

    @Override
    public boolean supportsPartials() {
        return partialAfterMs >= 0;
    }

    @Override
    public synchronized void accept(float[] samples, int offset, int length) {
        Pcm.requireFinite(samples, offset, length);
        current += length;
    }

    @Override
    public synchronized String partialText() {
        if (partialAfterMs < 0 || current * 1000 < (long) partialAfterMs * sampleRateHz || next >= transcripts.size()) {
            return "";
        }
        return transcripts.get(next);
    }

    @Override
    public Transcript finish() {
        long delay = recognitionDelayNanos;
        if (delay > 0) {
            try {
                SessionTime.sleepNanos(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while recognising", e);
            }
        }
        synchronized (this) {
            utteranceSamples.add(current);
            current = 0;
            return Transcript.of(next < transcripts.size() ? transcripts.get(next++) : "");
        }
    }

    @Override
    public synchronized void cancel() {
        current = 0;
        cancelled++;
    }

    /** {@return the samples received by each finished utterance, in order} */
    public synchronized List<Long> utteranceSamples() {
        return List.copyOf(utteranceSamples);
    }

    /** {@return the utterances cancelled so far} */
    public synchronized int cancelledUtterances() {
        return cancelled;
    }

    /** {@return whether it was closed} */
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
    }
}
