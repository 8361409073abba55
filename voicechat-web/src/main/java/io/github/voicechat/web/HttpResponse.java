package io.github.voicechat.web;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * What an extra route of the {@link WebServer} answers ({@link WebServer.Builder#route}): a status, a content type
 * and the whole body.
 *
 * @param status      the HTTP status, 200 to 599
 * @param contentType the body's media type, e.g. {@code text/plain; charset=utf-8}
 * @param body        the body (not copied: do not change it afterwards)
 */
public record HttpResponse(int status, String contentType, byte[] body) {

    /**
     * Checks the response.
     *
     * @param status      the HTTP status, 200 to 599
     * @param contentType the body's media type
     * @param body        the body
     */
    public HttpResponse {
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("status must be 200..599, was " + status);
        }
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(body, "body");
    }

    /**
     * A text response in UTF-8.
     *
     * @param status      the HTTP status
     * @param contentType the media type, to which {@code ; charset=utf-8} is added when it names no charset
     * @param text        the body
     * @return the response
     */
    public static HttpResponse text(int status, String contentType, String text) {
        String type = contentType.toLowerCase(java.util.Locale.ROOT).contains("charset=") ? contentType
                : contentType + "; charset=utf-8";
        return new HttpResponse(status, type, text.getBytes(StandardCharsets.UTF_8));
    }
}
