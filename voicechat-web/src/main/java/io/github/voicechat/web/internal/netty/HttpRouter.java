package io.github.voicechat.web.internal.netty;

import io.github.voicechat.web.HandshakeRequest;
import io.github.voicechat.web.HttpEndpoint;
import io.github.voicechat.web.HttpResponse;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import io.github.voicechat.web.VoiceBridge;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes plain HTTP: the page's static files, {@code /ready} for load balancers, and upgrade requests on the WebSocket
 * path, which it judges with the bridge (Origin, authentication) before the handshake handler sees them.
 * WebSocket frames, once upgraded, pass straight through.
 */
public final class HttpRouter extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(HttpRouter.class);
    static final AttributeKey<HandshakeRequest> HANDSHAKE = AttributeKey.valueOf("voicechat.handshake");

    private final VoiceBridge bridge;
    private final String websocketPath;
    private final StaticPage page;
    private final Map<String, HttpEndpoint> routes;

    public HttpRouter(VoiceBridge bridge, String websocketPath, StaticPage page) {
        this(bridge, websocketPath, page, Map.of());
    }

    /** With routes mounted by path ({@link io.github.voicechat.web.WebServer.Builder#route}). */
    public HttpRouter(VoiceBridge bridge, String websocketPath, StaticPage page, Map<String, HttpEndpoint> routes) {
        this.bridge = bridge;
        this.websocketPath = websocketPath;
        this.page = page;
        this.routes = Map.copyOf(routes);
    }

    /** The route mounted at {@code path} or above it (the longest such), or null. */
    private HttpEndpoint routeFor(String path) {
        HttpEndpoint found = null;
        int foundLength = -1;
        for (Map.Entry<String, HttpEndpoint> e : routes.entrySet()) {
            String mount = e.getKey();
            if ((path.equals(mount) || path.startsWith(mount + "/")) && mount.length() > foundLength) {
                found = e.getValue();
                foundLength = mount.length();
            }
        }
        return found;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            ctx.fireChannelRead(msg);
            return;
        }
        String path = new QueryStringDecoder(request.uri()).path();
        if (path.equals(websocketPath)) {
            upgrade(ctx, request);
            return;
        }
        try {
            HttpEndpoint route = routeFor(path);
            if (!request.decoderResult().isSuccess()) {
                respond(ctx, request, HttpResponseStatus.BAD_REQUEST, "text/plain", bytes("bad request\n"));
            } else if (route != null) {
                dispatch(ctx, request, path, route);
            } else if (!request.method().equals(HttpMethod.GET) && !request.method().equals(HttpMethod.HEAD)) {
                respond(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain", bytes("GET only\n"));
            } else if (path.equals("/ready")) {
                boolean ready = bridge.activeSessions() < bridge.maxSessions();
                String json = "{\"ready\":" + ready + ",\"sessions\":" + bridge.activeSessions() + ",\"maxSessions\":"
                        + bridge.maxSessions() + "}\n";
                respond(ctx, request, ready ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                        "application/json", bytes(json));
            } else {
                StaticPage.File file = page == null ? null : page.find(path);
                if (file == null) {
                    respond(ctx, request, HttpResponseStatus.NOT_FOUND, "text/plain", bytes("not found\n"));
                } else {
                    respond(ctx, request, HttpResponseStatus.OK, file.contentType(), file.bytes());
                }
            }
        } finally {
            ReferenceCountUtil.release(request);
        }
    }

    /** Hands the request to a route; its response is written whenever it completes, on the channel's loop. */
    private void dispatch(ChannelHandlerContext ctx, FullHttpRequest request, String path, HttpEndpoint route) {
        HandshakeRequest parsed;
        try {
            parsed = HandshakeRequest.of(request.uri(), headersOf(request), String.valueOf(ctx.channel().remoteAddress()));
        } catch (IllegalArgumentException e) {
            respond(ctx, request, HttpResponseStatus.BAD_REQUEST, "text/plain", bytes("malformed request URI\n"));
            return;
        }
        byte[] body = ByteBufUtil.getBytes(request.content());
        FullHttpRequest head = new DefaultFullHttpRequest(request.protocolVersion(), request.method(), request.uri(),
                Unpooled.EMPTY_BUFFER, request.headers().copy(), request.trailingHeaders().copy());
        CompletionStage<HttpResponse> response;
        try {
            response = route.handle(request.method().name(), parsed, body);
        } catch (RuntimeException e) {
            response = CompletableFuture.failedFuture(e);
        }
        response.whenComplete((r, failure) -> ctx.executor().execute(() -> {
            if (failure != null || r == null) {
                log.warn("route {} failed: {}", path, failure == null ? "no response" : failure.toString(), failure);
                respond(ctx, head, HttpResponseStatus.INTERNAL_SERVER_ERROR, "text/plain", bytes("internal error\n"));
            } else {
                respond(ctx, head, HttpResponseStatus.valueOf(r.status()), r.contentType(), r.body(), r.headers());
            }
        }));
    }

    private static Map<String, List<String>> headersOf(FullHttpRequest request) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Map.Entry<String, String> h : request.headers()) {
            headers.computeIfAbsent(h.getKey(), k -> new ArrayList<>()).add(h.getValue());
        }
        return headers;
    }

    private void upgrade(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean upgrade = request.method().equals(HttpMethod.GET)
                && request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
        if (!upgrade) {
            respondAndRelease(ctx, request, HttpResponseStatus.UPGRADE_REQUIRED, "WebSocket upgrade expected\n");
            return;
        }
        HandshakeRequest handshake;
        try {
            handshake = HandshakeRequest.of(request.uri(), headersOf(request),
                    String.valueOf(ctx.channel().remoteAddress()));
        } catch (IllegalArgumentException e) {
            respondAndRelease(ctx, request, HttpResponseStatus.BAD_REQUEST, "malformed request URI\n");
            return;
        }
        VoiceBridge.Admission admission = bridge.admit(handshake);
        if (!admission.accepted()) {
            respondAndRelease(ctx, request, HttpResponseStatus.valueOf(admission.httpStatus()),
                    admission.reason() + "\n");
            return;
        }
        ctx.channel().attr(HANDSHAKE).set(handshake);
        ctx.fireChannelRead(request); // on to the handshake handler, which releases it
    }

    private void respondAndRelease(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status,
            String text) {
        try {
            respond(ctx, request, status, "text/plain", bytes(text));
        } finally {
            ReferenceCountUtil.release(request);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void respond(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status,
            String contentType, byte[] body) {
        respond(ctx, request, status, contentType, body, Map.of());
    }

    private static void respond(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status,
            String contentType, byte[] body, Map<String, String> extraHeaders) {
        boolean head = request.method().equals(HttpMethod.HEAD);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-cache")
                .set("X-Content-Type-Options", "nosniff")
                .set("Referrer-Policy", "no-referrer")
                .set("Content-Security-Policy", "default-src 'self'; connect-src 'self' ws: wss:; "
                        + "img-src 'self' data:; style-src 'self'; frame-ancestors 'none'");
        extraHeaders.forEach((k, v) -> response.headers().set(k, v));
        boolean keepAlive = HttpUtil.isKeepAlive(request) && status.code() < 400;
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response);
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
