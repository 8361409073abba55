package io.github.voicechat.testkit;

import io.github.voicechat.audio.AudioData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds a user-side recording from silences, speech-like bursts and real clips at exactly known sample positions,
 * so a test knows the ground truth of every turn.
 */
public final class Scenario {

    /**
     * Where a burst or clip was placed.
     *
     * @param label        the name it was given
     * @param startSample  its first sample
     * @param endSample    one past its last sample
     * @param sampleRateHz the scenario's rate
     */
    public record Part(String label, long startSample, long endSample, int sampleRateHz) {
        /** {@return the start in milliseconds} */
        public double startMs() {
            return startSample * 1000.0 / sampleRateHz;
        }

        /** {@return the end in milliseconds} */
        public double endMs() {
            return endSample * 1000.0 / sampleRateHz;
        }
    }

    private final int sampleRateHz;
    private float[] samples = new float[0];
    private int length;
    private final List<Part> parts = new ArrayList<>();

    private Scenario(int sampleRateHz) {
        this.sampleRateHz = sampleRateHz;
    }

    /**
     * {@return an empty scenario}
     *
     * @param sampleRateHz the recording's rate
     */
    public static Scenario at(int sampleRateHz) {
        return new Scenario(sampleRateHz);
    }

    /**
     * Appends digital silence.
     *
     * @param durationMs how long
     * @return this scenario
     */
    public Scenario silence(int durationMs) {
        grow(samplesFor(durationMs));
        length += samplesFor(durationMs);
        return this;
    }

    /**
     * A speech-like burst: a 150 Hz harmonic buzz at about -14 dBFS, 5 ms fades so it starts and ends on the sample
     * it is placed at.
     *
     * @param label      the part's name
     * @param durationMs how long
     * @return this scenario
     */
    public Scenario speech(String label, int durationMs) {
        int n = samplesFor(durationMs);
        grow(n);
        int fade = samplesFor(5);
        for (int i = 0; i < n; i++) {
            double t = (double) i / sampleRateHz;
            double v = 0;
            for (int h = 1; h <= 5; h++) {
                v += Math.sin(2 * Math.PI * 150 * h * t) / h;
            }
            double env = Math.min(1.0, Math.min((double) (i + 1) / fade, (double) (n - i) / fade));
            samples[length + i] = (float) (0.2 * v * env);
        }
        parts.add(new Part(label, length, length + n, sampleRateHz));
        length += n;
        return this;
    }

    /**
     * Appends a real clip, which must be at this scenario's rate.
     *
     * @param label the part's name
     * @param clip  the samples, copied
     * @return this scenario
     */
    public Scenario clip(String label, float[] clip) {
        grow(clip.length);
        System.arraycopy(clip, 0, samples, length, clip.length);
        parts.add(new Part(label, length, length + clip.length, sampleRateHz));
        length += clip.length;
        return this;
    }

    /** {@return the bursts and clips placed so far, in order} */
    public List<Part> parts() {
        return List.copyOf(parts);
    }

    /**
     * {@return the first part called {@code label}}
     *
     * @param label the part's name
     * @throws IllegalArgumentException if there is none
     */
    public Part part(String label) {
        return parts.stream().filter(p -> p.label().equals(label)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no part '" + label + "' in " + parts));
    }

    /** {@return the recording's rate} */
    public int sampleRateHz() {
        return sampleRateHz;
    }

    /** {@return a copy of the recording so far} */
    public float[] samples() {
        return Arrays.copyOf(samples, length);
    }

    /** {@return the recording so far as a mono clip} */
    public AudioData toAudio() {
        return AudioData.mono(sampleRateHz, samples());
    }

    private int samplesFor(int ms) {
        return (int) ((long) sampleRateHz * ms / 1000);
    }

    private void grow(int extra) {
        if (length + extra > samples.length) {
            samples = Arrays.copyOf(samples, Math.max(length + extra, samples.length * 2));
        }
    }
}
