package io.github.voicechat.web.internal.netty;

import io.github.voicechat.web.EdgeSession;
import io.github.voicechat.web.HandshakeRequest;
import io.github.voicechat.web.VoiceBridge;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a WebSocket channel: bridges the connection once the handshake completes and hands it every
 * whole message (fragments are joined by the aggregator before it). This is all the glue a Netty host needs.
 */
public final class WebSocketEdgeHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(WebSocketEdgeHandler.class);

    private final VoiceBridge bridge;
    private EdgeSession session;

    public WebSocketEdgeHandler(VoiceBridge bridge) {
        this.bridge = bridge;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
            HandshakeRequest request = ctx.channel().attr(HttpRouter.HANDSHAKE).get();
            session = bridge.connect(new NettyTransport(ctx.channel()), request);
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (session == null) {
                return;
            }
            if (msg instanceof BinaryWebSocketFrame frame) {
                session.onAudio(frame.content().nioBuffer());
            } else if (msg instanceof TextWebSocketFrame frame) {
                session.onText(frame.text());
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (session != null) {
            session.onClosed();
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Corrupt or oversized frames: the protocol handler has already answered with a close code.
        log.debug("connection {}: {}", session == null ? ctx.channel() : session.id(), cause.toString());
        ctx.close();
    }
}
