package io.github.voicechat.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import io.github.voicechat.SessionEvent;
import io.github.voicechat.SessionReport;
import io.github.voicechat.SessionState;
import io.github.voicechat.TurnReport;
import io.github.voicechat.VoicePipeline;
import io.github.voicechat.VoiceSession;
import io.github.voicechat.audio.AudioSinks;
import io.github.voicechat.audio.AudioSources;
import io.github.voicechat.testkit.ChatCompletionServer;
import io.github.voicechat.testkit.ChatCompletionServer.Message;
import io.github.voicechat.testkit.ChatCompletionServer.Outcome;
import io.github.voicechat.testkit.ChatCompletionServer.Reply;
import io.github.voicechat.testkit.EnergyVad;
import io.github.voicechat.testkit.Scenario;
import io.github.voicechat.testkit.ScriptedRecognizer;
import io.github.voicechat.testkit.SineSynthesizer;
import io.github.voicechat.time.VirtualClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The responder in whole sessions against a real OpenAI-compatible server on 127.0.0.1 ({@link ChatCompletionServer}),
 * through the real LangChain4j OpenAI client over real HTTP and server-sent events. The session runs on the virtual
 * clock (exact audio time); the model's tokens come in real time, as scripted per test. No test sleeps: waits are
 * latches and futures with timeouts.
 */
class LlmResponderTest {

    private static final String APOLOGY = "Sorry, I can't answer that right now.";
    private static final Duration WAIT = Duration.ofSeconds(20);

    private ChatCompletionServer server;
    private final LlmSessionRun run = new LlmSessionRun();

