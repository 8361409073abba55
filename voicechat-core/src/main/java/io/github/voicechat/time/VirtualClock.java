package io.github.voicechat.time;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that moves only when told to; thread safe. */
public final class VirtualClock implements Clock {
    private final AtomicLong nanos = new AtomicLong();

    /** A clock at 0 ns. */
    public VirtualClock() {
    }

    /**
     * A clock at {@code startNanos}.
     *
     * @param startNanos the first value of {@link #nanoTime()}
     */
    public VirtualClock(long startNanos) {
        nanos.set(startNanos);
    }

    @Override
    public long nanoTime() {
        return nanos.get();
    }

    @Override
    public boolean isVirtual() {
        return true;
    }

    /**
     * Moves the clock forward.
     *
     * @param deltaNanos nanoseconds to add, not negative
     */
    public void advanceNanos(long deltaNanos) {
        if (deltaNanos < 0) {
            throw new IllegalArgumentException("time cannot go backwards, delta was " + deltaNanos + " ns");
        }
        nanos.addAndGet(deltaNanos);
    }

    /**
     * Moves the clock forward.
     *
     * @param delta the time to add, not negative
     */
    public void advance(Duration delta) {
        advanceNanos(delta.toNanos());
    }

    /**
     * Moves the clock forward.
     *
     * @param deltaMs milliseconds to add, not negative
     */
    public void advanceMillis(long deltaMs) {
        advanceNanos(deltaMs * 1_000_000L);
    }
}
