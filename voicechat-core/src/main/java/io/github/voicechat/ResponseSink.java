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

    /**
     * Marks that the model behind this responder produced its first token, for the latency trace
     * ({@link TurnReport#modelFirstTokenMs()}); the time of the first text written is recorded without being asked.
     * Only the first call counts, and it may come from any thread (a model client's callback). Responders that do
     * not stream from a model need not call it. By default ignored.
     */
    default void firstToken() {
    }

    /**
     * Reports a failure the responder recovered from, for example a model error answered with a spoken apology: the
     * session emits a {@link SessionEvent.EngineError} and the turn goes on with whatever text the responder writes.
     * A responder that cannot recover throws from {@link Responder#respond} instead. By default ignored.
     *
     * @param error what failed
     */
    default void reportError(Throwable error) {
    }
}
