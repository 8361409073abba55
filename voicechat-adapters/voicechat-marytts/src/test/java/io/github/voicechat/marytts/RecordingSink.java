package io.github.voicechat.marytts;

import io.github.voicechat.spi.SynthesisSink;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Collects audio and text marks; cancels once {@code cancelAfterSamples} samples have arrived, if set. */
final class RecordingSink implements SynthesisSink {
    /** A text mark and how many samples had been delivered when it came. */
    record Mark(int endChar, int atSample) {
    }

    private float[] audio = new float[48_000];
    private int length;
    final List<Mark> marks = new ArrayList<>();
    final List<Integer> pieceSizes = new ArrayList<>();
    private final long cancelAfterSamples;
    int piecesAfterCancel;
    private boolean cancelled;

    RecordingSink() {
        this(Long.MAX_VALUE);
    }

    RecordingSink(long cancelAfterSamples) {
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

    float[] samples() {
        return Arrays.copyOf(audio, length);
    }

    int length() {
        return length;
    }
}
