package io.github.voicechat;

/** Where a {@link Responder} writes its answer. */
public interface ResponseSink {

    /** Appends text to the answer. Returns {@code false} once the response is cancelled (barge-in, session end). */
    boolean text(String chunk);

    /** Whether the response has been cancelled. */
    boolean isCancelled();
}