    @BeforeEach
    void startServer() throws Exception {
        server = ChatCompletionServer.start();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private StreamingChatModel model() {
        return OpenAiCompatible.streamingModel(server.baseUrl(), "scripted", null);
    }

    /** The defaults (first token within 10 s, no stall over 5 s): generous, as timing is not what these test. */
    private LlmResponder.Builder responder() {
        return LlmResponder.builder(model());
    }

    /** The limit under test, short; the other stays generous, so that a busy machine cannot trip it. */
    private static final Duration LIMIT = Duration.ofMillis(1500);

    /**
     * Loads the HTTP, JSON and LangChain4j classes once, so that the 1.5 s limits of the tests below measure the
     * scripted server, not this JVM's first request (a fresh process's first turn is the benchmark's business).
     */
    @BeforeAll
    static void warmUp() throws Exception {
        try (ChatCompletionServer warm = ChatCompletionServer.start()) {
            warm.enqueue(Reply.text("Warm."), Reply.text("Warm."));
            for (Function<String, StreamingChatModel> model : List.of(OURS, THEIRS)) {
                CompletableFuture<ChatResponse> done = new CompletableFuture<>();
                model.apply(warm.baseUrl()).chat(ChatRequest.builder().messages(UserMessage.from("hi")).build(),
                        new StreamingChatResponseHandler() {
                            @Override
                            public void onCompleteResponse(ChatResponse response) {
                                done.complete(response);
                            }

                            @Override
                            public void onError(Throwable error) {
                                done.completeExceptionally(error);
                            }
                        });
                assertThat(done.get(30, TimeUnit.SECONDS).aiMessage().text()).isEqualTo("Warm.");
            }
        }
    }

    /** One user turn: speech 0.5-1.5 s, end of turn decided at 2.0 s, then quiet while the bot answers. */
    private static Scenario oneTurn() {
        return Scenario.at(16_000).silence(500).speech("u1", 1000).silence(1500);
    }

    /** Two user turns far enough apart that a short answer (or apology) to the first ends before the second. */
    private static Scenario twoTurns() {
        return Scenario.at(16_000).silence(500).speech("u1", 1000).silence(3000).speech("u2", 1000).silence(1500);
    }

    @Test
    void slowTokensAreSpokenClauseByClauseBeforeTheStreamEnds() throws Exception {
        Reply answer = Reply.text("The capital of France is Paris. It is a large city, with many museums and old"
                + " bridges.").withFirstTokenDelayMs(100).withTokenDelayMs(60);
        server.enqueue(answer);

        SessionReport report = run.run(oneTurn(), ScriptedRecognizer.of("what is the capital of France"),
                responder().build());

        ChatCompletionServer.Request request = server.requests().get(0);
        assertThat(request.awaitOutcome(WAIT)).isEqualTo(Outcome.COMPLETED);
        long streamEnded = request.endedNanos().get();
        // The first clause went to the synthesizer alone, while the model was still streaming the rest.
        assertThat(run.synthesizedTexts().get(0)).isEqualTo("The capital of France is Paris.");
        assertThat(run.synthesized.get(0).atNanos()).isLessThan(streamEnded);
        assertThat(run.synthesizedTexts()).containsExactly("The capital of France is Paris.",
                "It is a large city, with many museums and old bridges.");
        TurnReport turn = report.turns().get(0);
        assertThat(turn.playedText()).isEqualTo(answer.text());
        // The latency trace: the first token after the scripted 100 ms; the first clause once its eight tokens had
        // come (the period is known to end it at the next token's space), 7 x 60 ms after the first.
        assertThat(turn.modelFirstTokenMs()).isGreaterThanOrEqualTo(100.0);
        // (Lower bounds only, with slack for delivery jitter on a busy machine: timing figures belong in benchmarks.)
        assertThat(turn.modelFirstClauseMs() - turn.modelFirstTokenMs()).isGreaterThan(5 * 60.0);
        assertThat(run.events(SessionEvent.EngineError.class)).isEmpty();
    }

    private static final Function<String, StreamingChatModel> OURS =
            url -> OpenAiCompatible.streamingModel(url, "scripted", null);
    /** LangChain4j's own JDK client: cancellation only through its StreamingHandle. */
    private static final Function<String, StreamingChatModel> THEIRS =
            url -> OpenAiStreamingChatModel.builder().baseUrl(url).modelName("scripted").apiKey("no-key").build();

    static Stream<Arguments> clients() {
        return Stream.of(Arguments.of("voicechat http client", OURS), Arguments.of("LangChain4j jdk client", THEIRS));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("clients")
    void bargeInClosesTheStreamAtOnceAndTheNextRequestHoldsWhatWasHeard(String client,
            Function<String, StreamingChatModel> model) throws Exception {
        StringBuilder longAnswer = new StringBuilder();
        for (int i = 1; i <= 12; i++) {
            longAnswer.append("This is sentence number ").append(i).append(" of my long answer. ");
        }
        Reply answer = Reply.text(longAnswer.toString().strip()).withTokenDelayMs(25);
        server.enqueue(answer, Reply.text("Okay, I stop."));
        // The user interrupts 400 ms into the answer with a second of speech: confirmed after 200 ms of it.
        Scenario user = Scenario.at(16_000).silence(500).speech("u1", 1000).silence(900).speech("u2", 1000)
                .silence(1500);
        LlmResponder responder = LlmResponder.builder(model.apply(server.baseUrl()))
                .systemPrompt("You are a voice assistant.").build();

        SessionReport report = run.run(user, ScriptedRecognizer.of("tell me a long story", "stop"), responder);

        ChatCompletionServer.Request first = server.requests().get(0);
        assertThat(first.awaitOutcome(WAIT)).as("the server saw the client leave").isEqualTo(Outcome.DISCONNECTED);
        double closedAfterConfirmMs = (first.endedNanos().get() - run.confirmNanos.get(0)) / 1e6;
        // Closed by the confirm itself, not by the answer running out: the rest of the answer streams for about
        // 2 s more. The bound is loose for a loaded 2-core CI machine; the figure itself belongs to benchmarks.
        assertThat(closedAfterConfirmMs).as("confirm -> stream closed, ms").isBetween(0.0, 1_000.0);

        TurnReport cut = report.turns().get(0);
        assertThat(cut.bargedIn()).isTrue();
        assertThat(cut.playedText()).isNotEmpty();
        assertThat(answer.text()).startsWith(cut.playedText());
        assertThat(cut.playedText().length()).isLessThan(answer.text().length());
        // The next request tells the model exactly what the user heard of its answer, and no more.
        ChatCompletionServer.Request second = server.requests().get(1);
        assertThat(second.messages()).containsExactly(
                new Message("system", "You are a voice assistant."),
                new Message("user", "tell me a long story"),
                new Message("assistant", cut.playedText()),
                new Message("user", "stop"));
        assertThat(report.turns().get(1).playedText()).isEqualTo("Okay, I stop.");
    }

    @Test
    void anHttp500IsApologisedForAndTheSessionListensOn() throws Exception {
        assertApologyThenRecovery(Reply.status(500, "the model crashed"), responder(), "the model crashed", false);
    }

    @Test
    void aMalformedChunkIsApologisedFor() throws Exception {
        assertApologyThenRecovery(Reply.text("Well it depends on many things that I could now list for you at great"
                + " length").withMalformedChunkAfter(2).withTokenDelayMs(20), responder(), "the model failed", true);
    }

    @Test
    void aStalledStreamIsClosedAndApologisedForAfterWhatWasSaid() throws Exception {
        SessionReport report = assertApologyThenRecovery(
                Reply.text("The sky is blue. It is blue because").withStallAfter(8).withTokenDelayMs(20),
                responder().stallTimeout(LIMIT), "stalled: nothing for 1500 ms", true);
        // The complete clause was said; the half one was dropped, and the apology followed.
        assertThat(report.turns().get(0).playedText()).isEqualTo("The sky is blue. " + APOLOGY);
    }

    @Test
    void noFirstTokenWithinTheTimeoutClosesTheConnectionAndApologises() throws Exception {
        assertApologyThenRecovery(Reply.silentAfterHeaders(), responder().firstTokenTimeout(LIMIT),
                "no first token from the model within 1500 ms", true);
    }

    @Test
    void noResponseHeadersAtAllIsBoundedByTheFirstTokenTimeoutToo() throws Exception {
        assertApologyThenRecovery(Reply.noHeaders(), responder().firstTokenTimeout(LIMIT),
                "no first token from the model within 1500 ms", false);
    }

    /**
     * Turn 1 gets {@code failing} from the server: the apology is spoken, one error event names the problem, and the
     * session goes back to listening, so turn 2 is answered normally.
     */
    private SessionReport assertApologyThenRecovery(Reply failing, LlmResponder.Builder responder, String errorText,
            boolean serverSeesClose) throws Exception {
        server.enqueue(failing, Reply.text("Back again."));

        SessionReport report = run.run(twoTurns(), ScriptedRecognizer.of("first question", "second question"),
                responder.build());

        List<SessionEvent.EngineError> errors = run.events(SessionEvent.EngineError.class);
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0).message()).contains(errorText);
        assertThat(report.turns()).hasSize(2);
        assertThat(report.turns().get(0).playedText()).endsWith(APOLOGY);
        assertThat(run.synthesizedTexts()).contains(APOLOGY);
        assertThat(report.turns().get(0).bargedIn()).isFalse();
        assertThat(report.turns().get(1).transcript()).isEqualTo("second question");
        assertThat(report.turns().get(1).playedText()).isEqualTo("Back again.");
        // After the apology the session listened: SPEAKING -> LISTENING before the second turn started.
        List<SessionState> states = run.events(SessionEvent.StateChanged.class).stream()
                .map(SessionEvent.StateChanged::to).toList();
        assertThat(states).containsSubsequence(SessionState.THINKING, SessionState.SPEAKING,
                SessionState.LISTENING, SessionState.THINKING, SessionState.SPEAKING, SessionState.LISTENING);
        if (serverSeesClose) {
            assertThat(server.requests().get(0).awaitOutcome(WAIT)).isEqualTo(Outcome.DISCONNECTED);
        }
        return report;
    }

