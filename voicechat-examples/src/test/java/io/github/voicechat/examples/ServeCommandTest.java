package io.github.voicechat.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code voicechat serve}: the page, /ready and a session with the real engines, through the command's options. */
class ServeCommandTest {

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

            CompletableFuture<String> listening = new CompletableFuture<>();
            WebSocket ws = http.newWebSocketBuilder().header("Authorization", "Bearer s3cret")
                    .buildAsync(running.server().websocketUri(), new WebSocket.Listener() {
                        final StringBuilder text = new StringBuilder();

                        @Override
                        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                            text.append(data);
                            if (last) {
                                if (text.indexOf("\"to\":\"LISTENING\"") >= 0) {
                                    listening.complete(text.toString());
                                }
                                text.setLength(0);
                            }
                            socket.request(1);
                            return null;
                        }
                    }).get(10, TimeUnit.SECONDS);
            ws.sendText("{\"type\":\"hello\",\"v\":1}", true).join();
            assertThat(listening.get(60, TimeUnit.SECONDS)).contains("\"type\":\"state\"");
            HttpResponse<String> busy = http.send(HttpRequest.newBuilder(page.resolve("/ready")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(busy.statusCode()).isEqualTo(503);
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
        } finally {
            running.stop();
        }
        assertThat(running.bridge().activeSessions()).isZero();
    }

    @Test
    void aBadPortIsAClearError() {
        CliCommandsTest.Result r = CliCommandsTest.cli("serve", "--port", "70000");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("port must be 0..65535, was 70000");
    }

    @Test
    void aPortInUseIsAClearError() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getByName("127.0.0.1"))) {
            CliCommandsTest.Result r = CliCommandsTest.cli("serve", "--port", String.valueOf(taken.getLocalPort()),
                    "--vad", "silero", "--asr", "sphinx", "--tts", "freetts");
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).contains("cannot listen on 127.0.0.1:" + taken.getLocalPort());
        }
    }
}
