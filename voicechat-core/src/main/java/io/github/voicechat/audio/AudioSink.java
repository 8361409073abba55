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

    /**
     * How many of the samples written so far have not been played yet: the device's queue, as the device reports it
     * now. The echo canceller's far end is delayed by this much (plus the source's
     * {@link AudioSource#captureDelaySamples()}), so that it matches what really sounds while the microphone listens.
     * 0 (the default) for sinks that play nothing aloud.
     *
     * @return the samples written but not yet played
     */
    default int playbackDelaySamples() {
        return 0;
    }

    /**
     * Drops what was written but not played yet, so that what is written next is heard at once (a barge-in pauses
     * the bot at the device, not 60 ms of queue later).
     *
     * @return how many samples were dropped: the last ones written, never heard; 0 (the default) where nothing is
     *     queued
     * @throws IOException when the device fails
     */
    default int discardQueued() throws IOException {
        return 0;
    }

    @Override
    void close() throws IOException;
}
