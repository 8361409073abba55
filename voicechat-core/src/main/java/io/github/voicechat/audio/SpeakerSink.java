package io.github.voicechat.audio;

import java.io.IOException;
import javax.sound.sampled.SourceDataLine;

/**
 * The default speaker through javax.sound, 16-bit mono: {@link AudioSinks#speaker(int)}.
 *
 * <p>Two things a session needs from a real device that a file sink does not have:
 * <ul>
 *   <li>{@link #playbackDelaySamples()}: samples written minus the line's frame position, i.e. what is still queued.
 *       The echo canceller's far end is delayed by it, so the reference matches what is sounding.</li>
 *   <li>A device that goes away (unplugged, its sound server gone) makes {@link SourceDataLine#write} return short
 *       without an exception and without blocking; each later write then returns 0 at once. Left alone, a session
 *       would spin at full speed writing into nothing, so a short write is an {@link IOException} here.</li>
 * </ul>
 */
final class SpeakerSink implements AudioSink {

    private final SourceDataLine line;
    private final int sampleRateHz;
    private final int bufferSamples;
    private byte[] bytes = new byte[0];
    private long writtenSamples;
    private boolean broken;

    private SpeakerSink(SourceDataLine line, int sampleRateHz) {
        this.line = line;
        this.sampleRateHz = sampleRateHz;
        this.bufferSamples = line.getBufferSize() / 2;
    }

    static SpeakerSink open(int sampleRateHz, int bufferMs) throws IOException {
        if (bufferMs < 10 || bufferMs > 1000) {
            throw new IllegalArgumentException("speaker buffer must be 10..1000 ms, was " + bufferMs + " ms");
        }
        SourceDataLine line = SoundLines.open(SourceDataLine.class, SourceDataLine::open, sampleRateHz, bufferMs,
                "speaker", "playback");
        line.start();
        return new SpeakerSink(line, sampleRateHz);
    }

    @Override
    public int sampleRateHz() {
        return sampleRateHz;
    }

    @Override
    public void write(float[] samples, int offset, int length) throws IOException {
        if (broken) {
            throw new IOException("the speaker is gone (an earlier write failed)");
        }
        if (bytes.length < 2 * length) {
            bytes = new byte[2 * length];
        }
        Pcm.floatToPcm16Le(samples, offset, bytes, 0, length);
        int written = line.write(bytes, 0, 2 * length);
        writtenSamples += written / 2;
        if (written < 2 * length) {
            broken = true;
            throw new IOException(String.format(java.util.Locale.ROOT,
                    "the speaker stopped taking audio after %.2f s (it took %d of %d bytes): the playback device was"
                            + " removed or its sound server went away",
                    writtenSamples / (double) sampleRateHz, written, 2 * length));
        }
    }

    @Override
    public boolean isRealtime() {
        return true;
    }

    @Override
    public int playbackDelaySamples() {
        // The line's position is an estimate (javax.sound derives it from the free space in ALSA's buffer); before the
        // line runs it can exceed what was written. Clamp to what can be queued.
        long queued = writtenSamples - line.getLongFramePosition();
        return (int) Math.max(0, Math.min(bufferSamples, queued));
    }

    @Override
    public int discardQueued() {
        int queued = playbackDelaySamples();
        if (queued > 0 && !broken) {
            line.flush();
        }
        return queued;
    }

    @Override
    public void close() {
        if (!broken) {
            line.drain(); // a failed device would never drain
        }
        line.stop();
        line.close();
    }
}
