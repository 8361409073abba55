package io.github.voicechat.time;

/**
 * A source of monotonic time, real or virtual.
 *
 * <p>Everything that measures or waits on time takes a Clock so tests can run on a {@link VirtualClock}: exact and
 * deterministic, with no sleeping.
 */
public interface Clock {

    /** {@return monotonic nanoseconds; only differences are meaningful} */
    long nanoTime();

    /** {@return whether this clock is virtual: then waits do not sleep and the pipeline runs in lockstep} */
    default boolean isVirtual() {
        return false;
    }

    /** {@return the system's monotonic clock} */
    static Clock system() {
        return SystemClock.INSTANCE;
    }
}
