package io.github.voicechat.web.internal.netty;

import io.github.voicechat.web.EdgeTransport;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * {@link EdgeTransport} on a Netty WebSocket channel. Writes from any thread are queued to the channel's event loop in
 * call order, so events and audio reach the client in the order the session produced them.
 */
public final class NettyTransport implements EdgeTransport {

    /** RFC 6455: a close frame's reason is at most 123 bytes of UTF-8. */
    static final int MAX_REASON_BYTES = 123;

    private final Channel channel;

    public NettyTransport(Channel channel) {
        this.channel = channel;
    }

    @Override
    public void sendText(String json) {
        if (channel.isActive()) {
            channel.writeAndFlush(new TextWebSocketFrame(json), channel.voidPromise());
        }
    }

    @Override
    public boolean sendAudio(ByteBuffer pcm16le) {
        if (!channel.isActive()) {
            return true; // closing: nobody to tell
        }
        if (!channel.isWritable()) {
            return false;
        }
        ByteBuf buf = channel.alloc().buffer(pcm16le.remaining());
        buf.writeBytes(pcm16le.duplicate());
        channel.writeAndFlush(new BinaryWebSocketFrame(buf), channel.voidPromise());
        return true;
    }

    @Override
    public void close(int code, String reason) {
        if (channel.isActive()) {
            // The protocol handler waits for the client's close frame, and force-closes after its timeout.
            channel.writeAndFlush(new CloseWebSocketFrame(code, truncate(reason)));
        }
    }

    static String truncate(String reason) {
        byte[] b = reason.getBytes(StandardCharsets.UTF_8);
        if (b.length <= MAX_REASON_BYTES) {
            return reason;
        }
        int end = reason.length();
        while (reason.substring(0, end).getBytes(StandardCharsets.UTF_8).length > MAX_REASON_BYTES - 3) {
            end--;
        }
        return reason.substring(0, end) + "...";
    }
}
