package io.github.voicechat.internal.session;

import io.github.voicechat.audio.AudioSource;
import io.github.voicechat.audio.Resampler;
import java.io.IOException;
import java.util.Arrays;

/**
 * Stage 1, capture: reads the source and resamples it once to the session's input rate (the recogniser's), one
 * 20 ms frame per tick. Owns the source's buffers and the resampler's state (none when the source already runs at
 * the input rate); session thread only.
 */
final class CaptureStage {

    private final AudioSource source;
    private final Resampler resampler;
    private final int frameSamples;
    private final float[] buffer;
    private final float[] resampled;
    private final float[] fifo;
    private final float[] frame;
    private int fifoLength;
    private int drop;
    /** Whether the source has ended (its last samples may still be in this stage's buffer); read by the tick. */
    boolean ended;

    CaptureStage(AudioSource source, int inRateHz, int frameSamples) {
        this.source = source;
        this.frameSamples = frameSamples;
        this.resampler = source.sampleRateHz() == inRateHz ? null : Resampler.create(source.sampleRateHz(), inRateHz);
        this.drop = resampler == null ? 0 : resampler.delaySamples();
        int chunk = Math.max(1, source.sampleRateHz() * Ticks.TICK_MS / 1000);
        this.buffer = new float[chunk];
        this.resampled = resampler == null ? buffer
                : new float[resampler.maxOutputSamples(chunk) + resampler.delaySamples() + 16];
        this.fifo = new float[4 * frameSamples + resampled.length];
        this.frame = new float[frameSamples];
    }

    /**
     * One frame at the input rate. Once the source has ended (or, for a source that does not block, when it has
     * nothing yet) the rest of the frame is silence.
     */
    float[] run() throws IOException {
        while (fifoLength < frameSamples && !ended) {
            int got = source.read(buffer, 0, buffer.length);
            if (got == 0) {
                break; // nothing has arrived yet: this tick's frame ends in silence
            }
            int produced;
            if (got < 0) {
                ended = true;
                produced = resampler == null ? 0 : resampler.flush(resampled, 0);
            } else {
                produced = resampler == null ? got : resampler.process(buffer, 0, got, resampled, 0);
            }
            int skip = Math.min(drop, produced);
            drop -= skip;
            System.arraycopy(resampled, skip, fifo, fifoLength, produced - skip);
            fifoLength += produced - skip;
        }
        int n = Math.min(frameSamples, fifoLength);
        System.arraycopy(fifo, 0, frame, 0, n);
        Arrays.fill(frame, n, frameSamples, 0f);
        System.arraycopy(fifo, n, fifo, 0, fifoLength - n);
        fifoLength -= n;
        return frame;
    }
}
