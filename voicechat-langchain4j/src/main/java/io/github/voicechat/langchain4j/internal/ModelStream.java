package io.github.voicechat.langchain4j.internal;

import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.PartialThinkingContext;
import dev.langchain4j.model.chat.response.PartialToolCall;
import dev.langchain4j.model.chat.response.PartialToolCallContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One streaming call to a model: LangChain4j's callbacks (on its client's threads) become events in a queue that the
 * responder's thread takes, so that the responder alone writes to the session and decides about timeouts.
 *
 * <p>{@link #close()} stops a stream that still runs: with LangChain4j's {@link StreamingHandle} once a callback has
 * brought one, else by closing the connection through {@link ConnectionAbort} (our HTTP client), else at the next
 * callback, which is then the first to carry a handle. Callbacks after close are dropped.
 */
public final class ModelStream implements StreamingChatResponseHandler {

    private static final Logger log = LoggerFactory.getLogger(ModelStream.class);

    /** What the stream delivered. */
    public sealed interface Event {
    }

    /** Text tokens. */
    public record Text(String text) implements Event {
    }

    /** A piece of a tool call's arguments: a sign of life, the call itself comes with {@link Completed}. */
    public record ToolToken() implements Event {
    }

    public record Completed(ChatResponse response) implements Event {
    }

    public record Failed(Throwable error) implements Event {
    }

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final ConnectionAbort connection = new ConnectionAbort();
    private final Runnable onFirstToken;
    private final LongSupplier nanoTime;
    private final long startedNanos;
    private volatile StreamingHandle handle;
    private volatile boolean closed;
    private volatile boolean ended;
    /** System.nanoTime() of the first token (text or tool call), 0 before it. */
    private volatile long firstTokenNanos;
    /** System.nanoTime() of the last sign of life (any callback), 0 before the first. */
    private volatile long lastEventNanos;
    private volatile long closedNanos;

    private ModelStream(Runnable onFirstToken, LongSupplier nanoTime) {
        this.onFirstToken = onFirstToken;
        this.nanoTime = nanoTime;
        this.startedNanos = nanoTime.getAsLong();
    }

    /**
     * Starts a call; its events arrive in {@link #poll}. A model that throws at once yields a {@link Failed}.
     * {@code nanoTime} stamps the events (System::nanoTime; tests move time themselves).
     */
    public static ModelStream open(StreamingChatModel model, ChatRequest request, Runnable onFirstToken,
            LongSupplier nanoTime) {
        ModelStream s = new ModelStream(onFirstToken, nanoTime);
        s.connection.bind();
        try {
            model.chat(request, s);
        } catch (RuntimeException e) {
            s.events.add(new Failed(e));
        } finally {
            ConnectionAbort.unbind();
        }
        return s;
    }

    /** The next event, waiting at most {@code timeoutNanos}; null if none came. */
    public Event poll(long timeoutNanos) throws InterruptedException {
        return events.poll(timeoutNanos, TimeUnit.NANOSECONDS);
    }

    public long startedNanos() {
        return startedNanos;
    }

    /** When the first token (text or tool call) came (0: not yet). */
    public long firstTokenNanos() {
        return firstTokenNanos;
    }

    /** When the model last showed life (0: never yet). */
    public long lastEventNanos() {
        return lastEventNanos;
    }

    /** Stops the stream if it still runs. Idempotent. */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        closedNanos = System.nanoTime();
        if (ended) {
            return;
        }
        StreamingHandle h = handle;
        if (h != null) {
            cancelQuietly(h);
        } else if (connection.canAbort()) {
            connection.abort();
        } else {
            log.debug("stream has no handle yet and its HTTP client cannot be closed: it ends at its next event");
        }
    }

    /** Whether the stream can be closed before its first event (its model uses our HTTP client). */
    public boolean canCloseConnection() {
        return connection.canAbort();
    }

    // ------------------------------------------------------------------ LangChain4j callbacks (client threads)

    @Override
    public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
        if (alive(context == null ? null : context.streamingHandle())) {
            token();
            events.add(new Text(partial.text()));
        }
    }

    /** Providers without cancellation support call this one. */
    @Override
    public void onPartialResponse(String partial) {
        if (alive(null)) {
            token();
            events.add(new Text(partial));
        }
    }

    @Override
    public void onPartialToolCall(PartialToolCall partial, PartialToolCallContext context) {
        if (alive(context == null ? null : context.streamingHandle())) {
            token();
            events.add(new ToolToken());
        }
    }

    @Override
    public void onPartialToolCall(PartialToolCall partial) {
        if (alive(null)) {
            token();
            events.add(new ToolToken());
        }
    }

    /** Reasoning is a sign of life, not a token of the answer. */
    @Override
    public void onPartialThinking(PartialThinking partial, PartialThinkingContext context) {
        alive(context == null ? null : context.streamingHandle());
    }

    @Override
    public void onPartialThinking(PartialThinking partial) {
        alive(null);
    }

    /** Chunks LangChain4j does not map (the role-only first chunk, usage, reasoning it does not return). */
    @Override
    public void onUnmappedRawEvent(Object rawEvent) {
        alive(null);
    }

    @Override
    public void onCompleteResponse(ChatResponse response) {
        ended = true;
        if (!closed) {
            events.add(new Completed(response));
        }
    }

    @Override
    public void onError(Throwable error) {
        ended = true;
        if (!closed) {
            events.add(new Failed(error));
        } else if (log.isDebugEnabled()) {
            log.debug("stream closed {} ms after close(): {}", (System.nanoTime() - closedNanos) / 1_000_000,
                    error.toString());
        }
    }

    /** Records life and the handle; false (and the stream cancelled) if we have closed it. */
    private boolean alive(StreamingHandle h) {
        if (h != null && handle == null) {
            handle = h;
        }
        if (closed) {
            if (h != null) {
                cancelQuietly(h);
            }
            return false;
        }
        lastEventNanos = nanoTime.getAsLong();
        return true;
    }

    private void token() {
        if (firstTokenNanos == 0) {
            firstTokenNanos = nanoTime.getAsLong();
            onFirstToken.run();
        }
    }

    private static void cancelQuietly(StreamingHandle h) {
        try {
            if (!h.isCancelled()) {
                h.cancel();
            }
        } catch (RuntimeException e) {
            log.debug("cancelling the stream failed: {}", e.toString());
        }
    }
}
