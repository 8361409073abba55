package io.github.voicechat.spi;

/**
 * Removes the echo of what we play (far end) from what the microphone hears (near end).
 *
 * <p>The pipeline calls {@link #process} once per {@link #frameSamples()} frame, with the far-end frame that was
 * sent to the speaker at the same audio time as the near-end frame was captured.
 */
public interface EchoCanceller extends AutoCloseable {

    /** {@return the rate of both ends, in Hz} */
    int sampleRateHz();

    /** {@return the length of the frames {@link #process} takes} */
    int frameSamples();

    /**
     * Writes the echo-cancelled near end to {@code out} (which may be {@code near}). Each array holds at least
     * {@code frameSamples()} samples from index 0.
     *
     * @param far  what was played at the time {@code near} was captured
     * @param near what the microphone heard
     * @param out  where the near end without the echo goes
     */
    void process(float[] far, float[] near, float[] out);

    @Override
    void close();
}
