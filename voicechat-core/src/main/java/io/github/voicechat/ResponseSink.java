package io.github.voicechat;

/** Where a {@link Responder} writes its answer. */
public interface ResponseSink {

    /**
     * Appends text to the answer; it is spoken sentence by sentence as it arrives.
     *
     * @param chunk the next part of the answer
     * @return {@code false} once the response is cancelled (barge-in, session end): stop writing
     */
    boolean text(String chunk);

    /** {@return whether the response has been cancelled} */
    boolean isCancelled();
}
