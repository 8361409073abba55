package io.github.voicechat.web;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * An HTTP handler mounted on the {@link WebServer} beside the page and the WebSocket edge with
 * {@link WebServer.Builder#route}: a host's {@code /metrics} or {@code /health} ({@link #get}), or another
 * transport's signalling (the WebRTC edge's WHIP-style offer and DELETE). The server caps the request body at
 * {@link WebServer#MAX_REQUEST_BODY_BYTES} (larger gets 413 before the handler sees it), never calls it on a request
 * that failed to decode, and answers 500 when it throws or its stage fails.
 */
@FunctionalInterface
public interface HttpEndpoint {

    /**
     * Handles one request at or below the path it is mounted on. Called on a server I/O thread: return at once and
     * complete the stage later if the answer takes time (it must not block).
     *
     * @param method  upper-case HTTP method ({@code GET}, {@code POST}, {@code DELETE}, {@code OPTIONS}, ...)
     * @param request the path, query and headers, as the Origin check and the authentication hook judge them
     * @param body    the request body (empty for none)
     * @return the response, now or later
     */
    CompletionStage<HttpResponse> handle(String method, HandshakeRequest request, byte[] body);

    /**
     * A read-only resource: {@code GET} and {@code HEAD} answer what {@code response} makes (quickly, without
     * blocking: it runs on an I/O thread), any other method 405.
     *
     * @param response makes the response for each request
     * @return the handler
     */
    static HttpEndpoint get(Supplier<HttpResponse> response) {
        Objects.requireNonNull(response, "response");
        return (method, request, body) -> CompletableFuture.completedFuture(
                method.equals("GET") || method.equals("HEAD") ? response.get()
                        : HttpResponse.text(405, "text/plain", "GET only\n"));
    }
}
