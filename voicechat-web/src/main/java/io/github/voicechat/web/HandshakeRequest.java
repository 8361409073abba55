package io.github.voicechat.web;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The HTTP request that asks to open a connection (a WebSocket upgrade), as any transport sees it: what the
 * {@linkplain VoiceBridge.Builder#authenticator authentication hook} and the Origin check judge.
 *
 * @param path          the request path, e.g. {@code /ws}
 * @param query         decoded query parameters, in order
 * @param headers       headers by lower-case name
 * @param remoteAddress the peer, for logs (e.g. {@code 127.0.0.1:53514}); may be empty
 */
public record HandshakeRequest(String path, Map<String, List<String>> query, Map<String, List<String>> headers,
        String remoteAddress) {

    /**
     * Copies the request, with header names in lower case.
     *
     * @param path          the request path, e.g. {@code /ws}
     * @param query         decoded query parameters, in order
     * @param headers       headers by name, in any case
     * @param remoteAddress the peer, for logs (e.g. {@code 127.0.0.1:53514}); may be empty
     */
    public HandshakeRequest {
        Map<String, List<String>> h = new LinkedHashMap<>();
        headers.forEach((k, v) -> h.computeIfAbsent(k.toLowerCase(Locale.ROOT), x -> new ArrayList<>()).addAll(v));
        h.replaceAll((k, v) -> List.copyOf(v));
        headers = Map.copyOf(h);
        Map<String, List<String>> q = new LinkedHashMap<>();
        query.forEach((k, v) -> q.put(k, List.copyOf(v)));
        query = Map.copyOf(q);
        remoteAddress = remoteAddress == null ? "" : remoteAddress;
    }

    /**
     * Builds one from a request URI ({@code /ws?token=x}) and its headers.
     *
     * @param requestUri the request target, path and query
     * @param headers the request headers by name (any case)
     * @param remoteAddress who connected, for logs
     * @return the request
     */
    public static HandshakeRequest of(String requestUri, Map<String, List<String>> headers, String remoteAddress) {
        URI uri = URI.create(requestUri.startsWith("/") ? requestUri : "/" + requestUri);
        Map<String, List<String>> query = new LinkedHashMap<>();
        String raw = uri.getRawQuery();
        if (raw != null && !raw.isEmpty()) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                String k = decode(eq < 0 ? pair : pair.substring(0, eq));
                String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
                query.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
            }
        }
        return new HandshakeRequest(uri.getRawPath() == null ? "/" : uri.getRawPath(), query, headers, remoteAddress);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /**
     * The first value of header {@code name} (any case).
     *
     * @param name its name (any case for a header)
     * @return its first value, if present
     */
    public Optional<String> header(String name) {
        List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
    }

    /**
     * The first value of query parameter {@code name}.
     *
     * @param name its name (any case for a header)
     * @return its first value, if present
     */
    public Optional<String> queryParameter(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
    }

    /** {@return the {@code Origin} header a browser sends; non-browser clients usually send none} */
    public Optional<String> origin() {
        return header("origin");
    }
}
