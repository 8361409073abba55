package io.github.voicechat.audio;

import java.io.IOException;

/** Where a session's played audio goes: mono float samples at {@link #sampleRateHz()}. */
public interface AudioSink extends AutoCloseable {

    int sampleRateHz();

    /** Writes samples; a real-time sink (a speaker) may block while its buffer is full. */
    void write(float[] samples, int offset, int length) throws IOException;

    /** Whether this sink consumes audio at the pace of the real world. */
    default boolean isRealtime() {
        return false;
    }

    @Override
    void close() throws IOException;
}
