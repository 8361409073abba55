package io.github.voicechat.audio;

import java.io.IOException;

/** Where a session's played audio goes: mono float samples at {@link #sampleRateHz()}. */
public interface AudioSink extends AutoCloseable {

    /** {@return the rate this sink takes samples at, in Hz} */
    int sampleRateHz();

    /**
     * Writes samples; a real-time sink (a speaker) may block while its buffer is full.
     *
     * @param samples mono float samples at {@link #sampleRateHz()}
     * @param offset  index of the first sample to write
     * @param length  how many samples to write
     * @throws IOException if the underlying file, stream or device fails
     */
    void write(float[] samples, int offset, int length) throws IOException;

    /** {@return whether this sink consumes audio at the pace of the real world} */
    default boolean isRealtime() {
        return false;
    }

    @Override
    void close() throws IOException;
}
