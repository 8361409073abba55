package io.github.voicechat.web.rtc.client;

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
import dev.onvoid.webrtc.RTCRtpSender;
import dev.onvoid.webrtc.RTCRtpTransceiver;
import dev.onvoid.webrtc.RTCSdpType;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.SetSessionDescriptionObserver;
import dev.onvoid.webrtc.media.MediaStreamTrack;
import dev.onvoid.webrtc.media.audio.AudioTrack;
import dev.onvoid.webrtc.media.audio.AudioTrackSink;
import dev.onvoid.webrtc.media.audio.CustomAudioSource;
import dev.onvoid.webrtc.media.audio.HeadlessAudioDeviceModule;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A webrtc-java peer playing the browser against the WebRTC edge: a microphone track fed with PCM16 at 48 kHz, a
 * data channel named {@code voicechat}, an offer with ICE gathering complete (no trickle, as the edge expects),
 * POSTed as {@code application/sdp}. The edge's tests ({@code RtcTestClient}) and {@code WebRtcEdgeBenchmark} both
 * drive the edge through this one peer; what they do with the messages and the bot audio is theirs.
 *
 * <p>The data channel's text messages go to {@code onMessage}, its opening to {@code onOpen}, and the PCM of the first
 * remote audio track to {@code botAudio} (webrtc-java's own sink signature), all on libwebrtc's threads.
 */
public final class RtcClientPeer implements AutoCloseable {

    /** The rate of the microphone track and of the bot audio libwebrtc hands back. */
    public static final int RATE_HZ = 48_000;
    /** 10 ms at {@link #RATE_HZ}: what {@link #pushAudio} takes per call. */
    public static final int CHUNK = RATE_HZ / 100;

    private final RTCPeerConnection pc;
    private final CustomAudioSource source = new CustomAudioSource();
    private final AudioTrack track;
    private final RTCDataChannel channel;
    private final CompletableFuture<Void> gathered = new CompletableFuture<>();
    private final CompletableFuture<Void> open = new CompletableFuture<>();
    /** Held here: libwebrtc keeps only a native reference to the sink it calls. */
    private final AudioTrackSink botAudio;
    private volatile AudioTrack remote;

    /**
     * A factory with webrtc-java's headless audio device (no sound card), playout started: one per process is
     * enough, and it outlives the peers, so that a count of native threads sees only what a session adds.
     */
    public static PeerConnectionFactory headlessFactory() {
        HeadlessAudioDeviceModule adm = new HeadlessAudioDeviceModule();
        adm.initPlayout();
        adm.startPlayout();
        return new PeerConnectionFactory(adm);
    }

    public RtcClientPeer(PeerConnectionFactory factory, Runnable onOpen, Consumer<String> onMessage,
            AudioTrackSink botAudio) {
        this.botAudio = botAudio;
        pc = factory.createPeerConnection(new RTCConfiguration(), new PeerConnectionObserver() {
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
                    a.addSink(RtcClientPeer.this.botAudio);
                }
            }
        });
        track = factory.createAudioTrack("mic", source);
        pc.addTrack(track, List.of("mic"));
        channel = pc.createDataChannel("voicechat", new RTCDataChannelInit());
        channel.registerObserver(new RTCDataChannelObserver() {
            @Override
            public void onBufferedAmountChange(long previousAmount) {
            }

            @Override
            public void onStateChange() {
                if (channel.getState() == RTCDataChannelState.OPEN && open.complete(null)) {
                    onOpen.run();
                }
            }

            @Override
            public void onMessage(RTCDataChannelBuffer buffer) {
                byte[] b = new byte[buffer.data.remaining()];
                buffer.data.get(b);
                onMessage.accept(new String(b, StandardCharsets.UTF_8));
            }
        });
    }

    /** The native peer connection, for what this class does not wrap (statistics). */
    public RTCPeerConnection connection() {
        return pc;
    }

    /** The offer this peer makes, set as its local description, ICE gathering complete. */
    public String offer(Duration wait) throws Exception {
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

    /**
     * Offers and POSTs the offer to {@code rtc} with the given header name/value pairs; on 201 applies the answer.
     * Returns the edge's response as it came (the answer, or the refusal's status and reason).
     */
    public HttpResponse<String> connect(HttpClient http, URI rtc, Duration wait, String... headers) throws Exception {
        HttpRequest.Builder post = HttpRequest.newBuilder(rtc).timeout(wait)
                .header("Content-Type", "application/sdp")
                .POST(HttpRequest.BodyPublishers.ofString(offer(wait)));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            post.header(headers[i], headers[i + 1]);
        }
        HttpResponse<String> response = http.send(post.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 201) {
            CompletableFuture<Void> set = new CompletableFuture<>();
            pc.setRemoteDescription(new RTCSessionDescription(RTCSdpType.ANSWER, response.body()), setObserver(set));
            set.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        }
        return response;
    }

    /** Waits until the data channel is open. */
    public void awaitOpen(Duration wait) throws Exception {
        open.get(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Sends a text message on the data channel. */
    public void send(String text) throws Exception {
        channel.send(new RTCDataChannelBuffer(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), false));
    }

    /** Pushes 10 ms of mono PCM16 in native byte order ({@link #CHUNK} samples) into the microphone track. */
    public void pushAudio(byte[] pcm16) {
        source.pushAudio(pcm16, 16, RATE_HZ, 1, CHUNK);
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

    /** Closes the channel and the connection, then frees the native objects; the factory stays. */
    @Override
    public void close() {
        // The remote track keeps its sink (see RtcPeer.teardown): pc.close() ends the calls into it.
        channel.unregisterObserver();
        channel.close();
        for (RTCRtpSender sender : pc.getSenders()) {
            pc.removeTrack(sender);
        }
        pc.close();
        channel.dispose();
        track.dispose();
        source.dispose();
    }
}
