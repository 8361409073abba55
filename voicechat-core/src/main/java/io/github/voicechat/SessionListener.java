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
}
