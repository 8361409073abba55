package io.github.voicechat.web.rtc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onvoid.webrtc.PeerConnectionFactory;
import io.github.voicechat.audio.Pcm;
import io.github.voicechat.audio.Resampler;
import io.github.voicechat.web.rtc.client.RtcClientPeer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A second webrtc-java peer playing the browser ({@link RtcClientPeer}, shared with WebRtcEdgeBenchmark): it offers
 * an audio track and a data channel, POSTs the offer, streams audio at real time (10 ms chunks from a timer) and
 * records every JSON message and the bot audio it hears.
 * Its factory ({@link Side}) outlives the clients, so that a thread count sees only what a session adds.
 */
final class RtcTestClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final int RATE_HZ = RtcClientPeer.RATE_HZ;
    static final int CHUNK = RtcClientPeer.CHUNK;

    /**
     * The client side's factory (one per process, like the server's: see RtcRuntime), its pacing thread and HTTP
     * client, shared by its clients.
     */
    static final class Side implements AutoCloseable {
        private static PeerConnectionFactory shared;
        final PeerConnectionFactory factory;
        final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "rtc-test-mic");
            t.setDaemon(true);
            return t;
        });
        final HttpClient http = HttpClient.newBuilder()
                .executor(Executors.newFixedThreadPool(2, r -> {
                    Thread t = new Thread(r, "rtc-test-http");
                    t.setDaemon(true);
                    return t;
                })).build();

        Side() {
            synchronized (Side.class) {
                if (shared == null) {
                    shared = RtcClientPeer.headlessFactory();
                }
                factory = shared;
            }
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }

    record Message(String type, JsonNode json, long receivedNanos) {
    }

    private final Side side;
    private final RtcClientPeer peer;
    private final List<Message> messages = new CopyOnWriteArrayList<>();
    private final ArrayDeque<float[]> queue = new ArrayDeque<>();
    private final byte[] chunk = new byte[2 * CHUNK];
    private final AtomicLong botSamples = new AtomicLong();
    private final AtomicLong audibleBotSamples = new AtomicLong();
    /** System.nanoTime() of each audible 10 ms of bot audio received (for barge-in checks). */
    private final List<Long> audibleAt = new CopyOnWriteArrayList<>();
    private ScheduledFuture<?> pacing;
    private boolean closed;
    private float[] current;
    private int cursor;
    URI location;
    int answerStatus;
    String answerSdp;

    RtcTestClient(Side side) {
        this.side = side;
        peer = new RtcClientPeer(side.factory, () -> { }, this::onMessage, this::onBotAudio);
    }

    private void onMessage(String text) {
        try {
            JsonNode n = JSON.readTree(text);
            messages.add(new Message(n.path("type").asText(), n, System.nanoTime()));
        } catch (Exception e) {
            messages.add(new Message("unparsable", null, System.nanoTime()));
        }
    }

    /** The offer this client makes, ICE gathering complete. */
    String offer(Duration wait) throws Exception {
        return peer.offer(wait);
    }

    /** Offers, POSTs to {@code rtc}, applies the answer and waits for the data channel; returns the HTTP status. */
    int connect(URI rtc, Duration wait, String... headers) throws Exception {
        HttpResponse<String> response = peer.connect(side.http, rtc, wait, headers);
        answerStatus = response.statusCode();
        answerSdp = response.body();
        if (answerStatus != 201) {
            return answerStatus;
        }
        location = rtc.resolve(response.headers().firstValue("Location").orElseThrow());
        peer.awaitOpen(wait);
        return answerStatus;
    }

    void send(String json) throws Exception {
        peer.send(json);
    }

    /** Starts the microphone: 10 ms every 10 ms, from the queue, silence when it is empty. */
    void startStreaming() {
        pacing = side.timer.scheduleAtFixedRate(this::pushChunk, 0, 10, TimeUnit.MILLISECONDS);
    }

    /** Queues 16 kHz (or 48 kHz) audio to be sent at real time. */
    synchronized void queue(float[] samples, int rateHz) {
        if (rateHz == RATE_HZ) {
            queue.add(samples.clone());
            return;
        }
        Resampler r = Resampler.create(rateHz, RATE_HZ);
        float[] out = new float[r.maxOutputSamples(samples.length) + r.delaySamples() + 16];
        int n = r.process(samples, 0, samples.length, out, 0);
        n += r.flush(out, n);
        int drop = r.delaySamples();
        queue.add(java.util.Arrays.copyOfRange(out, Math.min(drop, n), n));
    }

    synchronized boolean queueEmpty() {
        return queue.isEmpty() && current == null;
    }

    private synchronized void pushChunk() {
        if (closed) {
            return;
        }
        ByteBuffer out = ByteBuffer.wrap(chunk).order(ByteOrder.nativeOrder());
        for (int i = 0; i < CHUNK; i++) {
            if (current == null || cursor == current.length) {
                current = queue.poll();
                cursor = 0;
            }
            out.putShort(current == null ? 0 : Pcm.toPcm16(current[cursor++]));
        }
        peer.pushAudio(chunk);
    }

    private void onBotAudio(byte[] data, int bits, int rateHz, int channels, int frames) {
        if (bits != 16 || closed) {
            return;
        }
        ByteBuffer in = ByteBuffer.wrap(data).order(ByteOrder.nativeOrder());
        int audible = 0;
        for (int i = 0; i < frames * channels; i++) {
            if (Math.abs(in.getShort()) > 1_000) { // about -30 dBFS
                audible++;
            }
        }
        botSamples.addAndGet(frames);
        if (audible > frames * channels / 20) {
            audibleBotSamples.addAndGet(frames);
            audibleAt.add(System.nanoTime());
        }
    }

    long audibleBotSamples() {
        return audibleBotSamples.get();
    }

    List<Long> audibleAt() {
        return audibleAt;
    }

    List<Message> messages() {
        return messages;
    }

    Message await(Predicate<Message> p, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            for (Message m : messages) {
                if (p.test(m)) {
                    return m;
                }
            }
            synchronized (this) {
                wait(20);
            }
        }
        throw new AssertionError("timed out after " + wait + "; received " + messages.stream().map(Message::type).toList());
    }

    Message awaitType(String type, Duration wait) throws InterruptedException {
        return await(m -> m.type().equals(type), wait);
    }

    /** Waits (bounded) until audible bot audio has arrived. */
    void awaitBotAudio(Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (audibleBotSamples.get() == 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no audible bot audio within " + wait + "; received "
                        + messages.stream().map(Message::type).toList());
            }
            synchronized (this) {
                wait(20);
            }
        }
    }

    int delete() throws Exception {
        return side.http.send(HttpRequest.newBuilder(location).DELETE().build(), HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }

    @Override
    public void close() {
        if (pacing != null) {
            pacing.cancel(false);
        }
        synchronized (this) {
            queue.clear();
            closed = true;
        }
        peer.close();
    }
}
