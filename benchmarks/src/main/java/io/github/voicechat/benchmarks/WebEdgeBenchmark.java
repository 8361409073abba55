package io.github.voicechat.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.voicechat.VoicePipeline;
import io.github.voicechat.audio.Pcm;
import io.github.voicechat.audio.WavReader;
import io.github.voicechat.testkit.EnergyVad;
import io.github.voicechat.testkit.Scenario;
import io.github.voicechat.testkit.ScriptedRecognizer;
import io.github.voicechat.testkit.SineSynthesizer;
import io.github.voicechat.web.VoiceBridge;
import io.github.voicechat.web.WebServer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The WebSocket edge under N concurrent clients on loopback, each streaming a real recording at real time (one 20 ms
 * frame every 20 ms) and getting answers back. Behind the edge, the test kit's engines (energy VAD, scripted
 * recogniser, 440 Hz sine speech), so that what is measured is the edge and the session machinery, not Sphinx (64
 * Sphinx decoders do not fit on two cores). Server and clients share one JVM and so one clock.
 *
 * <p>Measured, after a warm-up run:
 * <ul>
 *   <li><b>edge-added latency</b>: for every JSON event, client receipt time minus the server's {@code serverTimeMs}
 *       stamp (taken when the session emitted it): the edge's JSON encoding, the event loop hop, the socket and the
 *       client's decoding;</li>
 *   <li><b>outbound jitter</b> as the client sees it: within each answer (a run of audio frames), how far each
 *       frame's arrival strays from 20 ms after the previous one ({@code |gap - 20 ms|}), p50/p99/max, and the
 *       largest spread of a frame's lateness against the answer's ideal 20 ms grid (the jitter buffer a client
 *       needs);</li>
 *   <li><b>CPU per session</b>: thread CPU time over the measured window, by thread group (the edge's I/O threads,
 *       the session loops, the engines' threads, the clients), divided by N and by the window: the share of one
 *       core each session costs.</li>
 * </ul>
 * Run: {@code java -cp benchmarks/target/benchmarks.jar io.github.voicechat.benchmarks.WebEdgeBenchmark 1 16 64}
 * (optionally {@code -Dseconds=30}). Needs {@code ../shared/speech} (or {@code -Dvoicechat.shared=...}).
 */
public final class WebEdgeBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ANSWER = "one two three four five six seven eight nine ten.";

    private WebEdgeBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = Integer.getInteger("seconds", 30);
        Path shared = Path.of(System.getProperty("voicechat.shared", "../shared"));
        float[] clip = WavReader.read(shared.resolve("speech/pocketsphinx_goforward.wav")).mono();
        // The user: a question, then 3.5 s of quiet in which the two-second answer plays; round and round.
        float[] loop = Scenario.at(16_000).silence(500).clip("q", clip).silence(3_500).samples();
        byte[][] frames = frames(loop);
        int[] ns = args.length == 0 ? new int[] {1, 16, 64} : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        System.out.printf(Locale.ROOT, "%d cores, %s, %d s per run; load average %.2f%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.version"), seconds,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        run(4, Math.min(10, seconds), frames, false); // warm-up: JIT, Netty's pools, the HTTP client
        System.out.println("| N | events | edge latency p50 / p99 / max (ms) | frames | jitter |gap-20| p50 / p99 / max"
                + " (ms) | worst lateness spread (ms) | CPU per session: edge I/O / session loop / engines / all"
                + " server (% of a core) | clients (% of a core, total) |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (int n : ns) {
            run(n, seconds, frames, true);
        }
    }

    private static byte[][] frames(float[] samples) {
        int count = samples.length / 320;
        byte[][] out = new byte[count][640];
        for (int f = 0; f < count; f++) {
            ByteBuffer bb = ByteBuffer.wrap(out[f]).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < 320; i++) {
                bb.putShort(Pcm.toPcm16(samples[f * 320 + i]));
            }
        }
        return out;
    }

    /** One client's record: event delays and audio arrival times, written by the HTTP client's thread. */
    private static final class Client implements WebSocket.Listener {
        final List<Double> eventDelaysMs = Collections.synchronizedList(new ArrayList<>());
        final List<Long> audioNanos = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch ready = new CountDownLatch(1);
        final StringBuilder text = new StringBuilder();
        volatile boolean measuring;
        WebSocket socket;

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                double receivedMs = nowEpochMs();
                try {
                    JsonNode n = JSON.readTree(text.toString());
                    if (n.path("type").asText().equals("state") && n.path("to").asText().equals("LISTENING")) {
                        ready.countDown();
                    }
                    if (measuring && n.has("serverTimeMs")) {
                        eventDelaysMs.add(receivedMs - n.get("serverTimeMs").asDouble());
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            if (last && measuring) {
                audioNanos.add(System.nanoTime());
            }
            ws.request(1);
            return null;
        }
    }

    private static double nowEpochMs() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1000.0 + now.getNano() / 1e6;
    }

    private static void run(int n, int seconds, byte[][] frames, boolean report) throws Exception {
        List<String> transcripts = Collections.nCopies(10_000, "hello there");
        VoicePipeline pipeline = VoicePipeline.builder()
                .vad(EnergyVad::new)
                .asr(() -> new ScriptedRecognizer(16_000, -1, transcripts))
                .tts(SineSynthesizer::new)
                .responder((request, reply) -> reply.text(ANSWER))
                .build();
        VoiceBridge bridge = VoiceBridge.builder(pipeline).maxSessions(n).build();
        WebServer server = WebServer.builder(bridge).port(0).start();
        HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(2, daemon("bench-client")))
                .build();
        ScheduledExecutorService pacer = Executors.newScheduledThreadPool(2, daemon("bench-pacer"));
        List<Client> clients = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                Client c = new Client();
                c.socket = http.newWebSocketBuilder().buildAsync(server.websocketUri(), c).get(10, TimeUnit.SECONDS);
                c.socket.sendText("{\"type\":\"hello\",\"v\":1,\"outRateHz\":48000}", true).join();
                clients.add(c);
            }
            for (Client c : clients) {
                if (!c.ready.await(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("a session did not start listening");
                }
            }
            // Each client sends its own frame every 20 ms, starting at a random point of the loop and of the grid.
            java.util.Random random = new java.util.Random(42);
            for (Client c : clients) {
                int[] next = {random.nextInt(frames.length)};
                pacer.scheduleAtFixedRate(() -> {
                    synchronized (c) {
                        c.socket.sendBinary(ByteBuffer.wrap(frames[next[0]]), true).join();
                        next[0] = (next[0] + 1) % frames.length;
                    }
                }, random.nextInt(20_000), 20_000, TimeUnit.MICROSECONDS);
            }
            // Let every session reach a steady state (first answers playing), then measure.
            TimeUnit.SECONDS.sleep(5);
            Map<String, Long> cpu0 = cpuByGroup();
            long t0 = System.nanoTime();
            clients.forEach(c -> c.measuring = true);
            TimeUnit.SECONDS.sleep(seconds);
            clients.forEach(c -> c.measuring = false);
            long windowNanos = System.nanoTime() - t0;
            Map<String, Long> cpu1 = cpuByGroup();
            if (report) {
                report(n, clients, cpu0, cpu1, windowNanos);
            }
        } finally {
            pacer.shutdownNow();
            for (Client c : clients) {
                c.socket.abort();
            }
            server.close();
            bridge.close();
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Thread CPU time in ns by group: edge I/O, session loop, engines, clients, other. */
    private static Map<String, Long> cpuByGroup() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<String, Long> out = new HashMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            long cpu = mx.getThreadCpuTime(t.getId());
            if (cpu < 0) {
                continue;
            }
            String name = t.getName();
            String group;
            if (name.startsWith("voicechat-web-io")) {
                group = "io";
            } else if (name.matches("voicechat-session-\\d+")) {
                group = "loop";
            } else if (name.startsWith("voicechat-session-")) {
                group = "engines";
            } else if (name.startsWith("bench-") || name.startsWith("HttpClient")) {
                group = "clients";
            } else {
                group = "other";
            }
            out.merge(group, cpu, Long::sum);
        }
        return out;
    }

    private static void report(int n, List<Client> clients, Map<String, Long> cpu0, Map<String, Long> cpu1,
            long windowNanos) {
        List<Double> delays = new ArrayList<>();
        List<Double> jitter = new ArrayList<>();
        double worstSpread = 0;
        long framesSeen = 0;
        for (Client c : clients) {
            synchronized (c.eventDelaysMs) {
                delays.addAll(c.eventDelaysMs);
            }
            List<Long> arrivals;
            synchronized (c.audioNanos) {
                arrivals = new ArrayList<>(c.audioNanos);
            }
            framesSeen += arrivals.size();
            int runStart = 0;
            for (int i = 1; i <= arrivals.size(); i++) {
                boolean endOfRun = i == arrivals.size() || arrivals.get(i) - arrivals.get(i - 1) > 200_000_000L;
                if (i < arrivals.size() && !endOfRun) {
                    jitter.add(Math.abs((arrivals.get(i) - arrivals.get(i - 1)) / 1e6 - 20.0));
                }
                if (endOfRun) {
                    double min = Double.MAX_VALUE;
                    double max = -Double.MAX_VALUE;
                    for (int k = runStart; k < i; k++) {
                        double lateness = (arrivals.get(k) - arrivals.get(runStart)) / 1e6 - (k - runStart) * 20.0;
                        min = Math.min(min, lateness);
                        max = Math.max(max, lateness);
                    }
                    if (i - runStart > 1) {
                        worstSpread = Math.max(worstSpread, max - min);
                    }
                    runStart = i;
                }
            }
        }
        Collections.sort(delays);
        Collections.sort(jitter);
        double window = windowNanos / 1e9;
        double io = pct(cpu1, cpu0, "io", window, n);
        double loop = pct(cpu1, cpu0, "loop", window, n);
        double engines = pct(cpu1, cpu0, "engines", window, n);
        double clientCpu = pct(cpu1, cpu0, "clients", window, 1);
        System.out.printf(Locale.ROOT,
                "| %d | %d | %.2f / %.2f / %.1f | %d | %.2f / %.2f / %.1f | %.1f | %.2f / %.2f / %.2f / %.2f | %.1f |%n",
                n, delays.size(), q(delays, 0.5), q(delays, 0.99), q(delays, 1.0), framesSeen, q(jitter, 0.5),
                q(jitter, 0.99), q(jitter, 1.0), worstSpread, io, loop, engines, io + loop + engines, clientCpu);
    }

    private static double pct(Map<String, Long> cpu1, Map<String, Long> cpu0, String group, double windowS, int n) {
        long ns = cpu1.getOrDefault(group, 0L) - cpu0.getOrDefault(group, 0L);
        return 100.0 * ns / 1e9 / windowS / n;
    }

    private static double q(List<Double> sorted, double q) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int i = (int) Math.min(sorted.size() - 1, Math.max(0, Math.ceil(q * sorted.size()) - 1));
        return sorted.get(i);
    }
}
