package io.github.voicechat.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.voicechat.testkit.ChatCompletionServer;
import io.github.voicechat.testkit.ChatCompletionServer.Message;
import io.github.voicechat.testkit.ChatCompletionServer.Reply;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code voicechat serve}: the page, /ready and sessions with the real engines, through the command's options; the
 * {@code --llm-*} options answer with a real OpenAI-compatible streaming server on 127.0.0.1; every mistake is
 * reported before an engine loads.
 */
class ServeCommandTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void servesThePageAndASessionWithTheChosenEngines() throws Exception {
        ServeCommand serve = new ServeCommand();
        new CommandLine(serve).parseArgs("--port", "0", "--max-sessions", "1", "--vad", "silero", "--asr", "sphinx",
                "--tts", "freetts", "--token", "s3cret");
        ServeCommand.Running running = serve.start();
        try {
            assertThat(running.asr()).startsWith("sphinx");
            HttpClient http = HttpClient.newHttpClient();
            URI page = running.server().pageUri();
            assertThat(page.getHost()).isEqualTo("127.0.0.1");
            HttpResponse<String> index = http.send(HttpRequest.newBuilder(page).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(index.statusCode()).isEqualTo(200);
            assertThat(index.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
            assertThat(index.body()).contains("<title>voicechat</title>").contains("app.js");
            HttpResponse<String> ready = http.send(HttpRequest.newBuilder(page.resolve("/ready")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ready.body()).contains("\"ready\":true").contains("\"maxSessions\":1");

            Messages messages = new Messages();
            WebSocket ws = http.newWebSocketBuilder().header("Authorization", "Bearer s3cret")
                    .buildAsync(running.server().websocketUri(), messages).get(10, TimeUnit.SECONDS);
            ws.sendText("{\"type\":\"hello\",\"v\":1}", true).join();
            messages.awaitState("LISTENING");
            HttpResponse<String> busy = http.send(HttpRequest.newBuilder(page.resolve("/ready")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(busy.statusCode()).isEqualTo(503);

            // /metrics and /health over HTTP: one session open, no turn yet; then a typed turn, answered and played.
            String tags = "{asr=\"" + running.asr() + "\",responder=\"echo\",tts=\"" + running.tts() + "\",vad=\""
                    + running.vad() + "\"}";
            HttpResponse<String> metrics = get(http, page.resolve("/metrics"));
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("content-type"))
                    .hasValue("text/plain; version=0.0.4; charset=utf-8");
            assertThat(metrics.body()).contains("# TYPE voicechat_sessions_active gauge",
                    "voicechat_sessions_active" + tags + " 1.0", "voicechat_turns_total" + tags + " 0.0",
                    "jvm_memory_used_bytes", "process_uptime_seconds");
            HttpResponse<String> health = get(http, page.resolve("/health"));
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.headers().firstValue("content-type")).hasValue("application/json; charset=utf-8");
            assertThat(health.body()).isEqualTo("{\"status\":\"up\",\"sessions\":1,\"maxSessions\":1}\n");

            ws.sendText("{\"type\":\"text\",\"text\":\"hello there\"}", true).join();
            assertThat(messages.awaitType("turn").get("playedText").asText()).isEqualTo("You said: hello there.");
            String after = get(http, page.resolve("/metrics")).body();
            assertThat(after).contains("voicechat_turns_total" + tags + " 1.0",
                    "voicechat_first_audio_seconds_count" + tags + " 1", "voicechat_bargeins_total" + tags + " 0.0",
                    // Two synthesis calls: the session cuts "You said: hello there." after the colon.
                    "voicechat_tts_first_frame_seconds_count" + tags + " 2",
                    "voicechat_output_queued_frames" + tags);
            assertThat(after).doesNotContain("hello there");
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
            assertThat(running.bridge().awaitNoSessions(WAIT)).isTrue();
            assertThat(get(http, page.resolve("/metrics")).body()).contains(
                    "voicechat_sessions_active" + tags + " 0.0", "voicechat_sessions_ended_total" + tags + " 1.0");
        } finally {
            running.stop();
        }
        assertThat(running.bridge().activeSessions()).isZero();
    }

    private static HttpResponse<String> get(HttpClient http, URI uri) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The --llm-* mixin on serve: a typed turn in a browser session is answered by the model, spoken, and traced. */
    @Test
    void theLlmOptionsMakeTheModelAnswerEachSession() throws Exception {
        try (ChatCompletionServer model = ChatCompletionServer.start()) {
            model.enqueue(Reply.text("Hello from the model. How can I help?").withFirstTokenDelayMs(50)
                    .withTokenDelayMs(10));
            Path prompt = Files.writeString(dir.resolve("prompt.txt"), "You answer web visitors briefly.\n");
            ServeCommand serve = new ServeCommand();
            // As VoicechatCli parses it: "@FILE" is --system's own value, not one of picocli's argument files.
            new CommandLine(serve).setExpandAtFiles(false).parseArgs("--port", "0", "--vad", "silero", "--asr",
                    "sphinx", "--tts", "freetts", "--llm-url", model.baseUrl(), "--llm-model", "web-1", "--system",
                    "@" + prompt);
            ServeCommand.Running running = serve.start();
            try {
                HttpClient http = HttpClient.newHttpClient();
                Messages messages = new Messages();
                WebSocket ws = http.newWebSocketBuilder()
                        .buildAsync(running.server().websocketUri(), messages).get(10, TimeUnit.SECONDS);
                ws.sendText("{\"type\":\"hello\",\"v\":1}", true).join();
                messages.awaitState("LISTENING");
                ws.sendText("{\"type\":\"text\",\"text\":\"hi there\"}", true).join();

                JsonNode turn = messages.awaitType("turn");
                assertThat(turn.get("transcript").asText()).isEqualTo("hi there");
                assertThat(turn.get("playedText").asText()).isEqualTo("Hello from the model. How can I help?");
                assertThat(turn.get("modelFirstTokenMs").asDouble()).isGreaterThanOrEqualTo(50.0);
                assertThat(turn.get("modelFirstClauseMs").asDouble())
                        .isGreaterThan(turn.get("modelFirstTokenMs").asDouble());
                assertThat(messages.audibleBytes.get()).as("the answer's audio reached the client").isPositive();
                ChatCompletionServer.Request request = model.requests().get(0);
                assertThat(request.body().path("model").asText()).isEqualTo("web-1");
                assertThat(request.messages()).containsExactly(
                        new Message("system", "You answer web visitors briefly."), new Message("user", "hi there"));
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
            } finally {
                running.stop();
            }
        }
    }

    @Test
    void mistakesAreReportedBeforeAnyEngineLoads() throws Exception {
        refused("--port 70000: port must be 0..65535, was 70000", "--port", "70000");
        refused("--max-sessions 0: must be at least 1", "--max-sessions", "0");
        refused("--idle-timeout 0: must be at least 1 second", "--idle-timeout", "0");
        refused("--allow-origin app.example.com: expected scheme://host[:port]", "--allow-origin", "app.example.com");
        refused("--allow-origin https://app.example.com/page: expected", "--allow-origin",
                "https://app.example.com/page");
        refused("--vad-option: engine option must be key=value", "--vad-option", "threshold");
        refused("--llm-model needs --llm-url", "--llm-model", "m");
        refused("--llm-url needs --llm-model NAME", "--llm-url", "http://127.0.0.1:9/v1");
        refused("--system @" + dir.resolve("absent.txt") + ": cannot read", "--llm-url", "http://127.0.0.1:9/v1",
                "--llm-model", "m", "--system", "@" + dir.resolve("absent.txt"));
        // A malformed address (no name lookup needed, so this holds offline), and one that is not this machine's.
        refused("--host [::1: unknown host", "--host", "[::1");
        refused("cannot listen on 192.0.2.1:0", "--host", "192.0.2.1", "--port", "0", "--token", "t");
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getByName("127.0.0.1"))) {
            refused("cannot listen on 127.0.0.1:" + taken.getLocalPort(), "--port",
                    String.valueOf(taken.getLocalPort()), "--vad", "silero", "--asr", "sphinx", "--tts", "freetts");
        }
        // Origins that are fine are accepted as given.
        ServeCommand.checkOrigin("*");
        ServeCommand.checkOrigin("https://app.example.com");
        ServeCommand.checkOrigin("http://127.0.0.1:3000/");
    }

