package io.github.voicechat.internal.session;

import java.util.Arrays;

/**
 * One bot response, shared by the response worker (which writes text, marks and frames) and the session thread
 * (which plays, pauses and cancels). Marks map output-sample positions of the response to how much of its text they
 * complete, so the session can tell exactly what was played when it stopped.
 */
final class ResponseState {

    final int turn;
    final long epoch;
    /** Output samples of this response played so far; the session's thread only. */
    long playedSamples;
    private final StringBuilder text = new StringBuilder();
    private long[] markSamples = new long[16];
    private int[] markChars = new int[16];
    private int marks;

    private volatile boolean cancelled;
    private volatile boolean discarded;
    /** Set by the worker when it is done with this response; read by the session. */
    volatile boolean doneProducing;
    /** Samples queued on the output ring; written by the worker, read by the session. */
    volatile long queuedSamples;
    private volatile boolean failed;
    /** System.nanoTime() of the model's first token and of the responder's first text; 0 until they happen. */
    private volatile long firstTokenNanos;
    private volatile long firstTextNanos;

    ResponseState(int turn, long epoch) {
        this.turn = turn;
        this.epoch = epoch;
    }

    synchronized void appendText(String chunk) {
        text.append(chunk);
    }

    synchronized String text() {
        return text.toString().strip();
    }

    synchronized int textLength() {
        return text.length();
    }

    synchronized String textRange(int from, int to) {
        return text.substring(from, to);
    }

    /** Text up to {@code endChar} is complete once {@code outputSample} samples of the response have played. */
    synchronized void addMark(long outputSample, int endChar) {
        if (marks == markSamples.length) {
            markSamples = Arrays.copyOf(markSamples, marks * 2);
            markChars = Arrays.copyOf(markChars, marks * 2);
        }
        markSamples[marks] = outputSample;
        markChars[marks] = endChar;
        marks++;
    }

    /** The text whose every mark lies at or before {@code playedSamples}. */
    synchronized String playedText(long playedSamples) {
        int end = 0;
        for (int i = 0; i < marks; i++) {
            if (markSamples[i] <= playedSamples) {
                end = Math.max(end, markChars[i]);
            }
        }
        return text.substring(0, Math.min(end, text.length())).strip();
    }

    /**
     * A response that played to its end: its parts of the turn's report (text, played text, model trace) written into
     * {@code t} in one call.
     */
    synchronized void finishInto(Turn t) {
        t.responseText = text();
        t.playedText = hasFailed() ? playedText(playedSamples) : text();
        traceInto(t);
    }

    /**
     * Stops the response: what was played is read first (once cancelled, the worker may still add marks as it
     * unwinds), then it is cancelled, and its parts of the turn's report are written into {@code t}, in one call.
     */
    synchronized void stopInto(Turn t) {
        String played = playedText(playedSamples);
        cancel();
        t.responseText = text();
        t.playedText = played;
        traceInto(t);
    }

    /** The model latency trace (wall clock) from the turn's end decision. */
    private void traceInto(Turn t) {
        t.modelFirstTokenMs = firstTokenMsSince(t.endDecisionNanos);
        t.modelFirstClauseMs = firstTextMsSince(t.endDecisionNanos);
    }

    /** The model's first token (any thread; the first call wins, a racing second one only moves it by nanoseconds). */
    void markFirstToken() {
        if (firstTokenNanos == 0) {
            firstTokenNanos = System.nanoTime();
        }
    }

    /** The responder's first text; called on the response worker. */
    void markFirstText() {
        if (firstTextNanos == 0) {
            firstTextNanos = System.nanoTime();
        }
    }

    /** Milliseconds from {@code fromNanos} to the first token, or NaN if there was none (or no start). */
    double firstTokenMsSince(long fromNanos) {
        return msBetween(fromNanos, firstTokenNanos);
    }

    double firstTextMsSince(long fromNanos) {
        return msBetween(fromNanos, firstTextNanos);
    }

    private static double msBetween(long fromNanos, long toNanos) {
        return fromNanos == 0 || toNanos == 0 ? Double.NaN : (toNanos - fromNanos) / 1e6;
    }

    void cancel() {
        cancelled = true;
    }

    /** Cancels a speculative response because the user went on: its responder can tell ({@code isDiscarded}). */
    void discard() {
        discarded = true;
        cancelled = true;
    }

    boolean isDiscarded() {
        return discarded;
    }

    boolean isCancelled() {
        return cancelled;
    }

    void markDone(boolean failed) {
        this.failed = failed;
        this.doneProducing = true;
    }

    boolean isDoneProducing() {
        return doneProducing;
    }

    boolean hasFailed() {
        return failed;
    }

    void addQueued(long samples) {
        queuedSamples += samples; // single writer: the response worker
    }
}
