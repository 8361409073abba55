package io.github.voicechat.sphinx.internal;

import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.concurrent.Future;

/**
 * The audio of one utterance, as PCM16 little-endian bytes, written by the pipeline thread and read by the decoder
 * thread. Reads block until bytes arrive or the utterance is ended; ending it is how the decoder learns that the
 * utterance is over (Sphinx sees the end of its input stream and finishes the hypothesis).
 */
public final class UtteranceStream extends InputStream {
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private byte[] current;
    private int position;
    private boolean ended;
    private long bytesWritten;
    /** The reader has read every byte written and waits for more: the decoder has caught up. */
    private boolean readerWaiting;

    /** Appends bytes (the array is kept; do not reuse it). */
    public synchronized void write(byte[] pcm16le) {
        if (ended) {
            throw new IllegalStateException("utterance already ended");
        }
        chunks.addLast(pcm16le);
        bytesWritten += pcm16le.length;
        notifyAll();
    }

    /** No more audio: reads return the rest, then end of stream. */
    public synchronized void end() {
        ended = true;
        notifyAll();
    }

    /** Drops what is not yet read and ends: the decoder sees the end of the stream at once. */
    public synchronized void abort() {
        chunks.clear();
        current = null;
        ended = true;
        notifyAll();
    }

    public synchronized long bytesWritten() {
        return bytesWritten;
    }

    /**
     * Waits until the reader has taken every byte written so far and asks for more, that is until the decoder has
     * decoded all it can of this utterance (Sphinx reads whole blocks, so up to one block stays unread), or until
     * the reader's task has ended (it will not come back).
     *
     * <p>Why: the decoder's interim hypothesis then covers the audio the caller wrote, at a point that depends only on
     * that audio, not on how far the decoder thread happened to get; so the same input gives the same partial words
     * on every run and every machine.
     *
     * @param reader the reader's task, checked every {@code pollMs} while waiting
     * @param pollMs how often to check it
     * @throws InterruptedException if the caller is interrupted while waiting
     */
    public synchronized void awaitCaughtUp(Future<?> reader, long pollMs)
            throws InterruptedException {
        while (!ended && !(readerWaiting && chunks.isEmpty() && (current == null || position == current.length))) {
            if (reader.isDone()) {
                return;
            }
            wait(pollMs);
        }
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) {
        if (len == 0) {
            return 0;
        }
        while (current == null || position == current.length) {
            current = chunks.pollFirst();
            position = 0;
            if (current != null) {
                continue;
            }
            if (ended) {
                return -1;
            }
            readerWaiting = true;
            notifyAll(); // a writer may be waiting for the reader to catch up
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            } finally {
                readerWaiting = false;
            }
        }
        int n = Math.min(len, current.length - position);
        System.arraycopy(current, position, b, off, n);
        position += n;
        return n;
    }
}
