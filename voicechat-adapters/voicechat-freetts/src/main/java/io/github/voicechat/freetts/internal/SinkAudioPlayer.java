package io.github.voicechat.freetts.internal;

import com.sun.speech.freetts.audio.AudioPlayer;
import io.github.voicechat.audio.Pcm;
import io.github.voicechat.spi.EngineException;
import io.github.voicechat.spi.SynthesisSink;
import java.util.List;
import javax.sound.sampled.AudioFormat;

/**
 * FreeTTS's audio output, redirected: each buffer FreeTTS writes is converted from PCM16 to floats and handed to the
 * current {@link SynthesisSink} at once, with the text marks whose words the delivered audio has completed.
 *
 * <p>Returning {@code false} from {@link #write} is how FreeTTS learns of a cancellation: it then abandons the
 * utterance. Used by the one thread that calls {@code Voice.speak}.
 */
public final class SinkAudioPlayer implements AudioPlayer {

    private final int expectedRateHz;
    private final WordBoundaries boundaries;
    private AudioFormat format;
    private SynthesisSink sink;
    private volatile boolean cancelled;
    private float[] buffer = new float[2048];
    private byte[] carry = new byte[1];
    private boolean hasCarry;

    private List<WordBoundaries.Boundary> marks = List.of();
    private int nextMark;
    private double samplesPerSecond;
    private long utteranceSamples;
    private long deliveredSamples;
    private int lastMark;

    public SinkAudioPlayer(int expectedRateHz, WordBoundaries boundaries) {
        this.expectedRateHz = expectedRateHz;
        this.boundaries = boundaries;
    }

    /** Starts a new synthesis into {@code sink}. */
    public void start(SynthesisSink sink) {
        this.sink = sink;
        this.cancelled = false;
        this.lastMark = 0;
        this.deliveredSamples = 0;
        this.hasCarry = false;
    }

    /** Whether the sink has cancelled (polled by FreeTTS between buffers through the speakable). */
    public boolean isCancelled() {
        if (!cancelled && sink != null && sink.isCancelled()) {
            cancelled = true;
        }
        return cancelled;
    }

    /** Samples delivered since {@link #start}. */
    public long deliveredSamples() {
        return deliveredSamples;
    }

    /** Reports that the first {@code endChar} characters are spoken, if that is news. */
    public void mark(int endChar) {
        if (endChar > lastMark && !cancelled) {
            lastMark = endChar;
            sink.textMark(endChar);
        }
    }

    @Override
    public void setAudioFormat(AudioFormat format) {
        if ((int) format.getSampleRate() != expectedRateHz || format.getSampleSizeInBits() != 16
                || format.getChannels() != 1) {
            throw new EngineException("FreeTTS produced " + format + ", expected 16-bit mono at " + expectedRateHz
                    + " Hz");
        }
        this.format = format;
    }

    @Override
    public AudioFormat getAudioFormat() {
        return format;
    }

    @Override
    public void begin(int sizeBytes) {
        marks = boundaries.take();
        nextMark = 0;
        utteranceSamples = 0;
        double durationS = boundaries.durationS();
        // Segment times are targets; the concatenated units come out a little longer or shorter, so scale the
        // targets to the real length FreeTTS announces here.
        samplesPerSecond = durationS > 0 ? (sizeBytes / 2.0) / durationS : expectedRateHz;
    }

    @Override
    public boolean write(byte[] audio) {
        return write(audio, 0, audio.length);
    }

    @Override
    public boolean write(byte[] audio, int offset, int length) {
        if (isCancelled()) {
            return false;
        }
        int start = offset;
        int end = offset + length;
        if (hasCarry && start < end) {
            byte[] pair = {carry[0], audio[start]};
            deliver(pair, 0, 1);
            hasCarry = false;
            start++;
            if (cancelled) {
                return false;
            }
        }
        int samples = (end - start) / 2;
        if (samples > 0) {
            deliver(audio, start, samples);
        }
        if ((end - start) % 2 == 1) {
            carry[0] = audio[end - 1];
            hasCarry = true;
        }
        return !cancelled;
    }

    private void deliver(byte[] audio, int offset, int samples) {
        if (buffer.length < samples) {
            buffer = new float[samples];
        }
        if (format == null || format.isBigEndian()) {
            Pcm.pcm16BeToFloat(audio, offset, buffer, 0, samples);
        } else {
            Pcm.pcm16LeToFloat(audio, offset, buffer, 0, samples);
        }
        if (!sink.audio(buffer, 0, samples)) {
            cancelled = true;
            return;
        }
        deliveredSamples += samples;
        utteranceSamples += samples;
        while (nextMark < marks.size()
                && marks.get(nextMark).endS() * samplesPerSecond <= utteranceSamples) {
            mark(marks.get(nextMark).endChar());
            nextMark++;
        }
    }

    @Override
    public boolean end() {
        if (!cancelled) {
            // Whatever is left of the utterance has now been delivered in full.
            while (nextMark < marks.size()) {
                mark(marks.get(nextMark).endChar());
                nextMark++;
            }
        }
        return !cancelled;
    }

    @Override
    public void cancel() {
        cancelled = true;
    }

    @Override
    public boolean drain() {
        return true;
    }

    @Override
    public void pause() {
    }

    @Override
    public void resume() {
    }

    @Override
    public void reset() {
    }

    @Override
    public void close() {
    }

    @Override
    public float getVolume() {
        return 1f;
    }

    @Override
    public void setVolume(float volume) {
    }

    @Override
    public long getTime() {
        return 0;
    }

    @Override
    public void resetTime() {
    }

    @Override
    public void startFirstSampleTimer() {
    }

    @Override
    public void showMetrics() {
    }
}
