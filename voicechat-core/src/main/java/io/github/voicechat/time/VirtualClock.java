package io.github.voicechat.time;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that moves only when told to; thread safe. */
public final class VirtualClock implements Clock {
    private final AtomicLong nanos = new AtomicLong();

    public VirtualClock() {
    }

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

    public void advanceNanos(long deltaNanos) {
        if (deltaNanos < 0) {
            throw new IllegalArgumentException("time cannot go backwards, delta was " + deltaNanos + " ns");
        }
        nanos.addAndGet(deltaNanos);
    }

    public void advance(Duration delta) {
        advanceNanos(delta.toNanos());
    }

    public void advanceMillis(long deltaMs) {
        advanceNanos(deltaMs * 1_000_000L);
    }
}
