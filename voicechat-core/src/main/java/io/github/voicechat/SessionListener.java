package io.github.voicechat;

/**
 * Receives every {@link SessionEvent}. Called on the session's own thread: return quickly and never block, or the
 * playout stalls.
 */
@FunctionalInterface
public interface SessionListener {
    /**
     * Takes one event.
     *
     * @param event what happened, with its audio time
     */
    void onEvent(SessionEvent event);

    /**
     * Sees a session of the pipeline this listener was given to, as it is opened (before it starts), on the thread
     * that opens it: what a listener that samples live sessions (a metrics gauge) needs, since events carry no
     * session. Return quickly. By default ignored.
     *
     * @param session the new session
     */
    default void sessionOpened(VoiceSession session) {
    }
}
