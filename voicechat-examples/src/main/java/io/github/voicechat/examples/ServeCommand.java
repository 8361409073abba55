package io.github.voicechat.examples;

import io.github.voicechat.Responder;
import io.github.voicechat.VoicePipeline;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.voicechat.micrometer.VoicechatMetrics;
import io.github.voicechat.web.HttpResponse;
import io.github.voicechat.web.VoiceBridge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.github.voicechat.web.WebServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code voicechat serve}: the web page and the WebSocket edge on the embedded server; each browser tab that connects
 * gets its own session with the engines chosen here. {@code /metrics} serves the sessions' and the JVM's meters in
 * Prometheus' text format and {@code /health} says the server is up. Ctrl-C closes every connection and stops.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve the voicechat web page and its WebSocket edge; open the printed address in Chrome or"
                + " Firefox, allow the microphone and talk. /metrics serves Prometheus metrics, /health the server's"
                + " state, /ready 200 or 503 at the session cap.")
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

    @Mixin
    LlmOptions llm = new LlmOptions();

    /** The running server, for tests; null until started. */
    volatile Running running;

    /** A started server, what it serves, and the engines loaded for it. */
    record Running(WebServer server, VoiceBridge bridge, EngineSelection.Loaded engines, String vad, String asr,
            String tts, String aec, PrometheusMeterRegistry metrics) {
        void stop() {
            server.close();
            bridge.close();
            engines.close(); // the preloaded engines no session took
            metrics.close();
        }
    }

    /** Prometheus' text exposition format, version 0.0.4: what every Prometheus server scrapes. */
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    /**
     * Checks every option, the model's among them, and that the address can be bound, then loads one engine of each
     * kind (the first session's; later sessions create their own), builds the bridge and starts listening.
     */
    Running start() throws IOException {
        // Everything that can be checked without loading an engine comes first: a mistake costs no waiting.
        EngineSelection.Picked picked = validate();
        Responder responder = llm.responder();
        requireBindable();
        EngineSelection.Loaded loaded = picked.load();
        VoiceBridge bridge = null;
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try {
            VoicechatMetrics metrics = sessionMetrics(registry, picked, llm);
            VoicePipeline pipeline = loaded.applyTo(VoicePipeline.builder())
                    .tts(metrics.timeSynthesizer(loaded.tts()))
                    .listener(metrics)
                    .responder(responder).build();
            VoiceBridge.Builder b = VoiceBridge.builder(pipeline)
                    .maxSessions(maxSessions)
                    .idleTimeout(Duration.ofSeconds(idleTimeoutS))
                    .allowedOrigins(allowedOrigins.toArray(new String[0]));
            if (token != null) {
                b.authenticator(VoiceBridge.bearerToken(token));
            }
            bridge = b.build();
            VoiceBridge served = bridge;
            WebServer server = WebServer.builder(bridge).host(host).port(port)
                    .route("/metrics", () -> HttpResponse.text(200, PROMETHEUS_TEXT, registry.scrape()))
                    .route("/health", () -> health(served))
                    .start();
            Running r = new Running(server, bridge, loaded, picked.vad().id(), picked.asr().id(), picked.tts().id(),
                    picked.aecId(), registry);
            running = r;
            return r;
        } catch (IOException e) {
            closeAll(bridge, loaded);
            registry.close();
            // Taken between the check and the bind, or refused only by Netty: still the user's address to change.
            throw CliException.usage(e.getMessage());
        } catch (RuntimeException e) {
            closeAll(bridge, loaded);
            registry.close();
            throw e;
        }
    }

    /**
     * The session meters, tagged with the engines' ids and the kind of responder, and the JVM's own: memory,
     * threads, CPU, uptime.
     */
    private static VoicechatMetrics sessionMetrics(MeterRegistry registry, EngineSelection.Picked picked,
            LlmOptions llm) {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        VoicechatMetrics.Builder b = VoicechatMetrics.builder(registry)
                .engine("vad", picked.vad().id()).engine("asr", picked.asr().id()).engine("tts", picked.tts().id());
        if (picked.aecId() != null && !picked.aecId().equals("off")) {
            b.engine("aec", picked.aecId());
        }
        b.engine("responder", llm.enabled() ? "llm" : "echo"); // not the model's name: any text may be one
        return b.build();
    }

    /** {@code /health}: up while the server answers, with the sessions open and the cap. */
    private static HttpResponse health(VoiceBridge bridge) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("status", "up");
        json.put("sessions", bridge.activeSessions());
        json.put("maxSessions", bridge.maxSessions());
        return HttpResponse.text(200, "application/json", json.toString() + "\n");
    }

    private static void closeAll(VoiceBridge bridge, EngineSelection.Loaded loaded) {
        if (bridge != null) {
            bridge.close();
        }
        loaded.close();
    }

    /** Checks the server's own options and picks the engines without loading them. */
    private EngineSelection.Picked validate() {
        if (port < 0 || port > 65_535) {
            throw CliException.usage("--port " + port + ": port must be 0..65535, was " + port);
        }
        if (maxSessions < 1) {
            throw CliException.usage("--max-sessions " + maxSessions + ": must be at least 1");
        }
        if (idleTimeoutS < 1) {
            throw CliException.usage("--idle-timeout " + idleTimeoutS + ": must be at least 1 second");
        }
        if (token != null && token.isBlank()) {
            throw CliException.usage("--token: must not be blank");
        }
        for (String origin : allowedOrigins) {
            checkOrigin(origin);
        }
        // Off by default: the browser cancels the echo of what it plays (getUserMedia echoCancellation).
        return engines.pick(false);
    }

    /**
     * An origin is how a browser names the page that opens the socket: scheme, host and port only. Anything else would
     * never match, and the page the user meant to allow would be refused with a 403 it cannot explain.
     */
    static void checkOrigin(String origin) {
        if (origin.equals("*")) {
            return;
        }
        URI uri;
        try {
            uri = new URI(origin.endsWith("/") ? origin.substring(0, origin.length() - 1) : origin);
        } catch (java.net.URISyntaxException e) {
            throw CliException.usage("--allow-origin " + origin + ": not an origin (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean onlyOrigin = uri.getHost() != null && (uri.getRawPath() == null || uri.getRawPath().isEmpty())
                && uri.getRawQuery() == null && uri.getRawFragment() == null && uri.getRawUserInfo() == null;
        if (!(scheme.equals("http") || scheme.equals("https")) || !onlyOrigin) {
            throw CliException.usage("--allow-origin " + origin + ": expected scheme://host[:port] such as"
                    + " https://app.example.com, or *");
        }
    }

    /**
     * Binds the address for a moment, so that a port in use or an address not on this machine is reported before the
     * engines load (Sphinx4 takes seconds). The real bind follows; a port taken in between is still reported then.
     */
    private void requireBindable() {
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw CliException.usage("--host " + host + ": unknown host");
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(address, port));
        } catch (IOException e) {
            throw CliException.usage("cannot listen on " + host + ":" + port + ": " + e.getMessage());
        }
    }

    @Override
    public Integer call() throws Exception {
        Running r = start();
        CountDownLatch stopped = new CountDownLatch(1);
        // Ctrl-C runs the command line's exit hook: every connection is told the server is going away (1001).
        try (CliExit.Registration onExit = CliExit.onExit(() -> {
            r.stop();
            stopped.countDown();
        })) {
            System.out.printf(Locale.ROOT, "engines: vad=%s asr=%s tts=%s aec=%s; responder=%s; up to %d sessions%n",
                    r.vad(), r.asr(), r.tts(), r.aec(), llm.describe(), maxSessions);
            if (!host.equals("127.0.0.1") && !host.equals("localhost") && !host.equals("::1") && token == null) {
                System.err.println("warning: serving " + host + " without --token: anyone who can reach this port can"
                        + " talk to it");
            }
            String page = r.server().pageUri() + (token == null ? "" : "?access_token=" + token);
            System.out.println("voicechat is serving " + page + " - open it in Chrome or Firefox, allow the"
                    + " microphone and talk; Ctrl-C stops");
            System.out.flush();
            stopped.await();
        }
        return ExitCode.OK;
    }
}
