package io.github.voicechat.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.RTCStats;
import dev.onvoid.webrtc.RTCStatsType;
import io.github.voicechat.VoicePipeline;
import io.github.voicechat.audio.Pcm;
import io.github.voicechat.audio.Resampler;
import io.github.voicechat.audio.WavReader;
import io.github.voicechat.testkit.EnergyVad;
import io.github.voicechat.testkit.Scenario;
import io.github.voicechat.testkit.ScriptedRecognizer;
import io.github.voicechat.testkit.SineSynthesizer;
import io.github.voicechat.web.VoiceBridge;
import io.github.voicechat.web.WebServer;
import io.github.voicechat.web.rtc.WebRtcEdge;
import io.github.voicechat.web.rtc.client.RtcClientPeer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The WebRTC edge against the WebSocket edge on loopback: one server process (both edges on one embedded server, the
 * test kit's engines behind them: energy VAD, scripted recogniser, 440 Hz sine answers of ~2 s) and, per run, a client
 * process with N clients of one transport, each sending the same recording at real time, round and round (0.5 s of
 * quiet, {@code pocketsphinx_goforward.wav}, 3.5 s of quiet). Client and server are separate processes, so that the
 * server's CPU (/proc/self/stat, user + system, every thread, libwebrtc's native ones included) is the server's alone.
 *
 * <p>Measured per run, over {@code -Dseconds} after 6 s of settling:
 * <ul>
 *   <li><b>mouth to ear</b>: from the client pushing the last 10/20 ms of the question to the first audible bot audio
 *       it gets back. The same engines answer both transports, so the difference of the two is what the transport
 *       adds: for WebRTC, Opus both ways, the server's and the client's jitter buffers (NetEq); for the WebSocket,
 *       nothing (the page would add its 60 ms prebuffer, not counted here);</li>
 *   <li><b>jitter as the client sees it</b>: WebRTC, the receiver's RFC 3550 interarrival jitter (inbound-rtp stats,
 *       sampled each second per client) and the share of concealed samples (audio NetEq had to invent because a
 *       packet was late); WebSocket, |gap − 20 ms| between audio frames inside an answer;</li>
 *   <li><b>CPU</b> of the server process per session (% of one core).</li>
 * </ul>
 * Run (after {@code ./mvnw -B -DskipTests package}):
 * {@code java -Dseconds=30 -cp benchmarks/target/benchmarks.jar io.github.voicechat.benchmarks.WebRtcEdgeBenchmark 1 8 32}.
 */
