package io.github.voicechat.web.rtc.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.onvoid.webrtc.CreateSessionDescriptionObserver;
import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.PeerConnectionObserver;
import dev.onvoid.webrtc.RTCAnswerOptions;
import dev.onvoid.webrtc.RTCConfiguration;
import dev.onvoid.webrtc.RTCDataChannel;
import dev.onvoid.webrtc.RTCDataChannelBuffer;
import dev.onvoid.webrtc.RTCDataChannelObserver;
import dev.onvoid.webrtc.RTCDataChannelState;
import dev.onvoid.webrtc.RTCIceCandidate;
import dev.onvoid.webrtc.RTCIceGatheringState;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCPeerConnectionState;
import dev.onvoid.webrtc.RTCRtpCodecCapability;
import dev.onvoid.webrtc.RTCRtpSender;
import dev.onvoid.webrtc.RTCRtpTransceiver;
import dev.onvoid.webrtc.RTCRtpTransceiverDirection;
import dev.onvoid.webrtc.RTCSdpType;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.SetSessionDescriptionObserver;
import dev.onvoid.webrtc.media.MediaStreamTrack;
import dev.onvoid.webrtc.media.MediaType;
import dev.onvoid.webrtc.media.audio.AudioTrack;
import dev.onvoid.webrtc.media.audio.AudioTrackSink;
import dev.onvoid.webrtc.media.audio.CustomAudioSource;
import io.github.voicechat.web.CloseCodes;
import io.github.voicechat.web.EdgeSession;
import io.github.voicechat.web.EdgeTransport;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One browser (or other WebRTC client) bridged to one edge session: a peer connection on the edge's shared factory,
 * a {@link CustomAudioSource} track carrying the session's output, an {@link AudioTrackSink} on the client's track
 * feeding the session's input, and the client's data channel carrying protocol v1's JSON both ways.
 *
 * <p>Threads: libwebrtc calls back on its signalling thread (descriptions, data channel) and its playout thread
 * (audio); the session writes from its own thread. Native calls such as a data-channel send block on the signalling
 * thread, so the rule that keeps this free of deadlock is: <b>a libwebrtc callback never waits for {@link #lock}</b>.
 * Callbacks only read volatile fields, call libwebrtc inline, or hand work to the edge's serial executor. The lock is
 * held by the session's thread (push audio, send text) and by the serial executor (gathering, teardown), so that
 * nothing is pushed or sent into an object being disposed. Inbound text also goes to the serial executor, because
 * the hello opens a session (engines load) and libwebrtc's threads must never wait for that.
 *
 * <p>Every native object this peer creates is counted in the {@link NativeLedger} and disposed by
 * {@link #teardown()}, which runs once, on the serial executor.
 */
public final class RtcPeer implements EdgeTransport {

    private static final Logger log = LoggerFactory.getLogger(RtcPeer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Larger data-channel messages are refused before decoding; the session's own cap (8 KiB) is far below. */
    private static final int MAX_DATA_MESSAGE_BYTES = 64 * 1024;
    private static final int CHUNK_SAMPLES = InboundTrack.RATE_HZ / 100; // CustomAudioSource takes 10 ms

    private final String id;
    private final PeerConnectionFactory factory;
    private final RTCConfiguration configuration;
    private final Executor serial;
    private final ScheduledExecutorService timers;
    private final NativeLedger ledger;
    private final Consumer<RtcPeer> onRetired;
    private final Object lock = new Object();
    private final byte[][] chunks = {new byte[2 * CHUNK_SAMPLES], new byte[2 * CHUNK_SAMPLES]};
    private final InboundTrack inbound;

    // Written once each; disposed under lock by teardown.
    private volatile boolean closing;
    private volatile boolean tornDown;
    private volatile RTCPeerConnection pc;
    private volatile CustomAudioSource source;
    private volatile AudioTrack localTrack;
    private volatile AudioTrack remoteTrack;
    private volatile AudioTrackSink sink;
    private volatile RTCDataChannel channel;

    private volatile EdgeSession session;
    /** Audio goes to the session only once it runs (after the hello): before, it would be a protocol violation. */
    private volatile boolean audioOpen;
    private volatile long framesIn;
    private volatile long framesOut;

    public RtcPeer(String id, PeerConnectionFactory factory, RTCConfiguration configuration, Executor serial,
            ScheduledExecutorService timers, NativeLedger ledger, Consumer<RtcPeer> onRetired) {
        this.id = id;
        this.factory = factory;
        this.configuration = configuration;
        this.serial = serial;
        this.timers = timers;
        this.ledger = ledger;
        this.onRetired = onRetired;
        this.inbound = new InboundTrack(this::onInboundFrame);
    }

    public String id() {
        return id;
    }

    /** Binds the edge session (right after the bridge connected this transport). */
    public void bind(EdgeSession edgeSession) {
        this.session = edgeSession;
    }

    public long framesIn() {
        return framesIn;
    }

    public long framesOut() {
        return framesOut;
    }

    // ------------------------------------------------------------------ signalling

    /**
     * Creates the native peer, applies the (already validated) offer, and completes with the answer once ICE
     * gathering is complete or {@code gatheringTimeoutMs} has passed (then with the candidates gathered so far).
     * Fails with {@link IllegalArgumentException} when libwebrtc refuses the offer.
     */
    public CompletableFuture<String> answer(String offerSdp, OfferValidator.Offer offer, long gatheringTimeoutMs) {
        CompletableFuture<String> answer = new CompletableFuture<>();
        synchronized (lock) {
            if (closing) {
                answer.completeExceptionally(new IllegalStateException("closed before the offer was applied"));
                return answer;
            }
            pc = factory.createPeerConnection(configuration, new Observer(answer));
            ledger.opened("RTCPeerConnection");
            source = new CustomAudioSource();
            ledger.opened("CustomAudioSource");
            localTrack = factory.createAudioTrack("voicechat-" + id, source);
            ledger.opened("AudioTrack");
            // Added before the offer is applied, so that the offer's audio section takes this track's transceiver.
            pc.addTrack(localTrack, List.of("voicechat"));
            // The rest runs in libwebrtc's callbacks, on its signalling thread, where calls into the peer are inline.
            // webrtc-java parses the SDP before the call and, when libwebrtc's parser refuses it, throws a
            // java.lang.Error (its way of reporting any native failure) naming the reason.
            try {
                applyOffer(offerSdp, offer, gatheringTimeoutMs, answer);
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable refused) {
                answer.completeExceptionally(new IllegalArgumentException(refused.getMessage(), refused));
            }
        }
        return answer;
    }

    private void applyOffer(String offerSdp, OfferValidator.Offer offer, long gatheringTimeoutMs,
            CompletableFuture<String> answer) {
        pc.setRemoteDescription(new RTCSessionDescription(RTCSdpType.OFFER, offerSdp), new SetObserver(answer,
                () -> {
                    if (closing) {
                        throw new IllegalStateException("closed while negotiating");
                    }
                    preferOpus(offer.audioMid());
                    pc.createAnswer(new RTCAnswerOptions(), new CreateObserver(answer, description -> {
                        if (closing) {
                            throw new IllegalStateException("closed while negotiating");
                        }
                        pc.setLocalDescription(description, new SetObserver(answer, () -> {
                            timers.schedule(() -> onSerial(() -> finishGathering(answer)), gatheringTimeoutMs,
                                    TimeUnit.MILLISECONDS);
                            onSerial(() -> {
                                if (!closing && pc.getIceGatheringState() == RTCIceGatheringState.COMPLETE) {
                                    finishGathering(answer);
                                }
                            });
                        }));
                    }));
                }));
    }

    private void onSerial(Runnable task) {
        try {
            serial.execute(() -> {
                synchronized (lock) {
                    if (!tornDown) {
                        task.run();
                    }
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // The edge is closed: the peer is being torn down anyway.
        }
    }

    /** Offers only Opus back (the validator made sure the client offered it), so nothing else is ever negotiated. */
    private void preferOpus(String mid) {
        List<RTCRtpCodecCapability> opus = new ArrayList<>();
        for (RTCRtpCodecCapability c : factory.getRtpSenderCapabilities(MediaType.AUDIO).getCodecs()) {
            if (c.getName().equalsIgnoreCase("opus")) {
                opus.add(c);
            }
        }
        for (RTCRtpTransceiver t : pc.getTransceivers()) {
            if (mid.equals(t.getMid())) {
                t.setDirection(RTCRtpTransceiverDirection.SEND_RECV);
                if (!opus.isEmpty()) {
                    t.setCodecPreferences(opus);
                }
            }
        }
    }

    /** On the serial executor, holding the lock. */
    private void finishGathering(CompletableFuture<String> answer) {
        if (answer.isDone()) {
            return;
        }
        if (closing) {
            answer.completeExceptionally(new IllegalStateException("closed while gathering candidates"));
            return;
        }
        RTCSessionDescription local = pc.getLocalDescription();
        if (local == null) {
            answer.completeExceptionally(new IllegalStateException("no local description"));
        } else {
            answer.complete(local.sdp);
        }
    }

    private final class Observer implements PeerConnectionObserver {
        private final CompletableFuture<String> answer;

        Observer(CompletableFuture<String> answer) {
            this.answer = answer;
        }

        @Override
        public void onIceCandidate(RTCIceCandidate candidate) {
            // Not trickled: the answer carries them all (WHIP without trickle).
        }

        @Override
        public void onIceGatheringChange(RTCIceGatheringState state) {
            if (state == RTCIceGatheringState.COMPLETE) {
                onSerial(() -> finishGathering(answer));
            }
        }

        @Override
        public void onConnectionChange(RTCPeerConnectionState state) {
            log.debug("peer {}: {}", id, state);
            if (state == RTCPeerConnectionState.FAILED) {
                close(CloseCodes.GOING_AWAY, "WebRTC connection failed");
            } else if (state == RTCPeerConnectionState.CLOSED) {
                close(CloseCodes.GOING_AWAY, "WebRTC connection closed");
            }
        }

        @Override
        public void onTrack(RTCRtpTransceiver transceiver) {
            MediaStreamTrack track = transceiver.getReceiver().getTrack();
            if (!(track instanceof AudioTrack audio)) {
                return;
            }
            if (closing || remoteTrack != null) {
                return;
            }
            AudioTrackSink s = inbound::onData;
            sink = s;
            remoteTrack = audio;
            audio.addSink(s);
        }

        @Override
        public void onDataChannel(RTCDataChannel dataChannel) {
            ledger.opened("RTCDataChannel");
            boolean accept = !closing && channel == null;
            if (accept) {
                dataChannel.registerObserver(new ChannelObserver(dataChannel));
                channel = dataChannel;
            } else {
                // A second channel, or one arriving while closing: not ours to keep.
                serial.execute(() -> {
                    dataChannel.close();
                    dataChannel.dispose();
                    ledger.closed("RTCDataChannel");
                });
            }
        }
    }

    private final class ChannelObserver implements RTCDataChannelObserver {
        private final RTCDataChannel observed;

        ChannelObserver(RTCDataChannel observed) {
            this.observed = observed;
        }

        @Override
        public void onBufferedAmountChange(long previousAmount) {
        }

        @Override
        public void onStateChange() {
            // On the signalling thread: the channel is not disposed before teardown unregisters this observer there.
            if (!closing && observed.getState() == RTCDataChannelState.CLOSED) {
                close(CloseCodes.GOING_AWAY, "the data channel closed");
            }
        }

        @Override
        public void onMessage(RTCDataChannelBuffer buffer) {
            // The buffer is only valid during this call.
            ByteBuffer data = buffer.data;
            if (buffer.binary) {
                close(CloseCodes.UNSUPPORTED_DATA, "binary data-channel messages are not used: audio goes in the "
                        + "audio track, control in JSON text");
                return;
            }
            if (data.remaining() > MAX_DATA_MESSAGE_BYTES) {
                close(CloseCodes.POLICY_VIOLATION, "data-channel message of " + data.remaining()
                        + " bytes is over the cap of " + MAX_DATA_MESSAGE_BYTES);
                return;
            }
            byte[] bytes = new byte[data.remaining()];
            data.duplicate().get(bytes);
            String text = new String(bytes, StandardCharsets.UTF_8);
            serial.execute(() -> {
                EdgeSession s = session;
                if (s != null) {
                    s.onText(text);
                }
            });
        }
    }

    // ------------------------------------------------------------------ audio

    /** A 20 ms frame of the client's voice, on the playout thread. */
    private void onInboundFrame(ByteBuffer pcm16le) {
        EdgeSession s = session;
        if (audioOpen && !closing && s != null) {
            framesIn++;
            s.onAudio(pcm16le);
        }
    }

    // ------------------------------------------------------------------ EdgeTransport

    @Override
    public void sendText(String json) {
        if (!audioOpen && json.startsWith("{\"type\":\"ready\"")) {
            audioOpen = true; // the session runs: the client's audio may flow into it from now on
        }
        send(json);
    }

    private void send(String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        synchronized (lock) {
            RTCDataChannel c = channel;
            if (tornDown || c == null || c.getState() != RTCDataChannelState.OPEN) {
                return;
            }
            try {
                c.send(new RTCDataChannelBuffer(ByteBuffer.wrap(bytes), false));
            } catch (Exception e) {
                log.debug("peer {}: data channel send failed: {}", id, e.toString());
            }
        }
    }

    /**
     * Always: every frame is sent, silence between answers included, so the RTP clock never stops. With gaps the
     * first packet of the next answer looked seconds late to the client's jitter buffer, which then grew its delay
     * (mouth to ear 919 ms against 93 ms with the clock running, module README). A barge-in is then heard to stop
     * because the server sends silence from the pause on and the client mutes its jitter buffer's tail on
     * {@code clear} until that silence arrives (the page's meter worklet).
     */
    @Override
    public boolean continuousAudio() {
        return true;
    }

    /** One 20 ms frame of 48 kHz PCM16LE, pushed as two 10 ms chunks (all libwebrtc's audio path takes). */
    @Override
    public boolean sendAudio(ByteBuffer pcm16le) {
        ByteBuffer in = pcm16le.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (in.remaining() != 2 * 2 * CHUNK_SAMPLES) {
            throw new IllegalArgumentException("the WebRTC edge sends 20 ms frames of " + 2 * CHUNK_SAMPLES
                    + " samples at 48 kHz, was given " + in.remaining() / 2 + " samples");
        }
        synchronized (lock) {
            CustomAudioSource source = this.source;
            if (tornDown || closing || source == null) {
                return true; // closing: nobody to tell
            }
            for (byte[] chunk : chunks) {
                ByteBuffer out = ByteBuffer.wrap(chunk).order(ByteOrder.nativeOrder());
                for (int i = 0; i < CHUNK_SAMPLES; i++) {
                    out.putShort(in.getShort());
                }
                source.pushAudio(chunk, 16, InboundTrack.RATE_HZ, 1, CHUNK_SAMPLES);
            }
            framesOut++;
        }
        return true;
    }

    /**
     * Ends the connection: tells the client why over the data channel ({@code {"type":"closed","code":..,
     * "reason":..}}, the WebSocket close frame's counterpart), then tears the peer down on the edge's executor.
     */
    @Override
    public void close(int code, String reason) {
        if (closing) {
            return;
        }
        closing = true;
        log.debug("peer {}: closing {} {}", id, code, reason);
        Runnable end = () -> {
            sendClosed(code, reason);
            teardown();
        };
        try {
            serial.execute(end);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            end.run(); // the edge is closing and runs no more tasks
        }
    }

    private void sendClosed(int code, String reason) {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", "closed");
        n.put("code", code);
        n.put("reason", reason);
        send(n.toString());
    }

    public boolean isClosing() {
        return closing;
    }

    /** Frees every native object, then lets the session go. Runs once, on the serial executor. */
    public void teardown() {
        synchronized (lock) {
            closing = true;
            if (tornDown) {
                return;
            }
            tornDown = true;
            // The client's track keeps its sink: pc.close() below stops the receive stream, so libwebrtc's playout
            // thread calls it no more; onInboundFrame ignores anything that still arrives after teardown.
            if (channel != null) {
                channel.unregisterObserver();
                channel.close();
            }
            if (pc != null) {
                // The sender holds our track: detach it first, or the track (and its source) outlive the peer.
                for (RTCRtpSender sender : pc.getSenders()) {
                    pc.removeTrack(sender);
                }
                pc.close();
                ledger.closed("RTCPeerConnection");
            }
            if (channel != null) {
                release("RTCDataChannel", channel::dispose);
            }
            if (localTrack != null) {
                release("AudioTrack", localTrack::dispose);
            }
            if (source != null) {
                release("CustomAudioSource", source::dispose);
            }
            remoteTrack = null;
            sink = null;
            channel = null;
            localTrack = null;
            source = null;
            pc = null;
        }
        EdgeSession s = session;
        if (s != null) {
            s.onClosed();
        }
        onRetired.accept(this);
    }

    /**
     * Drops our reference to a native object. webrtc-java's dispose() releases it and throws an {@link Error} when
     * libwebrtc still holds one of its own (it frees the object later); our reference is gone either way.
     */
    private void release(String kind, Runnable dispose) {
        try {
            dispose.run();
        } catch (Error stillReferenced) {
            log.debug("peer {}: {} still referenced inside libwebrtc: {}", id, kind, stillReferenced.getMessage());
        }
        ledger.closed(kind);
    }

    // ------------------------------------------------------------------ observers

    private final class SetObserver implements SetSessionDescriptionObserver {
        private final CompletableFuture<String> answer;
        private final Runnable next;

        SetObserver(CompletableFuture<String> answer, Runnable next) {
            this.answer = answer;
            this.next = next;
        }

        @Override
        public void onSuccess() {
            try {
                next.run();
            } catch (RuntimeException e) {
                answer.completeExceptionally(e);
            }
        }

        @Override
        public void onFailure(String error) {
            answer.completeExceptionally(new IllegalArgumentException(error));
        }
    }

    private static final class CreateObserver implements CreateSessionDescriptionObserver {
        private final CompletableFuture<String> answer;
        private final Consumer<RTCSessionDescription> next;

        CreateObserver(CompletableFuture<String> answer, Consumer<RTCSessionDescription> next) {
            this.answer = answer;
            this.next = next;
        }

        @Override
        public void onSuccess(RTCSessionDescription description) {
            try {
                next.accept(description);
            } catch (RuntimeException e) {
                answer.completeExceptionally(e);
            }
        }

        @Override
        public void onFailure(String error) {
            answer.completeExceptionally(new IllegalArgumentException(error));
        }
    }
}
