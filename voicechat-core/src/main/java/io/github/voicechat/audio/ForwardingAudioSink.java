package io.github.voicechat.audio;

import java.io.IOException;
import java.util.Objects;

/**
 * A sink that passes everything on to another, the device's delays and queue cut included: extend it and override
 * only what you observe (count the writes, time the gaps, note a device that failed), as
 * {@link io.github.voicechat.spi.ForwardingSynthesisSink} does for a synthesizer's output. A wrapper that forgot
 * {@link #playbackDelaySamples()} or {@link #discardQueued()} would silently give the session a speaker with no
 * queue, so its echo canceller's far end would run ahead of what is heard and a barge-in would play out the queue.
 */
public abstract class ForwardingAudioSink implements AudioSink {

    private final AudioSink delegate;

    /**
     * Forwards to {@code delegate}.
     *
     * @param delegate the sink everything goes on to
     */
    protected ForwardingAudioSink(AudioSink delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** {@return the sink everything goes on to} */
    protected final AudioSink delegate() {
        return delegate;
    }

    @Override
    public int sampleRateHz() {
        return delegate.sampleRateHz();
    }

    @Override
    public void write(float[] samples, int offset, int length) throws IOException {
        delegate.write(samples, offset, length);
    }

    @Override
    public boolean isRealtime() {
        return delegate.isRealtime();
    }

    @Override
    public int playbackDelaySamples() {
        return delegate.playbackDelaySamples();
    }

    @Override
    public int discardQueued() throws IOException {
        return delegate.discardQueued();
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }
}
