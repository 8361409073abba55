package io.github.voicechat.internal.session;

/**
 * The session's audio time: 20 ms ticks, counted on the session's thread. Every event is stamped with it, so
 * latencies are differences of audio times and exact on a virtual clock.
 */
final class Ticks {
    static final int TICK_MS = 20;
    static final long TICK_NANOS = TICK_MS * 1_000_000L;

    final int inRateHz;
    final int inFrameSamples;
    /** Ticks run so far; advanced by the session only. */
    long tick;

    Ticks(int inRateHz) {
        this.inRateHz = inRateHz;
        this.inFrameSamples = inRateHz * TICK_MS / 1000;
    }

    /** First input sample of the current tick. */
    long inSample() {
        return tick * inFrameSamples;
    }

    double nowMs() {
        return tick * (double) TICK_MS;
    }

    /** An input-sample position in milliseconds. */
    double ms(long inputSample) {
        return inputSample * 1000.0 / inRateHz;
    }

    static long ticksFor(long ms) {
        return (ms + TICK_MS - 1) / TICK_MS;
    }
}
