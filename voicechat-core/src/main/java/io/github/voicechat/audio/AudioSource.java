package io.github.voicechat.audio;

import java.io.IOException;

/**
 * Where a session's microphone audio comes from: mono float samples at {@link #sampleRateHz()}.
 *
 * <p>A {@linkplain #isRealtime() real-time} source (a microphone) blocks in {@link #read} until audio exists and so
 * paces the session itself, on a thread of its own; a file or memory source returns at once and the session paces
 * it (or not, on a virtual clock). A source that is not real-time must not block: such sessions share tick threads.
 * A network stream read that way may return 0 when nothing has arrived yet; the rest of that 20 ms tick is then
 * silence.
 */
public interface AudioSource extends AutoCloseable {

    /** {@return the rate of the samples this source delivers, in Hz} */
    int sampleRateHz();

    /**
     * Reads up to {@code length} samples.
     *
     * @param buffer where the samples go
     * @param offset index in {@code buffer} of the first sample read
     * @param length the most samples to read
     * @return samples read (at least 1 for a real-time source unless {@code length} is 0; 0 from a source that is
     *         not real-time means none yet), or -1 at the end of the stream
     * @throws IOException if the underlying file, stream or device fails
     */
    int read(float[] buffer, int offset, int length) throws IOException;

    /** {@return whether this source delivers audio at the pace of the real world} */
    default boolean isRealtime() {
        return false;
    }

    /**
     * How many samples the device has captured that {@link #read} has not returned yet, as the device reports it now:
     * how long ago the next sample read was heard. 0 (the default) for sources that are not devices.
     *
     * @return the samples captured but not yet read
     */
    default int captureDelaySamples() {
        return 0;
    }

    @Override
    void close() throws IOException;
}
