package io.github.voicechat.web;

import io.github.voicechat.web.internal.netty.HttpRouter;
import io.github.voicechat.web.internal.netty.StaticPage;
import io.github.voicechat.web.internal.netty.WebSocketEdgeHandler;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The embedded default server (Netty 4.2): the web page at {@code /}, the WebSocket edge at {@code /ws}, and
 * {@code /ready} (200, or 503 at the session cap) for a load balancer, plus any {@linkplain Builder#route extra
 * routes} the host adds (metrics, health). Binds 127.0.0.1 unless told otherwise.
 *
 * <pre>{@code
 * try (WebServer server = WebServer.builder(bridge).port(8080).start()) {
 *     log.info("open {}", server.pageUri()); // the host's own SLF4J logger
 *     ...
 * }
 * }</pre>
 *
 * <p>Its threads ({@code voicechat-web-io-N}, one per core by default) serve every connection; a connection's
 * session runs on its own threads. {@link #close()} closes every connection and ends those threads; the bridge is
 * the caller's to close.
 */
public final class WebServer implements AutoCloseable {

    /**
     * The transport's own hard cap on one message: above it Netty closes with 1009 before the bridge sees anything.
     * The bridge's caps (8 KiB of text, five audio frames) are far below, so they answer first, with 1008.
     */
    static final int MAX_MESSAGE_BYTES = 64 * 1024;

    /** The largest HTTP request body any route accepts (an {@link HttpEndpoint}'s, e.g. an SDP offer); above: 413. */
    public static final int MAX_REQUEST_BODY_BYTES = 16 * 1024;

    private final EventLoopGroup group;
    private final Channel serverChannel;
    private final ChannelGroup channels;
    private final String host;
    private final int port;
    private final String websocketPath;

    private WebServer(EventLoopGroup group, Channel serverChannel, ChannelGroup channels, String host,
            String websocketPath) {
        this.group = group;
        this.serverChannel = serverChannel;
        this.channels = channels;
        this.host = host;
        this.port = ((InetSocketAddress) serverChannel.localAddress()).getPort();
        this.websocketPath = websocketPath;
    }

    /**
     * Starts a server for {@code bridge}'s connections.
     *
     * @param bridge what each WebSocket connection is bridged to; the caller closes it
     * @return a builder
     */
    public static Builder builder(VoiceBridge bridge) {
        return new Builder(bridge);
    }

    /** {@return the port bound (the one asked for, or the one chosen for port 0)} */
    public int port() {
        return port;
    }

    /** {@return where a browser opens the page} */
    public URI pageUri() {
        return URI.create("http://" + hostForUri() + ":" + port + "/");
    }

    /** {@return where a client connects its WebSocket} */
    public URI websocketUri() {
        return URI.create("ws://" + hostForUri() + ":" + port + websocketPath);
    }

    private String hostForUri() {
        if (host.equals("0.0.0.0") || host.equals("::")) {
            return "127.0.0.1";
        }
        return host.contains(":") ? "[" + host + "]" : host;
    }

    /** Stops accepting, closes every connection (their sessions end) and ends the server's threads. */
    @Override
    public void close() {
        serverChannel.close().awaitUninterruptibly();
        channels.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    /** Where and how to listen. */
    public static final class Builder {
        private final VoiceBridge bridge;
        private String host = "127.0.0.1";
        private int port = 8080;
        private String websocketPath = "/ws";
        private boolean servePage = true;
        private int ioThreads = Runtime.getRuntime().availableProcessors();
        private final Map<String, HttpEndpoint> routes = new LinkedHashMap<>();

        private Builder(VoiceBridge bridge) {
            this.bridge = Objects.requireNonNull(bridge, "bridge");
        }

        /**
         * Address to bind (127.0.0.1). {@code 0.0.0.0} serves every interface: put authentication first.
         *
         * @param host the address
         * @return this builder
         */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /**
         * Port (8080); 0 picks a free one, see {@link WebServer#port()}.
         *
         * @param port the port
         * @return this builder
         */
        public Builder port(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be 0..65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * Path of the WebSocket edge ({@code /ws}).
         *
         * @param path the path
         * @return this builder
         */
        public Builder websocketPath(String path) {
            if (!path.startsWith("/") || path.equals("/") || path.equals("/ready")) {
                throw new IllegalArgumentException("websocketPath must start with / and not be / or /ready, was "
                        + path);
            }
            this.websocketPath = path;
            return this;
        }

        /**
         * Whether to serve the built-in page at {@code /} (true).
         *
         * @param serve whether to serve it
         * @return this builder
         */
        public Builder servePage(boolean serve) {
            this.servePage = serve;
            return this;
        }

        /**
         * I/O threads shared by all connections (one per core).
         *
         * @param threads how many
         * @return this builder
         */
        public Builder ioThreads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("ioThreads must be at least 1, was " + threads);
            }
            this.ioThreads = threads;
            return this;
        }

        /**
         * Mounts {@code handler} at {@code path} and every path below it ({@code /rtc} takes {@code /rtc} and
         * {@code /rtc/...}): how a host adds {@code /metrics} or {@code /health} ({@link HttpEndpoint#get}) without a
         * server of its own, and how another transport adds its signalling (the WebRTC edge at {@code /rtc}). The
         * handler runs on one of the server's I/O threads and must not block; if it throws, the client gets a 500 and
         * the server carries on.
         *
         * @param path    e.g. {@code /metrics}; starts with {@code /}, does not end with one, holds no query, and is
         *                not {@code /ready}, the WebSocket path or a path given before
         * @param handler answers the requests
         * @return this builder
         */
        public Builder route(String path, HttpEndpoint handler) {
            Objects.requireNonNull(handler, "handler");
            if (path == null || !path.startsWith("/") || path.endsWith("/") || path.equals("/ready")
                    || path.contains("?") || path.contains("#")) {
                throw new IllegalArgumentException("a route's path must start with /, not end with /, not be / or"
                        + " /ready and hold no query, was " + path);
            }
            if (routes.putIfAbsent(path, handler) != null) {
                throw new IllegalArgumentException("a route for " + path + " was already given");
            }
            return this;
        }

        /**
         * Binds and starts serving.
         *
         * @throws IOException naming the address when it cannot be bound (in use, not local)
         * @return the running server
         */
        public WebServer start() throws IOException {
            if (routes.containsKey(websocketPath)) {
                throw new IllegalStateException("the route " + websocketPath + " is the WebSocket path");
            }
            StaticPage page = servePage ? StaticPage.load() : null;
            Map<String, HttpEndpoint> extra = Map.copyOf(routes);
            EventLoopGroup group = new MultiThreadIoEventLoopGroup(ioThreads,
                    new DefaultThreadFactory("voicechat-web-io", true), NioIoHandler.newFactory());
            ChannelGroup channels = new DefaultChannelGroup("voicechat-web", GlobalEventExecutor.INSTANCE);
            WebSocketServerProtocolConfig ws = WebSocketServerProtocolConfig.newBuilder()
                    .websocketPath(websocketPath)
                    .checkStartsWith(true) // "/ws?access_token=..." too; the router has already matched the path
                    .handshakeTimeoutMillis(10_000)
                    .forceCloseTimeoutMillis(1_000)
                    .dropPongFrames(true)
                    // What Netty sends when a channel is closed under it (WebServer.close()): "going away".
                    .sendCloseFrame(new WebSocketCloseStatus(CloseCodes.GOING_AWAY, "server shutting down"))
                    .decoderConfig(WebSocketDecoderConfig.newBuilder()
                            .maxFramePayloadLength(MAX_MESSAGE_BYTES)
                            .allowExtensions(false)
                            .closeOnProtocolViolation(true)
                            .withUTF8Validator(true)
                            .build())
                    .build();
            ServerBootstrap bootstrap = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    // Above 64 KiB queued for a client that does not read, audio frames are dropped (and after a
                    // second of that the client is cut off) rather than piling up in memory.
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024))
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            channels.add(ch);
                            ch.pipeline().addLast(
                                    new HttpServerCodec(4096, 8192, 8192),
                                    new HttpObjectAggregator(MAX_REQUEST_BODY_BYTES),
                                    new HttpRouter(bridge, websocketPath, page, extra),
                                    new WebSocketServerProtocolHandler(ws),
                                    new WebSocketFrameAggregator(MAX_MESSAGE_BYTES),
                                    new WebSocketEdgeHandler(bridge));
                        }
                    });
            Channel server;
            try {
                server = bootstrap.bind(host, port).sync().channel();
            } catch (Exception e) {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
                throw new IOException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
            }
            return new WebServer(group, server, channels, host, websocketPath);
        }
    }
}