    /** {@code serve ARGS} exits 2 with one error line containing {@code message}, nothing loaded or served. */
    private static void refused(String message, String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "serve";
        System.arraycopy(args, 0, all, 1, args.length);
        CliCommandsTest.Result r = CliCommandsTest.cli(all);
        assertThat(r.code()).as("exit code for %s; stderr: %s", List.of(args), r.err()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).as("%s", List.of(args)).startsWith("error: ").contains(message)
                .doesNotContain("loading").doesNotContain("Usage:");
        assertThat(r.out()).as("%s", List.of(args)).doesNotContain("serving");
    }

    /** Protocol v1 messages as they arrive; audio is counted, not kept. */
    private static final class Messages implements WebSocket.Listener {
        private static final ObjectMapper JSON = new ObjectMapper();
        final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
        final AtomicLong audibleBytes = new AtomicLong();
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                try {
                    received.add(JSON.readTree(text.toString()));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                text.setLength(0);
            }
            socket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket socket, ByteBuffer data, boolean last) {
            while (data.hasRemaining()) {
                if (data.get() != 0) {
                    audibleBytes.incrementAndGet();
                }
            }
            socket.request(1);
            return null;
        }

        JsonNode awaitType(String type) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (true) {
                JsonNode m = received.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                assertThat(m).as("a %s message within %s", type, WAIT).isNotNull();
                if (m.path("type").asText().equals(type)) {
                    return m;
                }
            }
        }

        void awaitState(String state) throws InterruptedException {
            while (!awaitType("state").path("to").asText().equals(state)) {
                // earlier states
            }
        }
    }
}
