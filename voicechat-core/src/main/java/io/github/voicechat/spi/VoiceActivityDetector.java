package io.github.voicechat.spi;

/**
 * Speech probability per fixed-size frame.
 *
 * <p>An instance keeps per-stream state (recurrent state, smoothing) and is used by one thread at a time. The
 * pipeline resamples and reframes its audio to {@link #sampleRateHz()} and {@link #frameSamples()} before calling,
 * so an implementation only validates (and must validate before any native call: a native library given the wrong
 * frame length may abort the JVM).
 */
public interface VoiceActivityDetector extends AutoCloseable {

    /** {@return the rate this detector analyses, in Hz} */
    int sampleRateHz();

    /** {@return the number of samples per call to {@link #speechProbability}} */
    int frameSamples();

    /**
     * Returns the probability in [0, 1] that the frame holds speech.
     *
     * @param samples mono samples at {@link #sampleRateHz()}
     * @param offset  index of the frame's first sample
     * @param length  {@link #frameSamples()}
     * @return the probability of speech
     * @throws IllegalArgumentException if {@code length != frameSamples()} or a sample is NaN or infinite
     */
    float speechProbability(float[] samples, int offset, int length);

    /** Forgets all state, as at the start of a new stream. */
    void reset();

    @Override
    void close();
}
