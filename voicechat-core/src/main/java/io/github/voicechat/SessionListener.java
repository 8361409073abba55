package io.github.voicechat;

/**
 * Receives every {@link SessionEvent}. Called on the session's own thread: return quickly and never block, or the
 * playout stalls.
 */
@FunctionalInterface
public interface SessionListener {
    void onEvent(SessionEvent event);
}
