package io.github.voicechat.web.internal;

import io.github.voicechat.audio.AudioSink;
import io.github.voicechat.audio.Pcm;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A session's output as binary messages: one frame of PCM16LE per {@link #write}, handed to the transport.
 *
 * <p>The session writes one frame per 20 ms tick on the real clock, so the client receives bot audio at exactly the
 * pace it plays it and never holds more than its own small jitter buffer: that is what makes {@code clear} on
 * barge-in effective. Frames of pure silence are sent only while the bot is speaking (a pause inside an answer is
 * part of it); between answers nothing is sent. Not real-time (the session paces it), and never blocks: a client
 * that does not read loses frames, and after {@code maxDroppedFrames} in a row is cut off.
 */
public final class OutboundAudio implements AudioSink {

    /** What the sink reports back to its edge session. */
    public interface Channel {
        /** Whether the bot is speaking now (silence is then part of the answer and is sent). */
        boolean speaking();

        /** Sends one frame; false if the transport dropped it. */
        boolean send(ByteBuffer pcm16le);

        /** The client has not read {@code frames} frames in a row. */
        void stalled(long frames);
    }

    private final int sampleRateHz;
    private final Channel channel;
    private final long maxDroppedFrames;
    private final ByteBuffer bytes;
    private volatile boolean closed;
    private long droppedInARow;
    private long sentFrames;
    private long droppedFrames;

    public OutboundAudio(int sampleRateHz, int frameSamples, Channel channel, long maxDroppedFrames) {
        this.sampleRateHz = sampleRateHz;
        this.channel = channel;
        this.maxDroppedFrames = maxDroppedFrames;
        this.bytes = ByteBuffer.allocate(2 * frameSamples).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public int sampleRateHz() {
        return sampleRateHz;
    }

    @Override
    public void write(float[] samples, int offset, int length) {
        if (closed || length == 0 || !channel.speaking() && isSilent(samples, offset, length)) {
            return;
        }
        if (2 * length > bytes.capacity()) {
            throw new IllegalArgumentException("frames are at most " + bytes.capacity() / 2 + " samples, was " + length);
        }
        bytes.clear();
        for (int i = 0; i < length; i++) {
            bytes.putShort(Pcm.toPcm16(samples[offset + i]));
        }
        bytes.flip();
        if (channel.send(bytes)) {
            sentFrames++;
            droppedInARow = 0;
        } else {
            droppedFrames++;
            if (++droppedInARow == maxDroppedFrames) {
                channel.stalled(droppedInARow);
            }
        }
    }

    private static boolean isSilent(float[] samples, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            if (samples[i] != 0f) {
                return false;
            }
        }
        return true;
    }

    public long sentFrames() {
        return sentFrames;
    }

    public long droppedFrames() {
        return droppedFrames;
    }

    @Override
    public void close() {
        closed = true;
    }
}
