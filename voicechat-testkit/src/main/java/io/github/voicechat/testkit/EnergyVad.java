package io.github.voicechat.testkit;

import io.github.voicechat.audio.Pcm;
import io.github.voicechat.spi.VoiceActivityDetector;

/**
 * A simple energy detector: 10 ms frames, probability rising linearly from 0 at {@code floorDbfs} to 1 at
 * {@code ceilingDbfs}. Deterministic, so scenario tests know exactly which frame is speech.
 */
public final class EnergyVad implements VoiceActivityDetector {

    private final int sampleRateHz;
    private final int frameSamples;
    private final double floorDbfs;
    private final double ceilingDbfs;

    /** 16 kHz, 10 ms frames, 0 at -50 dBFS, 1 at -35 dBFS. */
    public EnergyVad() {
        this(16_000, -50, -35);
    }

    /**
     * A detector with 10 ms frames at {@code sampleRateHz}.
     *
     * @param sampleRateHz the rate it analyses
     * @param floorDbfs    the level of probability 0
     * @param ceilingDbfs  the level of probability 1, above the floor
     */
    public EnergyVad(int sampleRateHz, double floorDbfs, double ceilingDbfs) {
        if (!(ceilingDbfs > floorDbfs)) {
            throw new IllegalArgumentException("ceiling " + ceilingDbfs + " dBFS must be above floor " + floorDbfs);
        }
        this.sampleRateHz = sampleRateHz;
        this.frameSamples = sampleRateHz / 100;
        this.floorDbfs = floorDbfs;
        this.ceilingDbfs = ceilingDbfs;
    }

    @Override
    public int sampleRateHz() {
        return sampleRateHz;
    }

    @Override
    public int frameSamples() {
        return frameSamples;
    }

    @Override
    public float speechProbability(float[] samples, int offset, int length) {
        if (length != frameSamples) {
            throw new IllegalArgumentException("frame must be " + frameSamples + " samples, was " + length);
        }
        Pcm.requireFinite(samples, offset, length);
        double db = Pcm.dbfs(Pcm.rms(samples, offset, length));
        return (float) Math.max(0, Math.min(1, (db - floorDbfs) / (ceilingDbfs - floorDbfs)));
    }

    @Override
    public void reset() {
        // stateless
    }

    @Override
    public void close() {
        // nothing held
    }
}
