package io.github.voicechat.web;

import java.nio.ByteBuffer;

/**
 * What the bridge needs from one client connection; a transport (the embedded server, a host's Jakarta or Spring
 * WebSocket endpoint, a WebRTC peer's data channel and track) implements it. Every method may be called from any
 * thread, including a session's own, so none may block.
 */
public interface EdgeTransport {

    /**
     * Sends one JSON text message (an event or a reply), in order with the audio.
     *
     * @param json the message
     */
    void sendText(String json);

    /**
     * Sends one frame of bot audio: PCM16LE mono at the rate agreed in the hello, {@code frameMs} long. The
     * buffer is only valid during the call: copy it to send it later.
     *
     * @param pcm16le little-endian 16-bit mono PCM
     * @return false if the frame was dropped because the client is not reading fast enough (the transport's
     *         outbound buffer is full)
     */
    boolean sendAudio(ByteBuffer pcm16le);

    /**
     * Closes the connection with a {@link CloseCodes close code} and a reason (cut to 123 bytes of UTF-8).
     *
     * @param code the WebSocket close code
     * @param reason why, for the other side
     */
    void close(int code, String reason);
}
