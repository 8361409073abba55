package io.github.voicechat.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.voicechat.audio.Pcm;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * A protocol v1 client on the JDK's own WebSocket, for tests and the benchmark: records every message with its
 * arrival time, and can stream audio at real time (one 20 ms frame every 20 ms, silence when nothing is queued).
 */
public final class WsTestClient implements WebSocket.Listener, AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A received message: JSON text, or binary audio. */
    public record Received(long nanos, JsonNode json, byte[] audio) {
        public boolean isAudio() {
            return audio != null;
        }

        public String type() {
            return json == null ? "" : json.path("type").asText();
        }

        /** Whether this is audio with any non-zero sample. */
        public boolean isAudible() {
            if (audio == null) {
                return false;
            }
            for (byte b : audio) {
                if (b != 0) {
                    return true;
                }
            }
            return false;
        }
    }

    public record Closed(int code, String reason) {
    }

    private final List<Received> received = new ArrayList<>();
    private final CompletableFuture<Closed> closed = new CompletableFuture<>();
    private final StringBuilder text = new StringBuilder();
    private final ByteArrayOutputStream binary = new ByteArrayOutputStream();
    private final ConcurrentLinkedQueue<byte[]> outgoing = new ConcurrentLinkedQueue<>();
    private WebSocket socket;
    private ScheduledExecutorService pacer;
    private ScheduledFuture<?> pacing;

    private WsTestClient() {
    }

    /** Connects; fails with the HTTP status when the upgrade is refused. */
    public static WsTestClient connect(HttpClient http, URI uri, String... headers) throws Exception {
        WsTestClient client = new WsTestClient();
        WebSocket.Builder b = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        client.socket = b.buildAsync(uri, client).get(10, TimeUnit.SECONDS);
        return client;
    }

    public WebSocket socket() {
        return socket;
    }

    public void send(String json) {
        synchronized (socket) {
            socket.sendText(json, true).join();
        }
    }

    public void hello(int outRateHz) {
        send("{\"type\":\"hello\",\"v\":1,\"inRateHz\":16000,\"outRateHz\":" + outRateHz + "}");
    }

    public void sendBinary(byte[] bytes) {
        synchronized (socket) {
            socket.sendBinary(ByteBuffer.wrap(bytes), true).join();
        }
    }

    /** 16 kHz float samples as PCM16LE 20 ms frames, queued for the real-time pacer (a trailing partial frame is padded). */
    public void queue(float[] samples16k) {
        for (int off = 0; off < samples16k.length; off += 320) {
            byte[] frame = new byte[640];
            ByteBuffer bb = ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < 320 && off + i < samples16k.length; i++) {
                bb.putShort(2 * i, Pcm.toPcm16(samples16k[off + i]));
            }
            outgoing.add(frame);
        }
    }

    /** Frames queued and not yet sent. */
    public int queuedFrames() {
        return outgoing.size();
    }

    /** Starts sending one frame every 20 ms: the queued audio, else silence. */
    public void startStreaming() {
        pacer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ws-test-pacer");
            t.setDaemon(true);
            return t;
        });
        byte[] silence = new byte[640];
        pacing = pacer.scheduleAtFixedRate(() -> {
            byte[] f = outgoing.poll();
            try {
                sendBinary(f == null ? silence : f);
            } catch (RuntimeException e) {
                pacing.cancel(false); // the socket closed
            }
        }, 0, 20, TimeUnit.MILLISECONDS);
    }

    public void stopStreaming() {
        if (pacer != null) {
            pacer.shutdownNow();
            pacer = null;
        }
    }

    // ------------------------------------------------------------------ listener

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
            long now = System.nanoTime();
            JsonNode node;
            try {
                node = JSON.readTree(text.toString());
            } catch (Exception e) {
                throw new IllegalStateException("server sent invalid JSON: " + text, e);
            }
            text.setLength(0);
            add(new Received(now, node, null));
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        byte[] chunk = new byte[data.remaining()];
        data.get(chunk);
        binary.writeBytes(chunk);
        if (last) {
            add(new Received(System.nanoTime(), null, binary.toByteArray()));
            binary.reset();
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        stopStreaming();
        closed.complete(new Closed(statusCode, reason));
        synchronized (this) {
            notifyAll();
        }
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        stopStreaming();
        closed.complete(new Closed(1006, String.valueOf(error)));
        synchronized (this) {
            notifyAll();
        }
    }

    private synchronized void add(Received r) {
        received.add(r);
        notifyAll();
    }

    // ------------------------------------------------------------------ assertions' helpers

    public synchronized List<Received> received() {
        return List.copyOf(received);
    }

    public synchronized List<JsonNode> messages(String type) {
        List<JsonNode> out = new ArrayList<>();
        for (Received r : received) {
            if (!r.isAudio() && r.type().equals(type)) {
                out.add(r.json());
            }
        }
        return out;
    }

    /** Waits for a received item matching {@code p}; returns it. */
    public synchronized Received await(Predicate<Received> p, Duration timeout) throws InterruptedException,
            TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        while (true) {
            for (; seen < received.size(); seen++) {
                if (p.test(received.get(seen))) {
                    return received.get(seen);
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || closed.isDone() && seen == received.size()) {
                throw new TimeoutException("nothing matched within " + timeout + "; got " + summary());
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    public Received awaitType(String type, Duration timeout) throws InterruptedException, TimeoutException {
        return await(r -> r.type().equals(type), timeout);
    }

    /** The close code and reason, once the server closed (or the connection dropped). */
    public Closed awaitClose(Duration timeout) throws InterruptedException, ExecutionException, TimeoutException {
        return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    /** The types of the text messages so far, audio counted in runs, for failure messages. */
    public synchronized String summary() {
        StringBuilder sb = new StringBuilder("[");
        int audio = 0;
        for (Received r : received) {
            if (r.isAudio()) {
                audio++;
                continue;
            }
            if (audio > 0) {
                sb.append("audio x").append(audio).append(", ");
                audio = 0;
            }
            sb.append(r.json()).append(", ");
        }
        if (audio > 0) {
            sb.append("audio x").append(audio);
        }
        return sb.append("] closed=").append(closed.getNow(null)).toString();
    }

    @Override
    public void close() {
        stopStreaming();
        if (!closed.isDone()) {
            try {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                socket.abort();
            }
        }
    }
}
