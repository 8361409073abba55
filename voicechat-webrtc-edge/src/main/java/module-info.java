/**
 * The WebRTC edge: an in-process WebRTC peer per browser session, mounted on voicechat-web's server. Only
 * {@code io.github.voicechat.web.rtc} is exported; the peer, the offer validator and the native ledger
 * ({@code ...rtc.internal}) are not.
 */
module io.github.voicechat.web.rtc {
    requires transitive io.github.voicechat.web;
    requires org.slf4j;
    requires com.fasterxml.jackson.databind;
    requires webrtc.java;

    exports io.github.voicechat.web.rtc;
}
