package io.github.voicechat.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.voicechat.examples.CliCommandsTest.Result;
import io.github.voicechat.testkit.ChatCompletionServer;
import io.github.voicechat.testkit.ChatCompletionServer.Message;
import io.github.voicechat.testkit.ChatCompletionServer.Reply;
import io.github.voicechat.testkit.SharedData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code talk} with a language model: the real default engines (Silero, Sphinx4, FreeTTS) on real recordings, and a
 * real OpenAI-compatible streaming server on 127.0.0.1 reached through LangChain4j's OpenAI client.
 */
class TalkWithModelTest {

    @TempDir
    Path dir;

    private ChatCompletionServer server;

    @BeforeEach
    void startServer() throws Exception {
        server = ChatCompletionServer.start();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    /** An environment variable this process has, to stand for an API key. */
    private static String someEnvironmentVariable() {
        String name = Stream.of("HOME", "PATH", "USER").filter(v -> System.getenv(v) != null).findFirst()
                .orElse(null);
        Assumptions.assumeTrue(name != null, "skipped: none of HOME, PATH, USER is set to stand for a key");
        return name;
    }

    @Test
    void talkWithARecordingAsksTheModelAndSpeaksItsAnswer() throws Exception {
        Path speech = SharedData.requireSpeech();
        server.enqueue(Reply.text("Going forward ten meters now. Tell me when to stop.").withFirstTokenDelayMs(50)
                .withTokenDelayMs(20));
        Path prompt = Files.writeString(dir.resolve("prompt.txt"), "You drive a robot. Answer briefly.\n",
                StandardCharsets.UTF_8);
        String keyVar = someEnvironmentVariable();
        Path json = dir.resolve("report.json");

        Result r = CliCommandsTest.cli("talk", "--in", speech.resolve("pocketsphinx_goforward.wav").toString(),
                "--out", dir.resolve("s.wav").toString(), "--report", json.toString(),
                "--llm-url", server.baseUrl(), "--llm-model", "robot-1", "--llm-key-env", keyVar,
                "--system", "@" + prompt);

        assertThat(r.code()).as(r.err()).isZero();
        JsonNode turn = new ObjectMapper().readTree(json.toFile()).get("turns").get(0);
        assertThat(turn.get("transcript").asText()).contains("forward");
        assertThat(turn.get("played_text").asText()).isEqualTo("Going forward ten meters now. Tell me when to stop.");
        // The latency trace reaches the report and the timeline.
        double firstToken = turn.get("model_first_token_ms").asDouble();
        assertModelLatency(turn, firstToken, 50.0);
        assertThat(turn.get("model_first_clause_ms").asDouble()).isGreaterThan(firstToken);
        assertThat(r.out()).contains("responder=robot-1 at " + server.baseUrl()).contains("model: first token ");

        ChatCompletionServer.Request request = server.requests().get(0);
        assertThat(request.body().path("model").asText()).isEqualTo("robot-1");
        assertThat(request.body().path("stream").asBoolean()).isTrue();
        assertThat(request.authorization()).isEqualTo("Bearer " + System.getenv(keyVar));
        assertThat(request.messages()).containsExactly(
                new Message("system", "You drive a robot. Answer briefly."),
                new Message("user", turn.get("transcript").asText()));
    }

    @Test
    void theDemoHoldsASpokenConversationWithTheModelAndIsInterrupted() throws Exception {
        server.fallback(request -> Reply.text(ChatCompletionServer.demoAnswer(request.lastUserText()))
                .withFirstTokenDelayMs(100).withTokenDelayMs(15));
        Path json = dir.resolve("report.json");

        Result r = CliCommandsTest.cli("talk", "--demo", "--out", dir.resolve("s.wav").toString(),
                "--report", json.toString(), "--llm-url", server.baseUrl(), "--llm-model", "scripted");

        assertThat(r.code()).as(r.err()).isZero();
        JsonNode report = new ObjectMapper().readTree(json.toFile());
        JsonNode turns = report.get("turns");
        assertThat(turns).hasSize(4);
        assertThat(report.at("/totals/barge_ins").asInt()).isEqualTo(1);
        List<ChatCompletionServer.Request> requests = server.requests();
        assertThat(requests).hasSize(4);
        // The second answer (the news) was cut by "stop that please"; the model then heard only what was played.
        JsonNode cut = turns.get(1);
        assertThat(cut.get("barged_in").asBoolean()).isTrue();
        String played = cut.get("played_text").asText();
        assertThat(cut.get("response_text").asText()).startsWith(played);
        assertThat(played.length()).isLessThan(cut.get("response_text").asText().length());
        List<Message> third = requests.get(2).messages();
        assertThat(third.get(third.size() - 2)).isEqualTo(new Message("assistant", played));
        // Every other answer came from the model and was played in full, and the history grew turn by turn.
        for (int i : new int[] {0, 2, 3}) {
            JsonNode t = turns.get(i);
            assertThat(t.get("played_text").asText()).isEqualTo(
                    ChatCompletionServer.demoAnswer(t.get("transcript").asText()));
            assertModelLatency(t, t.get("model_first_token_ms").asDouble(), 100.0);
        }
        assertThat(requests.get(3).messages()).hasSize(1 + 2 * 3 + 1);
    }

    /**
     * The model's first token is timed from the end of the user's turn. An answer asked for at that end cannot come
     * sooner than the server's first-token delay; one asked for speculatively at a pause and kept may have come
     * before the end of the turn was confirmed (a negative time: the speculation's gain), so then the trace must
     * only be there, with the turn saying it was speculative.
     */
    private static void assertModelLatency(JsonNode turn, double firstTokenMs, double serverDelayMs) {
        assertThat(firstTokenMs).as("model_first_token_ms").isFinite();
        if (turn.get("speculative_kept").asBoolean()) {
            assertThat(turn.get("speculative_starts").asInt()).isPositive();
        } else {
            assertThat(firstTokenMs).isGreaterThanOrEqualTo(serverDelayMs);
        }
    }

    @Test
    void modelOptionsAreCheckedBeforeAnyEngineLoads() throws Exception {
        String url = server.baseUrl();
        refused(List.of("talk", "--demo", "--llm-model", "m"), "--llm-model needs --llm-url");
        refused(List.of("talk", "--demo", "--system", "be brief"), "--system needs --llm-url");
        refused(List.of("talk", "--demo", "--llm-url", url), "--llm-url needs --llm-model NAME");
        refused(List.of("talk", "--demo", "--llm-url", "localhost:11434", "--llm-model", "m"),
                "expected an http(s) URL");
        refused(List.of("talk", "--demo", "--llm-url", url, "--llm-model", "m", "--llm-key-env",
                "VOICECHAT_NO_SUCH_VARIABLE_7f3a"), "VOICECHAT_NO_SUCH_VARIABLE_7f3a: that environment variable is not set");
        Path absent = dir.resolve("absent.txt");
        refused(List.of("talk", "--demo", "--llm-url", url, "--llm-model", "m", "--system", "@" + absent),
                "--system @" + absent + ": cannot read " + absent + ": no such file");
        Path empty = Files.writeString(dir.resolve("empty.txt"), " \n");
        refused(List.of("talk", "--demo", "--llm-url", url, "--llm-model", "m", "--system", "@" + empty),
                "--system @" + empty + ": the file is empty");
        Path latin1 = Files.write(dir.resolve("latin1.txt"), new byte[] {'c', 'a', 'f', (byte) 0xE9});
        refused(List.of("talk", "--demo", "--llm-url", url, "--llm-model", "m", "--system", "@" + latin1),
                latin1 + " is not UTF-8 text");
        // live checks them before it opens a sound device or loads an engine.
        refused(List.of("live", "--llm-url", url, "--llm-model", "m", "--system", "@" + absent), "cannot read");
        refused(List.of("live", "--llm-url", url, "--llm-model", "m", "--system", "@" + dir), "cannot read " + dir);
        assertThat(server.requests()).isEmpty();
    }

    /** A usage error (exit 2) as one {@code error:} line, before any engine loaded and before any file was written. */
    private void refused(List<String> args, String message) {
        Path out = dir.resolve("s.wav");
        Path report = dir.resolve("r.json");
        List<String> all = new java.util.ArrayList<>(args);
        if (args.get(0).equals("talk")) {
            all.addAll(List.of("--out", out.toString(), "--report", report.toString()));
        }
        Result r = CliCommandsTest.cli(all.toArray(String[]::new));
        assertThat(r.code()).as("exit code for %s; stderr: %s", args, r.err()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).as("%s", args).startsWith("error: ").contains(message).doesNotContain("loading")
                .doesNotContain("Usage:");
        assertThat(r.out()).as("%s", args).doesNotContain("wrote").doesNotContain("listening");
        assertThat(out).doesNotExist();
        assertThat(report).doesNotExist();
    }
}
