package io.github.voicechat.web.rtc;

import io.github.voicechat.VoicePipeline;
import io.github.voicechat.testkit.EnergyVad;
import io.github.voicechat.testkit.ScriptedRecognizer;
import io.github.voicechat.testkit.ScriptedResponder;
import io.github.voicechat.testkit.SineSynthesizer;
import io.github.voicechat.testkit.SystemPackages;
import io.github.voicechat.web.VoiceBridge;
import io.github.voicechat.web.WebServer;
import java.net.URI;
import java.util.function.Consumer;

/** The embedded server with the WebRTC edge mounted, on a free loopback port. */
final class TestRtcEdge implements AutoCloseable {

    final VoiceBridge bridge;
    final WebRtcEdge rtc;
    final WebServer server;

    TestRtcEdge(VoicePipeline pipeline, Consumer<VoiceBridge.Builder> config, Consumer<WebRtcEdge.Builder> rtcConfig)
            throws Exception {
        VoiceBridge.Builder b = VoiceBridge.builder(pipeline);
        config.accept(b);
        bridge = b.build();
        WebRtcEdge.Builder r = WebRtcEdge.builder(bridge);
        rtcConfig.accept(r);
        rtc = r.build();
        server = WebServer.builder(bridge).port(0).ioThreads(2).route(WebRtcEdge.PATH, rtc).start();
    }

    static void requireNatives() {
        SystemPackages.require("webrtc-java's native library", WebRtcEdge.unavailableReason(),
                SystemPackages.WEBRTC_JAVA);
    }

    /** Test-kit engines: energy VAD, a recogniser that answers {@code transcripts} in turn, 440 Hz sine speech. */
    static VoicePipeline scriptedPipeline(String... transcripts) {
        return VoicePipeline.builder()
                .vad(EnergyVad::new)
                .asr(() -> ScriptedRecognizer.of(transcripts))
                .tts(SineSynthesizer::new)
                .responder(ScriptedResponder.echo())
                .build();
    }

    URI rtcUri() {
        return server.pageUri().resolve(WebRtcEdge.PATH);
    }

    @Override
    public void close() {
        server.close();
        rtc.close();
        bridge.close();
    }
}
