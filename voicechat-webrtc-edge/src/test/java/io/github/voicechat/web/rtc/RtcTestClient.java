package io.github.voicechat.web.rtc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onvoid.webrtc.CreateSessionDescriptionObserver;
import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.PeerConnectionObserver;
import dev.onvoid.webrtc.RTCConfiguration;
import dev.onvoid.webrtc.RTCDataChannel;
import dev.onvoid.webrtc.RTCDataChannelBuffer;
import dev.onvoid.webrtc.RTCDataChannelInit;
import dev.onvoid.webrtc.RTCDataChannelObserver;
import dev.onvoid.webrtc.RTCDataChannelState;
import dev.onvoid.webrtc.RTCIceCandidate;
import dev.onvoid.webrtc.RTCIceGatheringState;
import dev.onvoid.webrtc.RTCOfferOptions;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCRtpTransceiver;
import dev.onvoid.webrtc.RTCSdpType;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.SetSessionDescriptionObserver;
import dev.onvoid.webrtc.media.MediaStreamTrack;
import dev.onvoid.webrtc.media.audio.AudioTrack;
import dev.onvoid.webrtc.media.audio.AudioTrackSink;
import dev.onvoid.webrtc.media.audio.CustomAudioSource;
import dev.onvoid.webrtc.media.audio.HeadlessAudioDeviceModule;
import io.github.voicechat.audio.Pcm;
import io.github.voicechat.audio.Resampler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A second webrtc-java peer playing the browser: it offers an audio track and a data channel, POSTs the offer,
 * streams audio at real time (10 ms chunks from a timer) and records every JSON message and the bot audio it hears.
 * Its factory ({@link Side}) outlives the clients, so that a thread count sees only what a session adds.
 */
final class RtcTestClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final int RATE_HZ = 48_000;
    static final int CHUNK = RATE_HZ / 100;

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
                    HeadlessAudioDeviceModule adm = new HeadlessAudioDeviceModule();
                    adm.initPlayout();
                    adm.startPlayout();
                    shared = new PeerConnectionFactory(adm);
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
    private final RTCPeerConnection pc;
    private final CustomAudioSource source = new CustomAudioSource();
    private final AudioTrack track;
    private final RTCDataChannel channel;
    private final List<Message> messages = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Void> gathered = new CompletableFuture<>();
    private final CompletableFuture<Void> open = new CompletableFuture<>();
    private final ArrayDeque<float[]> queue = new ArrayDeque<>();
    private final byte[] chunk = new byte[2 * CHUNK];
    private final AtomicLong botSamples = new AtomicLong();
    private final AtomicLong audibleBotSamples = new AtomicLong();
    /** System.nanoTime() of each audible 10 ms of bot audio received (for barge-in checks). */
    private final List<Long> audibleAt = new CopyOnWriteArrayList<>();
    private volatile AudioTrack remote;
    private final AudioTrackSink sink = this::onBotAudio;
    private ScheduledFuture<?> pacing;
    private boolean closed;
    private float[] current;
    private int cursor;
    URI location;
    int answerStatus;
    String answerSdp;

    RtcTestClient(Side side) {
        this.side = side;
        pc = side.factory.createPeerConnection(new RTCConfiguration(), new PeerConnectionObserver() {
            @Override
            public void onIceCandidate(RTCIceCandidate candidate) {
            }

            @Override
            public void onIceGatheringChange(RTCIceGatheringState state) {
                if (state == RTCIceGatheringState.COMPLETE) {
                    gathered.complete(null);
                }
            }

            @Override
            public void onTrack(RTCRtpTransceiver transceiver) {
                MediaStreamTrack t = transceiver.getReceiver().getTrack();
                if (t instanceof AudioTrack a && remote == null) {
                    remote = a;
                    a.addSink(sink);
                }
            }
        });
        track = side.factory.createAudioTrack("mic", source);
        pc.addTrack(track, List.of("mic"));
        channel = pc.createDataChannel("voicechat", new RTCDataChannelInit());
        channel.registerObserver(new RTCDataChannelObserver() {
            @Override
            public void onBufferedAmountChange(long previousAmount) {
            }

            @Override
            public void onStateChange() {
                if (channel.getState() == RTCDataChannelState.OPEN) {
                    open.complete(null);
                }
            }

            @Override
            public void onMessage(RTCDataChannelBuffer buffer) {
                byte[] b = new byte[buffer.data.remaining()];
                buffer.data.get(b);
                try {
                    JsonNode n = JSON.readTree(new String(b, StandardCharsets.UTF_8));
                    messages.add(new Message(n.path("type").asText(), n, System.nanoTime()));
                } catch (Exception e) {
                    messages.add(new Message("unparsable", null, System.nanoTime()));
                }
            }
        });
    }

    /** The offer this client makes, ICE gathering complete. */
    String offer(Duration wait) throws Exception {
        CompletableFuture<RTCSessionDescription> offer = new CompletableFuture<>();
        pc.createOffer(new RTCOfferOptions(), new CreateSessionDescriptionObserver() {
            @Override
            public void onSuccess(RTCSessionDescription d) {
                offer.complete(d);
            }

            @Override
            public void onFailure(String error) {
                offer.completeExceptionally(new IllegalStateException(error));
            }
        });
        RTCSessionDescription d = offer.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        CompletableFuture<Void> set = new CompletableFuture<>();
        pc.setLocalDescription(d, setObserver(set));
        set.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        if (pc.getIceGatheringState() != RTCIceGatheringState.COMPLETE) {
            gathered.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        }
        return pc.getLocalDescription().sdp;
    }

    /** Offers, POSTs to {@code rtc}, applies the answer and waits for the data channel; returns the HTTP status. */
    int connect(URI rtc, Duration wait, String... headers) throws Exception {
        String sdp = offer(wait);
        HttpRequest.Builder post = HttpRequest.newBuilder(rtc).timeout(wait)
                .header("Content-Type", "application/sdp")
                .POST(HttpRequest.BodyPublishers.ofString(sdp));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            post.header(headers[i], headers[i + 1]);
        }
        HttpResponse<String> response = side.http.send(post.build(), HttpResponse.BodyHandlers.ofString());
        answerStatus = response.statusCode();
        answerSdp = response.body();
        if (answerStatus != 201) {
            return answerStatus;
        }
        location = rtc.resolve(response.headers().firstValue("Location").orElseThrow());
        CompletableFuture<Void> set = new CompletableFuture<>();
        pc.setRemoteDescription(new RTCSessionDescription(RTCSdpType.ANSWER, answerSdp), setObserver(set));
        set.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        open.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        return answerStatus;
    }

    private static SetSessionDescriptionObserver setObserver(CompletableFuture<Void> done) {
        return new SetSessionDescriptionObserver() {
            @Override
            public void onSuccess() {
                done.complete(null);
            }

            @Override
            public void onFailure(String error) {
                done.completeExceptionally(new IllegalStateException(error));
            }
        };
    }

    void send(String json) throws Exception {
        channel.send(new RTCDataChannelBuffer(ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8)), false));
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
        source.pushAudio(chunk, 16, RATE_HZ, 1, CHUNK);
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
        // The remote track keeps its sink (see RtcPeer.teardown): pc.close() ends the calls into it.
        channel.unregisterObserver();
        channel.close();
        for (dev.onvoid.webrtc.RTCRtpSender sender : pc.getSenders()) {
            pc.removeTrack(sender);
        }
        pc.close();
        channel.dispose();
        track.dispose();
        source.dispose();
    }
}
