package io.github.voicechat.langchain4j;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.agent.tool.ToolSpecifications;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.service.tool.DefaultToolExecutor;
import dev.langchain4j.service.tool.ToolExecutor;
import io.github.voicechat.ConversationTurn;
import io.github.voicechat.Responder;
import io.github.voicechat.ResponderRequest;
import io.github.voicechat.ResponseSink;
import io.github.voicechat.langchain4j.internal.AbortableHttpClient;
import io.github.voicechat.langchain4j.internal.ClauseSplitter;
import io.github.voicechat.langchain4j.internal.ModelStream;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Responder} that answers with any LangChain4j {@link StreamingChatModel} (OpenAI and the OpenAI-compatible
 * servers, Anthropic, Gemini, ...), spoken as it streams.
 *
 * <ul>
 *   <li>The conversation is the system prompt, then {@link ResponderRequest#history()} — whose assistant turns hold
 *       only what was actually played, so the model sees where it was cut off — then the user's transcript.</li>
 *   <li>Tokens are written to the session a clause at a time, so synthesis starts on the first clause.</li>
 *   <li>When the response is cancelled (barge-in, session end) the model's stream is closed within one poll
 *       ({@value #POLL_MS} ms): with LangChain4j's {@code StreamingHandle}, or before the first token by closing the
 *       connection when the model uses {@link #httpClientBuilder()} (as {@link OpenAiCompatible}'s models do).</li>
 *   <li>An error, a stall ({@link Builder#stallTimeout}) or no first token ({@link Builder#firstTokenTimeout}) ends
 *       the stream, reports an error event and speaks a short apology; the session then listens again.</li>
 *   <li>Tools are passed to the model and run between its rounds; while one runs the responder may say a filler
 *       ("One moment.").</li>
 * </ul>
 *
 * <p>One instance serves any number of sessions at once; it keeps no conversation state of its own.
 */
public final class LlmResponder implements Responder {

    private static final Logger log = LoggerFactory.getLogger(LlmResponder.class);
    /** How often the responder looks at the session's cancellation while it waits for the model or a tool. */
    static final long POLL_MS = 10;

    private final StreamingChatModel model;
    private final String systemPrompt;
    private final String apology;
    private final long firstTokenTimeoutNanos;
    private final long stallTimeoutNanos;
    private final List<ToolSpecification> toolSpecifications;
    private final Map<String, ToolExecutor> toolExecutors;
    private final String toolFiller;
    private final long toolFillerAfterNanos;
    private final long toolTimeoutNanos;
    private final int maxToolRounds;
    /** The time base of the timeouts: System::nanoTime, or a test's hand-moved time. */
    private final LongSupplier nanoTime;

    private LlmResponder(Builder b) {
        this.model = b.model;
        this.systemPrompt = b.systemPrompt;
        this.apology = b.apology;
        this.firstTokenTimeoutNanos = b.firstTokenTimeout.toNanos();
        this.stallTimeoutNanos = b.stallTimeout.toNanos();
        this.toolSpecifications = List.copyOf(b.toolSpecifications);
        this.toolExecutors = Map.copyOf(b.toolExecutors);
        this.toolFiller = b.toolFiller;
        this.toolFillerAfterNanos = b.toolFillerAfter.toNanos();
        this.toolTimeoutNanos = b.toolTimeout.toNanos();
        this.maxToolRounds = b.maxToolRounds;
        this.nanoTime = b.nanoTime;
    }

    /**
     * Starts a responder that answers with {@code model}.
     *
     * @param model any LangChain4j streaming chat model
     * @return a builder
     */
    public static Builder builder(StreamingChatModel model) {
        return new Builder(model);
    }

    /**
     * {@return an HTTP client for any LangChain4j model builder that takes one ({@code .httpClientBuilder(...)}): with
     * it this responder can close the model's connection even before the first token (with LangChain4j's own client
     * it can only cancel from the first streamed token on)}
     */
    public static HttpClientBuilder httpClientBuilder() {
        return AbortableHttpClient.builder();
    }

    /** The messages sent to the model for this request: system prompt, the history as heard, the transcript. */
    List<ChatMessage> conversation(ResponderRequest request) {
        List<ChatMessage> messages = new ArrayList<>();
        if (systemPrompt != null && !systemPrompt.isBlank()) {
            messages.add(SystemMessage.from(systemPrompt));
        }
        for (ConversationTurn t : request.history()) {
            messages.add(t.role() == ConversationTurn.Role.USER
                    ? UserMessage.from(t.text()) : AiMessage.from(t.text()));
        }
        messages.add(UserMessage.from(request.transcript()));
        return messages;
    }

    @Override
    public void respond(ResponderRequest request, ResponseSink sink) throws InterruptedException {
        new Answer(sink).run(conversation(request));
    }

    /** Why a round ended. */
    private enum Outcome { DONE, CANCELLED, FAILED, TOOL_CALLS }

    /** One answer: the rounds of model calls (more than one when tools run) for one user turn. */
    private final class Answer {
        private final ResponseSink sink;
        private final ClauseSplitter clauses = new ClauseSplitter();
        private boolean fillerSaid;
        /** Whether the text written so far ends in whitespace, so the next piece needs no separator. */
        private boolean separated = true;
        private AiMessage toolCall;
        private Throwable failure;

        Answer(ResponseSink sink) {
            this.sink = sink;
        }

        void run(List<ChatMessage> messages) throws InterruptedException {
            for (int round = 0; ; round++) {
                ChatRequest.Builder request = ChatRequest.builder().messages(messages);
                if (!toolSpecifications.isEmpty()) {
                    request.toolSpecifications(toolSpecifications);
                }
                ModelStream stream = ModelStream.open(model, request.build(), sink::firstToken, nanoTime);
                Outcome outcome;
                try {
                    outcome = stream(stream);
                } finally {
                    stream.close();
                }
                switch (outcome) {
                    case DONE -> {
                        say(clauses.drain());
                        return;
                    }
                    case CANCELLED -> {
                        return;
                    }
                    case FAILED -> {
                        fail(failure);
                        return;
                    }
                    case TOOL_CALLS -> {
                        if (round >= maxToolRounds) {
                            fail(new LlmException("the model asked for tools more than " + maxToolRounds
                                    + " times in one answer"));
                            return;
                        }
                        // What the model said before asking for the tool is said in full before the tool runs.
                        if (!say(clauses.drain())) {
                            return;
                        }
                        messages.add(toolCall);
                        for (ToolExecutionRequest call : toolCall.toolExecutionRequests()) {
                            String result = runTool(call);
                            if (result == null) {
                                return; // cancelled, or failed and apologised
                            }
                            messages.add(ToolExecutionResultMessage.from(call, result));
                        }
                    }
                    default -> throw new AssertionError(outcome);
                }
            }
        }

        /**
         * Takes the stream's events until it completes, fails, times out or the session cancels the answer. Events
         * already queued are taken before a deadline is judged: writing a clause can block for as long as the
         * session takes to play it (back-pressure), and tokens that arrived meanwhile are not a stall.
         */
        private Outcome stream(ModelStream stream) throws InterruptedException {
            while (true) {
                if (sink.isCancelled()) {
                    return Outcome.CANCELLED;
                }
                long firstToken = stream.firstTokenNanos();
                long deadline = firstToken == 0 ? stream.startedNanos() + firstTokenTimeoutNanos
                        : Math.max(stream.lastEventNanos(), firstToken) + stallTimeoutNanos;
                long wait = Math.max(0, Math.min(deadline - nanoTime.getAsLong(), POLL_MS * 1_000_000));
                ModelStream.Event event = stream.poll(wait);
                if (event == null) {
                    if (nanoTime.getAsLong() - deadline >= 0) {
                        failure = firstToken == 0
                                ? new LlmException("no first token from the model within "
                                        + firstTokenTimeoutNanos / 1_000_000 + " ms")
                                : new LlmException("the model's stream stalled: nothing for "
                                        + stallTimeoutNanos / 1_000_000 + " ms");
                        return Outcome.FAILED;
                    }
                } else if (event instanceof ModelStream.Text t) {
                    if (!clauses.append(t.text(), this::say)) {
                        return Outcome.CANCELLED;
                    }
                } else if (event instanceof ModelStream.Completed c) {
                    AiMessage ai = c.response().aiMessage();
                    if (ai != null && ai.hasToolExecutionRequests()) {
                        toolCall = ai;
                        return Outcome.TOOL_CALLS;
                    }
                    return Outcome.DONE;
                } else if (event instanceof ModelStream.Failed f) {
                    failure = f.error();
                    return Outcome.FAILED;
                }
                // a ToolToken is a sign of life only; the call itself comes with Completed
            }
        }

        /** Writes text to the session; false once the answer is cancelled. */
        private boolean say(String text) {
            if (text.isBlank()) {
                return !sink.isCancelled();
            }
            String piece = separated || Character.isWhitespace(text.charAt(0)) ? text : " " + text;
            separated = Character.isWhitespace(piece.charAt(piece.length() - 1));
            return sink.text(piece);
        }

        /** Ends the answer after a failure: the half clause is dropped, the error reported, the apology said. */
        private void fail(Throwable error) {
            clauses.clear();
            LlmException reported = error instanceof LlmException e ? e
                    : new LlmException("the model failed: " + describe(error), error);
            log.debug("answer failed: {}", reported.getMessage(), error);
            sink.reportError(reported);
            if (!apology.isBlank() && !sink.isCancelled()) {
                say(apology + " ");
            }
        }

        /** Runs one tool on its own thread, saying the filler if it takes a while; null if the answer ended. */
        private String runTool(ToolExecutionRequest call) throws InterruptedException {
            ToolExecutor executor = toolExecutors.get(call.name());
            if (executor == null) {
                // Tell the model, as LangChain4j's AI services do, so it can answer without the tool.
                return "There is no tool called " + call.name() + ".";
            }
            CompletableFuture<String> result = new CompletableFuture<>();
            Thread worker = new Thread(() -> {
                try {
                    result.complete(executor.execute(call, null));
                } catch (Throwable e) {
                    result.completeExceptionally(e);
                }
            }, "voicechat-llm-tool-" + call.name());
            worker.setDaemon(true);
            worker.start();
            long started = nanoTime.getAsLong();
            try {
                while (true) {
                    if (sink.isCancelled()) {
                        return null;
                    }
                    boolean fillerDue = nanoTime.getAsLong() - started >= toolFillerAfterNanos;
                    if (!fillerSaid && !toolFiller.isBlank() && fillerDue) {
                        fillerSaid = true;
                        if (!say(toolFiller + " ")) {
                            return null;
                        }
                    }
                    try {
                        // A result that came while the filler was being said counts, whatever the clock says now.
                        return result.get(result.isDone() ? 0 : POLL_MS, TimeUnit.MILLISECONDS);
                    } catch (TimeoutException e) {
                        if (nanoTime.getAsLong() - started >= toolTimeoutNanos) {
                            fail(new LlmException("tool " + call.name() + " gave no result within "
                                    + toolTimeoutNanos / 1_000_000 + " ms"));
                            return null;
                        }
                    } catch (ExecutionException e) {
                        // The model decides what to say about a failed tool, as with LangChain4j's AI services.
                        return "The tool " + call.name() + " failed: " + describe(e.getCause());
                    }
                }
            } finally {
                if (!result.isDone()) {
                    worker.interrupt();
                }
            }
        }
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    /** Configures an {@link LlmResponder}. */
    public static final class Builder {
        private final StreamingChatModel model;
        private String systemPrompt;
        private String apology = "Sorry, I can't answer that right now.";
        private Duration firstTokenTimeout = Duration.ofSeconds(10);
        private Duration stallTimeout = Duration.ofSeconds(5);
        private final List<ToolSpecification> toolSpecifications = new ArrayList<>();
        private final Map<String, ToolExecutor> toolExecutors = new LinkedHashMap<>();
        private String toolFiller = "One moment.";
        private Duration toolFillerAfter = Duration.ZERO;
        private Duration toolTimeout = Duration.ofSeconds(10);
        private int maxToolRounds = 5;
        private LongSupplier nanoTime = System::nanoTime;

        private Builder(StreamingChatModel model) {
            this.model = Objects.requireNonNull(model, "model");
        }

        /**
         * The system prompt, sent first in every request; none by default.
         *
         * @param prompt the prompt, or null for none
         * @return this builder
         */
        public Builder systemPrompt(String prompt) {
            this.systemPrompt = prompt;
            return this;
        }

        /**
         * Said when the model fails, stalls or does not answer in time; empty says nothing (the event remains).
         *
         * @param text what to say, or empty for nothing
         * @return this builder
         */
        public Builder apology(String text) {
            this.apology = Objects.requireNonNull(text, "apology").strip();
            return this;
        }

        /**
         * The longest wait from the request to the model's first token (text or tool call); 10 s by default.
         *
         * @param timeout how long
         * @return this builder
         */
        public Builder firstTokenTimeout(Duration timeout) {
            this.firstTokenTimeout = positive("firstTokenTimeout", timeout);
            return this;
        }

        /**
         * The longest silence of the stream after its first token; 5 s by default.
         *
         * @param timeout how long
         * @return this builder
         */
        public Builder stallTimeout(Duration timeout) {
            this.stallTimeout = positive("stallTimeout", timeout);
            return this;
        }

        /**
         * Tools from objects with LangChain4j {@link Tool @Tool} methods, as for LangChain4j's AI services.
         *
         * @param objectsWithTools objects with @Tool methods
         * @return this builder
         */
        public Builder tools(Object... objectsWithTools) {
            for (Object o : objectsWithTools) {
                boolean any = false;
                for (Method m : o.getClass().getDeclaredMethods()) {
                    if (m.isAnnotationPresent(Tool.class)) {
                        tool(ToolSpecifications.toolSpecificationFrom(m), new DefaultToolExecutor(o, m));
                        any = true;
                    }
                }
                if (!any) {
                    throw new IllegalArgumentException(o.getClass().getName() + " has no @Tool methods");
                }
            }
            return this;
        }

        /**
         * One tool: its specification, shown to the model, and what runs it.
         *
         * @param specification the tool as the model sees it
         * @param executor runs a call of it
         * @return this builder
         */
        public Builder tool(ToolSpecification specification, ToolExecutor executor) {
            Objects.requireNonNull(specification, "specification");
            Objects.requireNonNull(executor, "executor");
            if (toolExecutors.putIfAbsent(specification.name(), executor) != null) {
                throw new IllegalArgumentException("two tools are called " + specification.name());
            }
            toolSpecifications.add(specification);
            return this;
        }

        /**
         * What to say once a tool has run for {@code after} (once per answer); "One moment." at once by default,
         * empty for nothing.
         *
         * @param text what to say, or empty for nothing
         * @param after how long a tool runs before it
         * @return this builder
         */
        public Builder toolFiller(String text, Duration after) {
            this.toolFiller = Objects.requireNonNull(text, "toolFiller").strip();
            this.toolFillerAfter = Objects.requireNonNull(after, "after");
            if (after.isNegative()) {
                throw new IllegalArgumentException("toolFiller delay must not be negative, was " + after);
            }
            return this;
        }

        /**
         * The longest a tool may run before the answer fails with the apology; 10 s by default.
         *
         * @param timeout how long
         * @return this builder
         */
        public Builder toolTimeout(Duration timeout) {
            this.toolTimeout = positive("toolTimeout", timeout);
            return this;
        }

        /**
         * How many times one answer may go back to the model with tool results; 5 by default.
         *
         * @param rounds the limit
         * @return this builder
         */
        public Builder maxToolRounds(int rounds) {
            if (rounds < 1) {
                throw new IllegalArgumentException("maxToolRounds must be at least 1, was " + rounds);
            }
            this.maxToolRounds = rounds;
            return this;
        }

        /** Tests only: the time base of the timeouts (the waits stay real, {@value LlmResponder#POLL_MS} ms at most). */
        Builder nanoTime(LongSupplier source) {
            this.nanoTime = Objects.requireNonNull(source);
            return this;
        }

        /** {@return the responder} */
        public LlmResponder build() {
            return new LlmResponder(this);
        }

        private static Duration positive(String name, Duration d) {
            Objects.requireNonNull(d, name);
            if (d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException(name + " must be positive, was " + d);
            }
            return d;
        }
    }
}
