package io.github.voicechat.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import io.github.voicechat.ConversationTurn;
import io.github.voicechat.ResponderRequest;
import io.github.voicechat.ResponseSink;
import io.github.voicechat.testkit.ChatCompletionServer;
import io.github.voicechat.testkit.ChatCompletionServer.Message;
import io.github.voicechat.testkit.ChatCompletionServer.Outcome;
import io.github.voicechat.testkit.ChatCompletionServer.Reply;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The responder alone, writing to a sink the test controls (no session): the corners that a whole session makes
 * hard to reach, against the real local server, and two timing rules with in-memory models on hand-moved time.
 */
class LlmResponderSinkTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    /** For in-memory models: nothing to cancel. */
    private static final PartialResponseContext IN_MEMORY = new PartialResponseContext(new StreamingHandle() {
        @Override
        public void cancel() {
        }

        @Override
        public boolean isCancelled() {
            return false;
        }
    });

    private ChatCompletionServer server;

    /** Records what the responder writes and reports; {@code onText} decides what {@code text} returns. */
    static final class Sink implements ResponseSink {
        final StringBuffer text = new StringBuffer();
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        volatile boolean cancelled;
        volatile int firstTokens;
        volatile Predicate<String> onText = chunk -> true;

        @Override
        public boolean text(String chunk) {
            text.append(chunk);
            return onText.test(chunk) && !cancelled;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public void firstToken() {
            firstTokens++;
        }

        @Override
        public void reportError(Throwable error) {
            errors.add(error);
        }
    }

    @BeforeEach
    void startServer() throws Exception {
        server = ChatCompletionServer.start();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private LlmResponder.Builder responder() {
        return LlmResponder.builder(OpenAiCompatible.streamingModel(server.baseUrl(), "scripted", null));
    }

    private static ResponderRequest ask(String text) {
        return new ResponderRequest(text, List.of());
    }

    @Test
    void aClauseThatTakesLongToPlayIsNotAStall() throws Exception {
        // Writing a clause blocks for as long as the session needs to make room for its audio; the model may finish
        // meanwhile. Here a model delivers its whole answer at once, and the first write takes a minute of the
        // responder's (hand-moved) time: the queued tokens are what the model said, not a stall.
        StreamingChatModel instant = new StreamingChatModel() {
            @Override
            public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
                for (String token : List.of("First clause. ", "And", " the", " rest", ".")) {
                    handler.onPartialResponse(new PartialResponse(token), IN_MEMORY);
                }
                handler.onCompleteResponse(ChatResponse.builder()
                        .aiMessage(AiMessage.from("First clause. And the rest.")).build());
            }
        };
        AtomicLong now = new AtomicLong(1_000_000_000L);
        Sink sink = new Sink();
        sink.onText = chunk -> {
            now.addAndGet(Duration.ofMinutes(1).toNanos());
            return true;
        };

        LlmResponder.builder(instant).stallTimeout(Duration.ofMillis(1)).nanoTime(now::get).build()
                .respond(ask("go"), sink);

        assertThat(sink.errors).isEmpty();
        assertThat(sink.text.toString()).isEqualTo("First clause. And the rest.");
        assertThat(sink.firstTokens).isEqualTo(1);
    }

    @Test
    void aModelThatStopsIsAStallInTheSameTimeBase() throws Exception {
        AtomicLong now = new AtomicLong(1_000_000_000L);
        StreamingChatModel stops = new StreamingChatModel() {
            @Override
            public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
                handler.onPartialResponse(new PartialResponse("Half a"), IN_MEMORY);
                now.addAndGet(Duration.ofSeconds(6).toNanos()); // and nothing more, ever
            }
        };
        Sink sink = new Sink();

        LlmResponder.builder(stops).apology("Sorry.").nanoTime(now::get).build().respond(ask("go"), sink);

        assertThat(sink.errors).singleElement().extracting(Throwable::getMessage)
                .isEqualTo("the model's stream stalled: nothing for 5000 ms");
        assertThat(sink.text.toString()).isEqualTo("Sorry. ");
    }

    @Test
    void cancellingBeforeTheFirstTokenClosesTheConnection() throws Exception {
        // A barge-in while the model is still thinking: there is no LangChain4j StreamingHandle yet.
        server.enqueue(Reply.silentAfterHeaders());
        Sink sink = new Sink();
        CompletableFuture<Void> answered = CompletableFuture.runAsync(() -> {
            try {
                responder().build().respond(ask("go"), sink);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        ChatCompletionServer.Request request = server.awaitRequest(WAIT);
        long cancelled = System.nanoTime();
        sink.cancelled = true;

        answered.get(20, TimeUnit.SECONDS);
        assertThat(request.awaitOutcome(WAIT)).isEqualTo(Outcome.DISCONNECTED);
        assertThat((request.endedNanos().get() - cancelled) / 1e6).as("cancel -> closed, ms").isLessThan(1000.0);
        assertThat(sink.text.toString()).isEmpty();
        assertThat(sink.errors).isEmpty();
    }

    @Test
    void historyAndSystemPromptMakeTheConversation() throws Exception {
        server.enqueue(Reply.text("Yes."));
        ResponderRequest request = new ResponderRequest("and now?", List.of(
                new ConversationTurn(ConversationTurn.Role.USER, "tell me a story"),
                new ConversationTurn(ConversationTurn.Role.ASSISTANT, "Once upon a"),
                new ConversationTurn(ConversationTurn.Role.USER, "stop")));

        responder().systemPrompt("Be brief.").build().respond(request, new Sink());

        assertThat(server.requests().get(0).messages()).containsExactly(new Message("system", "Be brief."),
                new Message("user", "tell me a story"), new Message("assistant", "Once upon a"),
                new Message("user", "stop"), new Message("user", "and now?"));
    }

    static final class Tools {
        final CountDownLatch interrupted = new CountDownLatch(1);

        @Tool("Breaks")
        String broken(@P(name = "x", value = "anything") String x) {
            throw new IllegalStateException("the sensor is unplugged");
        }

        @Tool("Never answers")
        String hang(@P(name = "x", value = "anything") String x) {
            try {
                new CountDownLatch(1).await();
                return "impossible";
            } catch (InterruptedException e) {
                interrupted.countDown();
                return "interrupted";
            }
        }
    }

    @Test
    void aFailingToolIsReportedToTheModelWhichAnswersAnyway() throws Exception {
        server.enqueue(Reply.toolCall("c1", "broken", "{\"x\":\"1\"}"), Reply.text("The sensor is unplugged."));
        Sink sink = new Sink();

        responder().tools(new Tools()).toolFiller("", Duration.ZERO).build().respond(ask("check"), sink);

        assertThat(server.requests().get(1).messages().get(2).content()).contains("the sensor is unplugged");
        assertThat(sink.text.toString()).isEqualTo("The sensor is unplugged.");
        assertThat(sink.errors).isEmpty();
    }

    @Test
    void aToolThatNeverAnswersEndsTheAnswerWithTheApologyAndIsInterrupted() throws Exception {
        server.enqueue(Reply.toolCall("c1", "hang", "{\"x\":\"1\"}"));
        Tools tools = new Tools();
        Sink sink = new Sink();

        responder().tools(tools).toolTimeout(Duration.ofMillis(300)).apology("Sorry.").build()
                .respond(ask("check"), sink);

        assertThat(sink.text.toString()).isEqualTo("One moment. Sorry. ");
        assertThat(sink.errors).singleElement().extracting(Throwable::getMessage)
                .isEqualTo("tool hang gave no result within 300 ms");
        assertThat(tools.interrupted.await(20, TimeUnit.SECONDS)).as("the tool's thread was interrupted").isTrue();
    }

    @Test
    void anUnknownToolAndTooManyToolRoundsAreHandled() throws Exception {
        ToolSpecification known = ToolSpecification.builder().name("ping").description("pings").build();
        server.enqueue(Reply.toolCall("c1", "nonexistent", "{}"), Reply.toolCall("c2", "ping", "{}"));
        Sink sink = new Sink();

        responder().tool(known, (request, memoryId) -> "pong").maxToolRounds(1).apology("Sorry.").build()
                .respond(ask("go"), sink);

        assertThat(server.requests()).hasSize(2);
        assertThat(server.requests().get(1).messages().get(2).content())
                .isEqualTo("There is no tool called nonexistent.");
        assertThat(sink.errors).singleElement().extracting(Throwable::getMessage)
                .isEqualTo("the model asked for tools more than 1 times in one answer");
        assertThat(sink.text.toString()).endsWith("Sorry. ");
    }

    @Test
    void badSettingsAreRefused() {
        LlmResponder.Builder b = responder();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> b.firstTokenTimeout(Duration.ZERO))
                .hasMessageContaining("firstTokenTimeout must be positive");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> b.tools(new Object()))
                .hasMessageContaining("has no @Tool methods");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> OpenAiCompatible.streamingModel("localhost:11434", "m", null))
                .hasMessageContaining("expected an http(s) URL");
    }
}
