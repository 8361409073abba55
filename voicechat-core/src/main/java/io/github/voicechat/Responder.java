package io.github.voicechat;

/**
 * The host application's side of the conversation: a final user transcript in, a stream of text chunks out.
 *
 * <p>Called on a pipeline worker thread. Write text as it becomes available (a sentence at a time lets speech start
 * before the whole answer exists) and stop when {@link ResponseSink#text} returns {@code false}: the user has
 * barged in and the response is cancelled.
 */
@FunctionalInterface
public interface Responder {

    /**
     * Answers one user turn.
     *
     * @param request the user's transcript and the conversation so far
     * @param sink    where the answer goes, chunk by chunk
     * @throws Exception any failure; the pipeline logs it, reports it to listeners and goes back to listening
     */
    void respond(ResponderRequest request, ResponseSink sink) throws Exception;
}
