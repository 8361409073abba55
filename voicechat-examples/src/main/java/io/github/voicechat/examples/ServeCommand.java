package io.github.voicechat.examples;

import io.github.voicechat.Responder;
import io.github.voicechat.VoicePipeline;
import io.github.voicechat.spi.EchoCanceller;
import io.github.voicechat.spi.EngineProvider;
import io.github.voicechat.spi.SpeechRecognizer;
import io.github.voicechat.spi.SpeechSynthesizer;
import io.github.voicechat.spi.VoiceActivityDetector;
import io.github.voicechat.web.VoiceBridge;
import io.github.voicechat.web.WebServer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code voicechat serve}: the web page and the WebSocket edge on the embedded server; each browser tab that connects
 * gets its own session with the engines chosen here. Ctrl-C closes every connection and stops.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve the voicechat web page and its WebSocket edge; open the printed address in Chrome or"
                + " Firefox, allow the microphone and talk.")
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--host", paramLabel = "ADDRESS",
            description = "Address to bind (default: 127.0.0.1, this machine only). 0.0.0.0 serves the network:"
                    + " set --token then.")
    String host = "127.0.0.1";

    @Option(names = "--port", paramLabel = "PORT", description = "Port (default: 8080; 0 picks a free one).")
    int port = 8080;

    @Option(names = "--max-sessions", paramLabel = "N",
            description = "Concurrent conversations (default: 4); more are told to try again later.")
    int maxSessions = 4;

    @Option(names = "--allow-origin", paramLabel = "ORIGIN",
            description = "Another site whose pages may connect, e.g. https://app.example.com (repeatable; * for any)."
                    + " The server's own page always may.")
    List<String> allowedOrigins = new ArrayList<>();

    @Option(names = "--token", paramLabel = "SECRET",
            description = "Require this bearer token (Authorization header, or ?access_token= on the page's URL).")
    String token;

    @Option(names = "--idle-timeout", paramLabel = "SECONDS",
            description = "Close a connection that sends nothing for this long (default: 30).")
    int idleTimeoutS = 30;

    @Mixin
    EngineSelection engines = new EngineSelection();

    // The --llm-* options (a reusable picocli mixin from the LLM responder work) go here, beside the engine options,
    // and responder() below picks the LLM when they are given.

    /** The running server, for tests; null until started. */
    volatile Running running;

    /** A started server and what it serves. */
    record Running(WebServer server, VoiceBridge bridge, String vad, String asr, String tts, String aec) {
        void stop() {
            server.close();
            bridge.close();
        }
    }

    /** The responder every session answers with: the echo bot until an LLM is configured. */
    Responder responder() {
        return Responders.echo();
    }

    /** Builds the pipeline and bridge and starts listening. */
    Running start() throws IOException {
        EngineProvider<VoiceActivityDetector> vad = engines.vadProvider();
        EngineProvider<SpeechRecognizer> asr = engines.asrProvider();
        EngineProvider<SpeechSynthesizer> tts = engines.ttsProvider();
        // Off by default: the browser cancels the echo of what it plays (getUserMedia echoCancellation).
        EngineProvider<EchoCanceller> aec = engines.aecProvider(false);
        VoicePipeline.Builder builder = VoicePipeline.builder()
                .vad(() -> vad.create(engines.vadOptions()))
                .asr(() -> asr.create(engines.asrOptions()))
                .tts(() -> tts.create(engines.ttsOptions()))
                .responder(responder());
        if (aec != null) {
            builder.echoCanceller(() -> aec.create(engines.aecOptions()));
        }
        VoiceBridge.Builder bridge = VoiceBridge.builder(builder.build())
                .maxSessions(maxSessions)
                .idleTimeout(Duration.ofSeconds(idleTimeoutS))
                .allowedOrigins(allowedOrigins.toArray(new String[0]));
        if (token != null) {
            bridge.authenticator(VoiceBridge.bearerToken(token));
        }
        VoiceBridge b = bridge.build();
        WebServer server;
        try {
            server = WebServer.builder(b).host(host).port(port).start();
        } catch (IOException | RuntimeException e) {
            b.close();
            throw e;
        }
        Running r = new Running(server, b, vad.id(), asr.id(), tts.id(), aec == null ? "off" : aec.id());
        running = r;
        return r;
    }

    @Override
    public Integer call() throws Exception {
        if (idleTimeoutS < 1) {
            throw new IllegalArgumentException("--idle-timeout must be at least 1 second, was " + idleTimeoutS);
        }
        Running r = start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            r.stop();
            stopped.countDown();
        }, "voicechat-serve-shutdown"));
        System.out.printf("engines: vad=%s asr=%s tts=%s aec=%s; up to %d sessions%n", r.vad(), r.asr(), r.tts(),
                r.aec(), maxSessions);
        if (!host.equals("127.0.0.1") && !host.equals("localhost") && !host.equals("::1") && token == null) {
            System.err.println("warning: serving " + host + " without --token: anyone who can reach this port can"
                    + " talk to it");
        }
        String page = r.server().pageUri() + (token == null ? "" : "?access_token=" + token);
        System.out.println("voicechat is serving " + page + " - open it in Chrome or Firefox, allow the microphone"
                + " and talk; Ctrl-C stops");
        stopped.await();
        return 0;
    }
}
