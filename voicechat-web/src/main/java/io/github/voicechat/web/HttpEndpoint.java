package io.github.voicechat.web;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * An HTTP resource mounted on the {@link WebServer} beside the page and the WebSocket edge, for another transport's
 * signalling (the WebRTC edge's WHIP-style offer and DELETE). The server caps the request body at
 * {@link WebServer#MAX_REQUEST_BODY_BYTES} (larger gets 413 before the endpoint sees it) and never calls it on a
 * request that failed to decode.
 */
@FunctionalInterface
public interface HttpEndpoint {

    /**
     * Handles one request under the endpoint's path. Called on a server I/O thread: return at once and complete the
     * stage later if the answer takes time (it must not block).
     *
     * @param method  upper-case HTTP method ({@code POST}, {@code DELETE}, {@code OPTIONS}, ...)
     * @param request the path, query and headers, as the Origin check and the authentication hook judge them
     * @param body    the request body (empty for none)
     */
    CompletionStage<Reply> handle(String method, HandshakeRequest request, byte[] body);

    /**
     * A response.
     *
     * @param status      HTTP status
     * @param contentType the body's media type
     * @param body        the body
     * @param headers     extra headers (e.g. {@code Location})
     */
    record Reply(int status, String contentType, byte[] body, Map<String, String> headers) {
        public Reply {
            body = body.clone();
            headers = Map.copyOf(headers);
        }

        /** A plain-text reply: the reason, for a person reading the browser console or a client's log. */
        public static Reply text(int status, String text) {
            return new Reply(status, "text/plain; charset=utf-8",
                    (text.endsWith("\n") ? text : text + "\n").getBytes(StandardCharsets.UTF_8), Map.of());
        }

        @Override
        public byte[] body() {
            return body.clone();
        }
    }
}
