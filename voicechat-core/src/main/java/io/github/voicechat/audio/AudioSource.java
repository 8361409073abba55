package io.github.voicechat.audio;

import java.io.IOException;

/**
 * Where a session's microphone audio comes from: mono float samples at {@link #sampleRateHz()}.
 *
 * <p>A {@linkplain #isRealtime() real-time} source (a microphone) blocks in {@link #read} until audio exists and so
 * paces the session itself; a file or memory source returns at once and the session paces it (or not, on a
 * virtual clock).
 */
public interface AudioSource extends AutoCloseable {

    int sampleRateHz();

    /**
     * Reads up to {@code length} samples.
     *
     * @return samples read (at least 1 unless {@code length} is 0), or -1 at the end of the stream
     */
    int read(float[] buffer, int offset, int length) throws IOException;

    /** Whether this source delivers audio at the pace of the real world. */
    default boolean isRealtime() {
        return false;
    }

    /**
     * How many samples the device has captured that {@link #read} has not returned yet, as the device reports it now:
     * how long ago the next sample read was heard. 0 (the default) for sources that are not devices.
     */
    default int captureDelaySamples() {
        return 0;
    }

    @Override
    void close() throws IOException;
}
