package io.github.voicechat.testkit;

import io.github.voicechat.spi.SynthesisSink;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A {@link SynthesisSink} for synthesizer tests: collects the audio, the size of every piece and the text marks (with
 * the sample count at which each came), and cancels once {@code cancelAfterSamples} samples have arrived, if set,
 * counting the pieces offered after that.
 */
public final class RecordingSink implements SynthesisSink {
    /**
     * A text mark and how many samples had been delivered when it came.
     *
     * @param endChar  characters rendered
     * @param atSample samples delivered before the mark
     */
    public record Mark(int endChar, int atSample) {
    }

    private float[] audio = new float[48_000];
    private int length;
    /** The text marks in arrival order. */
    public final List<Mark> marks = new ArrayList<>();
    /** The sample count of every accepted piece, in order. */
    public final List<Integer> pieceSizes = new ArrayList<>();
    private final long cancelAfterSamples;
    private int piecesAfterCancel;
    private boolean cancelled;

    /** A sink that never cancels. */
    public RecordingSink() {
        this(Long.MAX_VALUE);
    }

    /**
     * A sink that cancels once {@code cancelAfterSamples} samples have arrived.
     *
     * @param cancelAfterSamples when to cancel
     */
    public RecordingSink(long cancelAfterSamples) {
        this.cancelAfterSamples = cancelAfterSamples;
    }

    @Override
    public boolean audio(float[] samples, int offset, int count) {
        if (cancelled) {
            piecesAfterCancel++;
            return false;
        }
        if (length + count > audio.length) {
            audio = Arrays.copyOf(audio, Math.max(audio.length * 2, length + count));
        }
        System.arraycopy(samples, offset, audio, length, count);
        length += count;
        pieceSizes.add(count);
        if (length >= cancelAfterSamples) {
            cancelled = true;
        }
        return true;
    }

    @Override
    public void textMark(int endChar) {
        marks.add(new Mark(endChar, length));
    }

    @Override
    public boolean isCancelled() {
        return cancelled;
    }

    /** {@return the pieces offered (and refused) after the sink cancelled} */
    public int piecesAfterCancel() {
        return piecesAfterCancel;
    }

    /** {@return a copy of the audio received so far} */
    public float[] samples() {
        return Arrays.copyOf(audio, length);
    }

    /** {@return the samples received so far} */
    public int length() {
        return length;
    }
}
