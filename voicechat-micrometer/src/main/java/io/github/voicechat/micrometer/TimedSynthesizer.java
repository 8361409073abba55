package io.github.voicechat.micrometer;

import io.github.voicechat.spi.SpeechSynthesizer;
import io.github.voicechat.spi.SynthesisSink;
import io.micrometer.core.instrument.Timer;
import java.util.Iterator;

/**
 * A synthesizer that records the wall time from each synthesis call to the first audio it delivers. Everything else
 * passes straight through; the engine stays the one the session owns and closes.
 */
final class TimedSynthesizer implements SpeechSynthesizer {

    private final SpeechSynthesizer engine;
    private final Timer firstFrame;

    TimedSynthesizer(SpeechSynthesizer engine, Timer firstFrame) {
        this.engine = engine;
        this.firstFrame = firstFrame;
    }

    @Override
    public int sampleRateHz() {
        return engine.sampleRateHz();
    }

    @Override
    public void synthesize(String text, SynthesisSink sink) {
        engine.synthesize(text, new FirstAudio(sink));
    }

    /** The engine's own streaming of chunks (it may do better than one call per chunk), timed from the call. */
    @Override
    public void synthesize(Iterator<String> chunks, SynthesisSink sink) {
        engine.synthesize(chunks, new FirstAudio(sink));
    }

    @Override
    public void close() {
        engine.close();
    }

    @Override
    public String toString() {
        return engine.toString();
    }

    /** Passes everything on; times the first non-empty audio since the call that created it. */
    private final class FirstAudio implements SynthesisSink {
        private final SynthesisSink sink;
        private final long startedNanos = System.nanoTime();
        private boolean heard;

        FirstAudio(SynthesisSink sink) {
            this.sink = sink;
        }

        @Override
        public boolean audio(float[] samples, int offset, int length) {
            if (!heard && length > 0) {
                heard = true;
                firstFrame.record(System.nanoTime() - startedNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
            }
            return sink.audio(samples, offset, length);
        }

        @Override
        public void textMark(int endChar) {
            sink.textMark(endChar);
        }

        @Override
        public boolean isCancelled() {
            return sink.isCancelled();
        }
    }
}
