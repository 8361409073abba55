package io.github.voicechat.spi;

import java.util.Objects;

/**
 * A sink that passes everything on to another: extend it and override only what you observe or change (count or time
 * the audio, shift the text marks), as Okio's {@code ForwardingSink} does for bytes. For wrappers of a synthesizer:
 * metrics, benchmarks, fault injection in tests.
 */
public abstract class ForwardingSynthesisSink implements SynthesisSink {

    private final SynthesisSink delegate;

    /**
     * Forwards to {@code delegate}.
     *
     * @param delegate the sink everything goes on to
     */
    protected ForwardingSynthesisSink(SynthesisSink delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** {@return the sink everything goes on to} */
    protected final SynthesisSink delegate() {
        return delegate;
    }

    @Override
    public boolean audio(float[] samples, int offset, int length) {
        return delegate.audio(samples, offset, length);
    }

    @Override
    public void textMark(int endChar) {
        delegate.textMark(endChar);
    }

    @Override
    public boolean isCancelled() {
        return delegate.isCancelled();
    }
}
