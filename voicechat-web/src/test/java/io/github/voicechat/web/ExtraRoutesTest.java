package io.github.voicechat.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Routes a host adds to the embedded server ({@code /metrics}, {@code /health}): served over real HTTP. */
class ExtraRoutesTest {

    @Test
    void extraRoutesAnswerGetAndHeadAndSurviveTheirOwnFailure() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        VoiceBridge bridge = VoiceBridge.builder(TestEdge.scriptedPipeline("hello")).build();
        try (WebServer server = WebServer.builder(bridge).port(0).ioThreads(1).servePage(false)
                .route("/hello", () -> HttpResponse.text(200, "text/plain", "hello " + calls.incrementAndGet() + "\n"))
                .route("/broken", () -> {
                    throw new IllegalStateException("the handler failed");
                })
                .start()) {
            HttpClient http = HttpClient.newHttpClient();
            URI base = server.pageUri();

            var get = http.send(HttpRequest.newBuilder(base.resolve("/hello?x=1")).build(), BodyHandlers.ofString());
            assertThat(get.statusCode()).isEqualTo(200);
            assertThat(get.body()).isEqualTo("hello 1\n");
            assertThat(get.headers().firstValue("content-type")).hasValue("text/plain; charset=utf-8");

            var head = http.send(HttpRequest.newBuilder(base.resolve("/hello"))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), BodyHandlers.ofString());
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.body()).isEmpty();

            var post = http.send(HttpRequest.newBuilder(base.resolve("/hello"))
                    .POST(HttpRequest.BodyPublishers.ofString("x")).build(), BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);

            var broken = http.send(HttpRequest.newBuilder(base.resolve("/broken")).build(), BodyHandlers.ofString());
            assertThat(broken.statusCode()).isEqualTo(500);
            assertThat(broken.body()).isEqualTo("internal error\n");

            // The server carries on, and its own routes are untouched.
            assertThat(http.send(HttpRequest.newBuilder(base.resolve("/hello")).build(), BodyHandlers.ofString())
                    .body()).isEqualTo("hello 3\n");
            assertThat(http.send(HttpRequest.newBuilder(base.resolve("/ready")).build(), BodyHandlers.ofString())
                    .statusCode()).isEqualTo(200);
            assertThat(http.send(HttpRequest.newBuilder(base.resolve("/nothing")).build(), BodyHandlers.ofString())
                    .statusCode()).isEqualTo(404);
        } finally {
            bridge.close();
        }
    }

    @Test
    void aRouteCannotShadowTheServersOwnPaths() {
        VoiceBridge bridge = VoiceBridge.builder(TestEdge.scriptedPipeline("hello")).build();
        try {
            WebServer.Builder b = WebServer.builder(bridge).port(0);
            assertThatThrownBy(() -> b.route("/ready", () -> HttpResponse.text(200, "text/plain", "")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not be / or /ready");
            assertThatThrownBy(() -> b.route("metrics", () -> HttpResponse.text(200, "text/plain", "")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must start with /");
            b.route("/metrics", () -> HttpResponse.text(200, "text/plain", ""));
            assertThatThrownBy(() -> b.route("/metrics", () -> HttpResponse.text(200, "text/plain", "")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already given");
            b.route("/ws", () -> HttpResponse.text(200, "text/plain", ""));
            assertThatThrownBy(b::start).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("the route /ws is the WebSocket path");
            assertThatThrownBy(() -> new HttpResponse(99, "text/plain", new byte[0]))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("status must be 200..599");
        } finally {
            bridge.close();
        }
    }
}
