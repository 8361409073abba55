package io.github.voicechat.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Routes a host adds to the embedded server ({@code /metrics}, {@code /health}, a transport's signalling): served over
 * real HTTP.
 */
class ExtraRoutesTest {

    @Test
    void extraRoutesAnswerGetAndHeadAndSurviveTheirOwnFailure() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        VoiceBridge bridge = VoiceBridge.builder(TestEdge.scriptedPipeline("hello")).build();
        try (WebServer server = WebServer.builder(bridge).port(0).ioThreads(1).servePage(false)
                .route("/hello", HttpEndpoint.get(
                        () -> HttpResponse.text(200, "text/plain", "hello " + calls.incrementAndGet() + "\n")))
                .route("/broken", HttpEndpoint.get(() -> {
                    throw new IllegalStateException("the handler failed");
                }))
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
    void aRouteTakesEveryMethodAndThePathsBelowItAndAnswersLater() throws Exception {
        VoiceBridge bridge = VoiceBridge.builder(TestEdge.scriptedPipeline("hello")).build();
        CompletableFuture<HttpResponse> later = new CompletableFuture<>();
        HttpEndpoint things = (method, request, body) -> {
            if (request.path().equals("/things/slow")) {
                return later;
            }
            if (request.path().equals("/things/failing")) {
                return CompletableFuture.failedFuture(new IllegalStateException("no"));
            }
            return CompletableFuture.completedFuture(new HttpResponse(201, "text/plain; charset=utf-8",
                    (method + " " + request.path() + " " + new String(body, StandardCharsets.UTF_8))
                            .getBytes(StandardCharsets.UTF_8),
                    Map.of("Location", "/things/7")));
        };
        try (WebServer server = WebServer.builder(bridge).port(0).ioThreads(1).servePage(false)
                .route("/things", things)
                .route("/things/special", HttpEndpoint.get(() -> HttpResponse.text(200, "text/plain", "special")))
                .start()) {
            HttpClient http = HttpClient.newHttpClient();
            URI base = server.pageUri();
            var post = http.send(HttpRequest.newBuilder(base.resolve("/things"))
                    .POST(HttpRequest.BodyPublishers.ofString("x=1")).build(), BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(201);
            assertThat(post.body()).isEqualTo("POST /things x=1");
            assertThat(post.headers().firstValue("location")).hasValue("/things/7");

            var delete = http.send(HttpRequest.newBuilder(base.resolve("/things/7")).DELETE().build(),
                    BodyHandlers.ofString());
            assertThat(delete.body()).isEqualTo("DELETE /things/7 ");
            // The longest mount wins; a path that only shares a prefix ("/thingsx") is not below "/things".
            assertThat(http.send(HttpRequest.newBuilder(base.resolve("/things/special")).build(),
                    BodyHandlers.ofString()).body()).isEqualTo("special");
            assertThat(http.send(HttpRequest.newBuilder(base.resolve("/thingsx")).build(), BodyHandlers.ofString())
                    .statusCode()).isEqualTo(404);

            var slow = http.sendAsync(HttpRequest.newBuilder(base.resolve("/things/slow")).build(),
                    BodyHandlers.ofString());
            assertThat(slow).isNotDone();
            later.complete(HttpResponse.text(200, "text/plain", "at last"));
            assertThat(slow.get(10, TimeUnit.SECONDS).body()).isEqualTo("at last");

            var failing = http.send(HttpRequest.newBuilder(base.resolve("/things/failing")).build(),
                    BodyHandlers.ofString());
            assertThat(failing.statusCode()).isEqualTo(500);
            assertThat(failing.body()).isEqualTo("internal error\n");
        } finally {
            bridge.close();
        }
    }

    @Test
    void aRouteCannotShadowTheServersOwnPaths() {
        VoiceBridge bridge = VoiceBridge.builder(TestEdge.scriptedPipeline("hello")).build();
        try {
            WebServer.Builder b = WebServer.builder(bridge).port(0);
            HttpEndpoint empty = HttpEndpoint.get(() -> HttpResponse.text(200, "text/plain", ""));
            assertThatThrownBy(() -> b.route("/ready", empty))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not be / or /ready");
            assertThatThrownBy(() -> b.route("/", empty))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not end with /");
            assertThatThrownBy(() -> b.route("metrics", empty))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must start with /");
            b.route("/metrics", empty);
            assertThatThrownBy(() -> b.route("/metrics", empty))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already given");
            b.route("/ws", empty);
            assertThatThrownBy(b::start).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("the route /ws is the WebSocket path");
            assertThatThrownBy(() -> new HttpResponse(99, "text/plain", new byte[0]))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("status must be 200..599");
        } finally {
            bridge.close();
        }
    }
}
