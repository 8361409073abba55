package io.github.voicechat.web.internal.netty;

import io.github.voicechat.web.HandshakeRequest;
import io.github.voicechat.web.HttpResponse;
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
import java.util.function.Supplier;
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
    private final Map<String, Supplier<HttpResponse>> routes;

    public HttpRouter(VoiceBridge bridge, String websocketPath, StaticPage page) {
        this(bridge, websocketPath, page, Map.of());
    }

    /** With extra GET routes by exact path ({@link io.github.voicechat.web.WebServer.Builder#route}). */
    public HttpRouter(VoiceBridge bridge, String websocketPath, StaticPage page,
            Map<String, Supplier<HttpResponse>> routes) {
        this.bridge = bridge;
        this.websocketPath = websocketPath;
        this.page = page;
        this.routes = Map.copyOf(routes);
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
            if (!request.decoderResult().isSuccess()) {
                respond(ctx, request, HttpResponseStatus.BAD_REQUEST, "text/plain", bytes("bad request\n"));
            } else if (!request.method().equals(HttpMethod.GET) && !request.method().equals(HttpMethod.HEAD)) {
                respond(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain", bytes("GET only\n"));
            } else if (path.equals("/ready")) {
                boolean ready = bridge.activeSessions() < bridge.maxSessions();
                String json = "{\"ready\":" + ready + ",\"sessions\":" + bridge.activeSessions() + ",\"maxSessions\":"
                        + bridge.maxSessions() + "}\n";
                respond(ctx, request, ready ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                        "application/json", bytes(json));
            } else if (routes.containsKey(path)) {
                route(ctx, request, path);
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

    /** An extra route: what its handler answers, or 500 (logged) when it throws. */
    private void route(ChannelHandlerContext ctx, FullHttpRequest request, String path) {
        HttpResponse r;
        try {
            r = routes.get(path).get();
        } catch (RuntimeException e) {
            log.warn("route {} failed: {}", path, e.toString(), e);
            respond(ctx, request, HttpResponseStatus.INTERNAL_SERVER_ERROR, "text/plain", bytes("internal error\n"));
            return;
        }
        respond(ctx, request, HttpResponseStatus.valueOf(r.status()), r.contentType(), r.body());
    }

    private void upgrade(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean upgrade = request.method().equals(HttpMethod.GET)
                && request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
        if (!upgrade) {
            respondAndRelease(ctx, request, HttpResponseStatus.UPGRADE_REQUIRED, "WebSocket upgrade expected\n");
            return;
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Map.Entry<String, String> h : request.headers()) {
            headers.computeIfAbsent(h.getKey(), k -> new ArrayList<>()).add(h.getValue());
        }
        HandshakeRequest handshake;
        try {
            handshake = HandshakeRequest.of(request.uri(), headers, String.valueOf(ctx.channel().remoteAddress()));
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
