/**
 * The WebRTC audio-processing module (webrtc-java): a voice activity detector and an echo canceller.
 */
module io.github.voicechat.webrtc {
    requires transitive io.github.voicechat.core;
    requires webrtc.java;

    exports io.github.voicechat.webrtc;

    provides io.github.voicechat.spi.EngineProvider with
            io.github.voicechat.webrtc.WebRtcVadProvider,
            io.github.voicechat.webrtc.WebRtcEchoCancellerProvider;
}
