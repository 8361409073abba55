package io.github.voicechat.web.examples;

import io.github.voicechat.web.EdgeSession;
import io.github.voicechat.web.EdgeTransport;
import io.github.voicechat.web.HandshakeRequest;
import io.github.voicechat.web.VoiceBridge;
import jakarta.websocket.CloseReason;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Queue;

/**
 * The glue for a host's own Jakarta WebSocket container (Tomcat, Jetty EE10, Undertow, Tyrus): the code the module
 * README shows, kept here so that it compiles against the real API. Register it with the container and set
 * {@link #bridge} at start-up.
 *
 * <p>Two differences from the embedded server: a Jakarta configurator cannot answer the upgrade with 401 or 403, so
 * a refused request is closed with 1008 and the reason; and Jakarta's async remote allows one send in flight, so
 * sends queue behind each other, and audio is dropped (the bridge is told) while more than a few are waiting.
 */
@ServerEndpoint(value = "/ws", configurator = JakartaVoiceEndpoint.Handshake.class)
public class JakartaVoiceEndpoint {

    /** The application's bridge, set once at start-up. */
    public static volatile VoiceBridge bridge;

    /** Keeps the upgrade request for {@link #open}: the bridge judges it there. */
    public static class Handshake extends ServerEndpointConfig.Configurator {
        @Override
        public void modifyHandshake(ServerEndpointConfig config, jakarta.websocket.server.HandshakeRequest request,
                HandshakeResponse response) {
            config.getUserProperties().put("voicechat.handshake",
                    HandshakeRequest.of(request.getRequestURI().toString(), request.getHeaders(), ""));
        }
    }

    @OnOpen
    public void open(Session session, EndpointConfig config) throws IOException {
        HandshakeRequest request = (HandshakeRequest) config.getUserProperties().get("voicechat.handshake");
        VoiceBridge.Admission admission = bridge.admit(request);
        if (!admission.accepted()) {
            session.close(new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, admission.reason()));
            return;
        }
        session.setMaxTextMessageBufferSize(64 * 1024);
        session.setMaxBinaryMessageBufferSize(64 * 1024);
        EdgeSession edge = bridge.connect(new Transport(session), request);
        session.getUserProperties().put("voicechat.edge", edge);
    }

    @OnMessage
    public void text(Session session, String message) {
        edge(session).onText(message);
    }

    @OnMessage
    public void binary(Session session, ByteBuffer message) {
        edge(session).onAudio(message);
    }

    @OnClose
    public void close(Session session) {
        EdgeSession edge = (EdgeSession) session.getUserProperties().get("voicechat.edge");
        if (edge != null) {
            edge.onClosed();
        }
    }

    private static EdgeSession edge(Session session) {
        return (EdgeSession) session.getUserProperties().get("voicechat.edge");
    }

    /** One send in flight at a time, the rest queued in order; audio is refused while the queue is long. */
    static final class Transport implements EdgeTransport {
        private static final int MAX_QUEUED = 8; // 160 ms of audio
        private final Session session;
        private final Queue<Object> queue = new ArrayDeque<>();
        private boolean sending;

        Transport(Session session) {
            this.session = session;
        }

        @Override
        public void sendText(String json) {
            enqueue(json);
        }

        @Override
        public boolean sendAudio(ByteBuffer pcm16le) {
            synchronized (this) {
                if (queue.size() >= MAX_QUEUED) {
                    return false;
                }
            }
            ByteBuffer copy = ByteBuffer.allocate(pcm16le.remaining());
            copy.put(pcm16le.duplicate()).flip();
            enqueue(copy);
            return true;
        }

        @Override
        public void close(int code, String reason) {
            try {
                session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason));
            } catch (IOException e) {
                // already gone
            }
        }

        private void enqueue(Object message) {
            synchronized (this) {
                queue.add(message);
                if (sending) {
                    return;
                }
                sending = true;
            }
            sendNext();
        }

        private void sendNext() {
            Object next;
            synchronized (this) {
                next = queue.poll();
                if (next == null || !session.isOpen()) {
                    sending = false;
                    queue.clear();
                    return;
                }
            }
            if (next instanceof String text) {
                session.getAsyncRemote().sendText(text, this::sent);
            } else {
                session.getAsyncRemote().sendBinary((ByteBuffer) next, this::sent);
            }
        }

        private void sent(SendResult result) {
            sendNext();
        }
    }
}
