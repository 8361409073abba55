package io.github.voicechat.langchain4j.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Lets the responder close the HTTP connection of one model call, even before the model's first token, when
 * LangChain4j offers no {@code StreamingHandle} yet.
 *
 * <p>The responder binds a ConnectionAbort to its thread while it calls {@code StreamingChatModel.chat}; a LangChain4j
 * model starts its HTTP exchange inside that call, on that thread, so {@link AbortableHttpClient} finds the binding
 * and registers how to close the exchange. Models whose HTTP client is not ours register nothing, and
 * {@link #abort()} does nothing for them.
 */
public final class ConnectionAbort {

    private static final ThreadLocal<ConnectionAbort> CURRENT = new ThreadLocal<>();

    private final List<Runnable> closers = new ArrayList<>();
    private boolean aborted;

    /** The abort bound to this thread, or null. */
    static ConnectionAbort current() {
        return CURRENT.get();
    }

    public void bind() {
        CURRENT.set(this);
    }

    public static void unbind() {
        CURRENT.remove();
    }

    /** Registers how to close an exchange; runs it at once if the call was already aborted. */
    void register(Runnable closer) {
        synchronized (this) {
            if (!aborted) {
                closers.add(closer);
                return;
            }
        }
        closer.run();
    }

    /** Closes every registered exchange (and any registered later). Idempotent. */
    public void abort() {
        List<Runnable> toRun;
        synchronized (this) {
            if (aborted) {
                return;
            }
            aborted = true;
            toRun = List.copyOf(closers);
            closers.clear();
        }
        toRun.forEach(Runnable::run);
    }

    /** Whether any exchange registered itself: the connection can be closed at any time. */
    public synchronized boolean canAbort() {
        return !closers.isEmpty();
    }
}