    /** A tool the model can call; it blocks until the filler has gone to the synthesizer, to prove the overlap. */
    static final class Weather {
        final List<String> cities = new CopyOnWriteArrayList<>();
        final CountDownLatch fillerSaid = new CountDownLatch(1);

        @Tool("The current temperature in a city")
        String currentTemperature(@P(name = "city", value = "the city") String city) throws InterruptedException {
            cities.add(city);
            if (!fillerSaid.await(20, TimeUnit.SECONDS)) {
                throw new IllegalStateException("no filler while the tool ran");
            }
            return "21 degrees Celsius";
        }
    }

    @Test
    void aToolCallRoundTripSaysTheFillerWhileTheToolRuns() throws Exception {
        server.enqueue(Reply.toolCall("call_1", "currentTemperature", "{\"city\":\"Paris\"}").withTokenDelayMs(10),
                Reply.text("It is 21 degrees in Paris.").withTokenDelayMs(10));
        Weather weather = new Weather();
        run.onSynthesis(text -> {
            if (text.equals("One moment.")) {
                weather.fillerSaid.countDown();
            }
        });

        SessionReport report = run.run(oneTurn(), ScriptedRecognizer.of("how warm is it in Paris"),
                responder().tools(weather).build());

        assertThat(weather.cities).containsExactly("Paris");
        assertThat(server.requests()).hasSize(2);
        assertThat(server.requests().get(0).toolNames()).containsExactly("currentTemperature");
        // The second request carries the model's tool call and the tool's result.
        ChatCompletionServer.Request second = server.requests().get(1);
        assertThat(second.messages()).extracting(Message::role).containsExactly("user", "assistant", "tool");
        assertThat(second.body().at("/messages/1/tool_calls/0/function/name").asText())
                .isEqualTo("currentTemperature");
        assertThat(second.body().at("/messages/2/tool_call_id").asText()).isEqualTo("call_1");
        assertThat(second.messages().get(2).content()).isEqualTo("21 degrees Celsius");
        assertThat(report.turns().get(0).playedText()).isEqualTo("One moment. It is 21 degrees in Paris.");
        assertThat(run.events(SessionEvent.EngineError.class)).isEmpty();
    }

