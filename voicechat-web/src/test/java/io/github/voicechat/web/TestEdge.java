package io.github.voicechat.web;

import io.github.voicechat.VoicePipeline;
import io.github.voicechat.testkit.EnergyVad;
import io.github.voicechat.testkit.ScriptedRecognizer;
import io.github.voicechat.testkit.ScriptedResponder;
import io.github.voicechat.testkit.SineSynthesizer;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/** The embedded server on a free loopback port, bridged to a pipeline, with one HTTP client for the test. */
final class TestEdge implements AutoCloseable {

    final VoiceBridge bridge;
    final WebServer server;
    final HttpClient http;
    private final ExecutorService clientThreads;

    TestEdge(VoicePipeline pipeline, Consumer<VoiceBridge.Builder> config) throws Exception {
        VoiceBridge.Builder b = VoiceBridge.builder(pipeline);
        config.accept(b);
        bridge = b.build();
        server = WebServer.builder(bridge).port(0).ioThreads(2).start();
        // A fixed pool, so that the client's own threads do not come and go during a thread count.
        clientThreads = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "ws-test-client");
            t.setDaemon(true);
            return t;
        });
        http = HttpClient.newBuilder().executor(clientThreads).build();
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

    static TestEdge scripted(Consumer<VoiceBridge.Builder> config, String... transcripts) throws Exception {
        return new TestEdge(scriptedPipeline(transcripts), config);
    }

    URI ws() {
        return server.websocketUri();
    }

    WsTestClient connect(String... headers) throws Exception {
        return WsTestClient.connect(http, ws(), headers);
    }

    @Override
    public void close() {
        server.close();
        bridge.close();
        clientThreads.shutdownNow();
    }
}