public final class WebRtcEdgeBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ANSWER = "one two three four five six seven eight nine ten.";
    private static final double AUDIBLE = 1_000; // PCM16 amplitude, about -30 dBFS

    private WebRtcEdgeBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--client")) {
            client(args[1], URI.create(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]));
            return;
        }
        int seconds = Integer.getInteger("seconds", 30);
        List<Integer> ns = new ArrayList<>();
        for (String a : args) {
            ns.add(Integer.parseInt(a));
        }
        if (ns.isEmpty()) {
            ns = List.of(1, 8, 32);
        }
        List<String> transcripts = Collections.nCopies(100_000, "hello there");
        VoicePipeline pipeline = VoicePipeline.builder()
                .vad(EnergyVad::new)
                .asr(() -> new ScriptedRecognizer(16_000, -1, transcripts))
                .tts(SineSynthesizer::new)
                .responder((request, reply) -> reply.text(ANSWER))
                .build();
        VoiceBridge bridge = VoiceBridge.builder(pipeline).maxSessions(64).build();
        WebRtcEdge rtc = WebRtcEdge.builder(bridge).build();
        WebServer server = WebServer.builder(bridge).port(0).route(WebRtcEdge.PATH, rtc).start();
        // Printed as Markdown, to paste into voicechat-webrtc-edge/README.md as it stands.
        System.out.printf(Locale.ROOT, "%s, %d cores, Java %s, %d s per run after 6 s of settling; load average"
                        + " %.2f at the start%n%n", java.time.LocalDate.now(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.version"), seconds, loadAverage());
        System.out.println("| transport | N | turns | mouth to ear p50 / p90 (ms) | jitter p50 / p99 (ms) | concealed"
                + " | server CPU per session (% of a core) | client process CPU (% of a core) | jitter p99 ≤ 20 ms |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        List<String> added = new ArrayList<>();
        try {
            for (int n : ns) {
                String[] ws = runClient("websocket", server.pageUri(), n, seconds);
                String[] webrtc = runClient("webrtc", server.pageUri(), n, seconds);
                if (ws != null && webrtc != null) {
                    added.add(String.format(Locale.ROOT, "- N = %d: WebRTC adds %+.0f ms to the mouth-to-ear p50"
                            + " (%s against %s ms), and costs the server %s against %s %% of a core per session", n,
                            p50(webrtc) - p50(ws), p50String(webrtc), p50String(ws), webrtc[7].strip(), ws[7].strip()));
                }
            }
        } finally {
            server.close();
            rtc.close();
            bridge.close();
        }
        System.out.printf(Locale.ROOT, "%nLoad average %.2f at the end.%n%n", loadAverage());
        added.forEach(System.out::println);
    }

    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /** The mouth-to-ear p50 of a row's cells. */
    private static double p50(String[] cells) {
        return Double.parseDouble(p50String(cells));
    }

    private static String p50String(String[] cells) {
        return cells[4].split("/")[0].strip();
    }

    /**
     * Runs one client process and prints its row, with this (server) process's CPU over its measured window.
     *
     * @return the row's cells (index 1 is the transport), or null when the client failed
     */
    private static String[] runClient(String mode, URI base, int n, int seconds) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx1g", "-Dvoicechat.shared="
                + System.getProperty("voicechat.shared", "../shared"), "-cp", System.getProperty("java.class.path"),
                WebRtcEdgeBenchmark.class.getName(), "--client", mode, base.toString(), String.valueOf(n),
                String.valueOf(seconds));
        pb.redirectErrorStream(true);
        Process p = pb.start();
        long cpu0 = 0;
        long t0 = 0;
        String row = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.equals("MEASURE_START")) {
                    cpu0 = processCpuNanos();
                    t0 = System.nanoTime();
                } else if (line.startsWith("RESULT ")) {
                    double serverCpu = 100.0 * (processCpuNanos() - cpu0) / (System.nanoTime() - t0) / n;
                    row = line.substring(7).replace("SERVER_CPU", String.format(Locale.ROOT, "%.2f", serverCpu));
                } else if (line.startsWith("ERROR")) {
                    System.out.println(mode + " N=" + n + ": " + line);
                }
            }
        }
        p.waitFor(60, TimeUnit.SECONDS);
        if (row == null) {
            return null;
        }
        String[] cells = row.split("\\|");
        double jitterP99 = Double.parseDouble(cells[5].split("/")[1].strip());
        row = row + (jitterP99 <= 20 ? " yes |" : " **no** |");
        System.out.println(row);
        return cells;
    }

    /** User + system CPU of this process, every thread (native ones too), from /proc/self/stat. */
    static long processCpuNanos() throws Exception {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
        return ticks * 10_000_000L; // USER_HZ = 100
    }

    // ------------------------------------------------------------------ the client process

    /** One simulated user: the loop it sends and what it measures. */
    private abstract static class User {
        final int rateHz;
        final int chunk;
        final float[] loop;
        final int clipEnd;
        int cursor;
        volatile long questionEndNanos;
        volatile boolean measuring;
        final List<Double> mouthToEarMs = Collections.synchronizedList(new ArrayList<>());
        final List<Double> jitterMs = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch listening = new CountDownLatch(1);

        User(float[] loop16k, int clipEnd16k, int rateHz, int chunk, int offset) {
            this.rateHz = rateHz;
            this.chunk = chunk;
            this.loop = rateHz == 16_000 ? loop16k : resample(loop16k, rateHz);
            this.clipEnd = (int) ((long) clipEnd16k * rateHz / 16_000);
            this.cursor = (int) ((long) offset * rateHz / 16_000) % loop.length;
        }

        /** The next chunk as PCM16 (native order for webrtc, little endian for the WebSocket). */
        synchronized byte[] next(ByteOrder order) {
            byte[] out = new byte[2 * chunk];
            ByteBuffer b = ByteBuffer.wrap(out).order(order);
            for (int i = 0; i < chunk; i++) {
                if (cursor == clipEnd) {
                    questionEndNanos = System.nanoTime();
                }
                b.putShort(Pcm.toPcm16(loop[cursor]));
                cursor = (cursor + 1) % loop.length;
            }
            return out;
        }

        /** Bot audio arrived; the first audible after a question ends a mouth-to-ear measurement. */
        void botAudio(ByteBuffer pcm, int samples, int channels) {
            int audible = 0;
            for (int i = 0; i < samples * channels; i++) {
                if (Math.abs(pcm.getShort()) > AUDIBLE) {
                    audible++;
                }
            }
            long end = questionEndNanos;
            if (audible > samples * channels / 20 && end != 0) {
                questionEndNanos = 0;
                if (measuring) {
                    mouthToEarMs.add((System.nanoTime() - end) / 1e6);
                }
            }
        }
    }

    static float[] resample(float[] in, int rateHz) {
        Resampler r = Resampler.create(16_000, rateHz);
        float[] out = new float[r.maxOutputSamples(in.length) + r.delaySamples() + 16];
        int n = r.process(in, 0, in.length, out, 0);
        n += r.flush(out, n);
        return java.util.Arrays.copyOfRange(out, r.delaySamples(), n);
    }

    private static void client(String mode, URI base, int n, int seconds) throws Exception {
        Path shared = Path.of(System.getProperty("voicechat.shared", "../shared"));
        float[] clip = WavReader.read(shared.resolve("speech/pocketsphinx_goforward.wav")).mono();
        Scenario s = Scenario.at(16_000).silence(500).clip("q", clip);
        int clipEnd = s.samples().length;
        float[] loop = s.silence(3_500).samples();
        ScheduledExecutorService pacer = Executors.newScheduledThreadPool(2);
        java.util.Random random = new java.util.Random(42);
        List<User> users = new ArrayList<>();
        List<AutoCloseable> closers = new ArrayList<>();
        PeerConnectionFactory factory = null;
        try {
            if (mode.equals("webrtc")) {
                factory = RtcClientPeer.headlessFactory();
            }
            HttpClient http = HttpClient.newHttpClient();
            for (int i = 0; i < n; i++) {
                int offset = random.nextInt(loop.length);
                User u = mode.equals("webrtc") ? rtcUser(factory, http, base, loop, clipEnd, offset, pacer, closers,
                        random) : wsUser(http, base, loop, clipEnd, offset, pacer, closers, random);
                users.add(u);
            }
            for (User u : users) {
                if (!u.listening.await(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("a session did not start listening");
                }
            }
            TimeUnit.SECONDS.sleep(6);
            long cpu0 = processCpuNanos();
            long t0 = System.nanoTime();
            System.out.println("MEASURE_START");
            users.forEach(u -> u.measuring = true);
            TimeUnit.SECONDS.sleep(seconds);
            users.forEach(u -> u.measuring = false);
            double clientCpu = 100.0 * (processCpuNanos() - cpu0) / (System.nanoTime() - t0);
            List<Double> m2e = new ArrayList<>();
            List<Double> jitter = new ArrayList<>();
            for (User u : users) {
                synchronized (u.mouthToEarMs) {
                    m2e.addAll(u.mouthToEarMs);
                }
                synchronized (u.jitterMs) {
                    jitter.addAll(u.jitterMs);
                }
            }
            Collections.sort(m2e);
            Collections.sort(jitter);
            String concealed = mode.equals("webrtc") ? String.format(Locale.ROOT, "%.2f %%", 100 * concealedShare(users))
                    : "-";
            System.out.printf(Locale.ROOT, "RESULT | %s | %d | %d | %.0f / %.0f | %.2f / %.2f | %s | SERVER_CPU | %.1f |%n",
                    mode, n, m2e.size(), q(m2e, 0.5), q(m2e, 0.9), q(jitter, 0.5), q(jitter, 0.99), concealed,
                    clientCpu);
        } catch (Exception e) {
            System.out.println("ERROR " + e);
        } finally {
            pacer.shutdownNow();
            pacer.awaitTermination(5, TimeUnit.SECONDS);
            for (AutoCloseable c : closers) {
                try {
                    c.close();
                } catch (Exception | Error ignored) {
                    // the process ends anyway
                }
            }
        }
        System.out.flush();
        Runtime.getRuntime().halt(0); // libwebrtc's threads need not be joined in a throwaway process
    }

    private static final class RtcUser extends User {
        /** Set before the offer goes out, so before the data channel can open. */
        volatile RtcClientPeer peer;
        volatile long concealed;
        volatile long received;

        RtcUser(float[] loop, int clipEnd, int offset) {
            super(loop, clipEnd, 48_000, 480, offset);
        }
    }

    private static double concealedShare(List<User> users) {
        long c = 0;
        long r = 0;
        for (User u : users) {
            c += ((RtcUser) u).concealed;
            r += ((RtcUser) u).received;
        }
        return r == 0 ? Double.NaN : (double) c / r;
    }

    private static User rtcUser(PeerConnectionFactory factory, HttpClient http, URI base, float[] loop, int clipEnd,
            int offset, ScheduledExecutorService pacer, List<AutoCloseable> closers, java.util.Random random)
            throws Exception {
        RtcUser u = new RtcUser(loop, clipEnd, offset);
        RtcClientPeer peer = u.peer = new RtcClientPeer(factory, () -> {
            try {
                u.peer.send("{\"type\":\"hello\",\"v\":1}");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, text -> onJson(u, text), (data, bits, rate, channels, frames) ->
                u.botAudio(ByteBuffer.wrap(data).order(ByteOrder.nativeOrder()), frames, channels));
        HttpResponse<String> answer = peer.connect(http, base.resolve(WebRtcEdge.PATH), Duration.ofSeconds(30));
        if (answer.statusCode() != 201) {
            throw new IllegalStateException("offer refused: " + answer.statusCode() + " " + answer.body());
        }
        pacer.scheduleAtFixedRate(() -> peer.pushAudio(u.next(ByteOrder.nativeOrder())),
                random.nextInt(10_000), 10_000, TimeUnit.MICROSECONDS);
        pacer.scheduleAtFixedRate(() -> peer.connection().getStats(report -> {
            for (RTCStats st : report.getStats().values()) {
                if (st.getType() == RTCStatsType.INBOUND_RTP && "audio".equals(st.getAttributes().get("kind"))) {
                    Object j = st.getAttributes().get("jitter");
                    if (j instanceof Number jn && u.measuring) {
                        u.jitterMs.add(jn.doubleValue() * 1000);
                    }
                    if (st.getAttributes().get("concealedSamples") instanceof Number c && u.measuring) {
                        u.concealed = c.longValue();
                    }
                    if (st.getAttributes().get("totalSamplesReceived") instanceof Number r && u.measuring) {
                        u.received = r.longValue();
                    }
                }
            }
        }), 1, 1, TimeUnit.SECONDS);
        closers.add(peer.connection()::close);
        return u;
    }

    private static void onJson(User u, String text) {
        try {
            JsonNode n = JSON.readTree(text);
            if (n.path("type").asText().equals("state") && n.path("to").asText().equals("LISTENING")) {
                u.listening.countDown();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static final class WsUser extends User implements WebSocket.Listener {
        final StringBuilder text = new StringBuilder();
        long lastFrameNanos;
        WebSocket socket;

        WsUser(float[] loop, int clipEnd, int offset) {
            super(loop, clipEnd, 16_000, 320, offset);
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                onJson(this, text.toString());
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            long now = System.nanoTime();
            if (lastFrameNanos != 0 && now - lastFrameNanos < 200_000_000L && measuring) {
                jitterMs.add(Math.abs((now - lastFrameNanos) / 1e6 - 20.0));
            }
            lastFrameNanos = now;
            botAudio(data.order(ByteOrder.LITTLE_ENDIAN), data.remaining() / 2, 1);
            ws.request(1);
            return null;
        }
    }

    private static User wsUser(HttpClient http, URI base, float[] loop, int clipEnd, int offset,
            ScheduledExecutorService pacer, List<AutoCloseable> closers, java.util.Random random) throws Exception {
        WsUser u = new WsUser(loop, clipEnd, offset);
        URI ws = URI.create("ws://" + base.getHost() + ":" + base.getPort() + "/ws");
        u.socket = http.newWebSocketBuilder().buildAsync(ws, u).get(10, TimeUnit.SECONDS);
        u.socket.sendText("{\"type\":\"hello\",\"v\":1,\"outRateHz\":48000}", true).join();
        pacer.scheduleAtFixedRate(() -> {
            synchronized (u) {
                u.socket.sendBinary(ByteBuffer.wrap(u.next(ByteOrder.LITTLE_ENDIAN)), true).join();
            }
        }, random.nextInt(20_000), 20_000, TimeUnit.MICROSECONDS);
        closers.add(u.socket::abort);
        return u;
    }

    private static double q(List<Double> sorted, double q) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int i = (int) Math.min(sorted.size() - 1, Math.max(0, Math.ceil(q * sorted.size()) - 1));
        return sorted.get(i);
    }
}
