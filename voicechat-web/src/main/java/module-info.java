/**
 * voicechat on the web: the WebSocket edge, the embedded server (Netty) and the page. {@code io.github.voicechat.web.internal}
 * and {@code ...internal.netty} (the protocol, the bridge and the Netty handlers) are not exported.
 */
module io.github.voicechat.web {
    requires transitive io.github.voicechat.core;
    requires org.slf4j;
    requires com.fasterxml.jackson.databind;
    requires io.netty.buffer;
    requires io.netty.codec;
    requires io.netty.codec.http;
    requires io.netty.common;
    requires io.netty.handler;
    requires io.netty.transport;

    exports io.github.voicechat.web;
}