    @Test
    void closingTheSessionMidAnswerClosesTheStream() throws Exception {
        StringBuilder longAnswer = new StringBuilder();
        for (int i = 1; i <= 40; i++) {
            longAnswer.append("Sentence ").append(i).append(" goes on. ");
        }
        server.enqueue(Reply.text(longAnswer.toString()).withTokenDelayMs(20));
        CountDownLatch speaking = new CountDownLatch(1);
        VoicePipeline pipeline = VoicePipeline.builder()
                .vad(EnergyVad::new)
                .asr(() -> ScriptedRecognizer.of("talk to me"))
                .tts(SineSynthesizer::new)
                .responder(responder().build())
                .clock(new VirtualClock())
                .listener(e -> {
                    if (e instanceof SessionEvent.FirstAudioPlayed) {
                        speaking.countDown();
                    }
                })
                .build();
        long closedAt;
        try (VoiceSession session = pipeline.openSession(
                AudioSources.memory(16_000, oneTurn().samples()), AudioSinks.memory(48_000))) {
            session.start();
            assertThat(speaking.await(20, TimeUnit.SECONDS)).isTrue();
            closedAt = System.nanoTime();
        }
        ChatCompletionServer.Request request = server.requests().get(0);
        assertThat(request.awaitOutcome(WAIT)).isEqualTo(Outcome.DISCONNECTED);
        assertThat((request.endedNanos().get() - closedAt) / 1e6).as("close -> stream closed, ms").isLessThan(1000);
    }
}
