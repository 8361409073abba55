package io.github.voicechat.time;

import io.github.voicechat.internal.session.VirtualSleep;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * Time an engine spends, on the clock of the session it works for. An engine that models its own latency (the test
 * kit's recogniser delay, time to first token, synthesis real-time factor) waits here instead of
 * {@code Thread.sleep}.
 *
 * <p>On a worker thread of a session that runs on a {@link VirtualClock}, the wait is in the session's virtual time:
 * it costs no wall time, and the session's lockstep gate moves past it exactly, so a race such as "the user speaks
 * again while a transcript is pending" becomes an exact, repeatable test. Anywhere else it parks on the system clock
 * for the real duration.
 */
public final class SessionTime {

    private SessionTime() {
    }

    /**
     * Waits {@code duration} of session time.
     *
     * @param duration how long, in session time
     * @throws InterruptedException  if the thread is interrupted (a session abandoning a stuck engine does that)
     * @throws IllegalStateException if the virtual-clock session it works for has ended
     */
    public static void sleep(Duration duration) throws InterruptedException {
        sleepNanos(duration.toNanos());
    }

    /**
     * Waits {@code nanos} of session time.
     *
     * @param nanos how long, in nanoseconds of session time
     * @throws InterruptedException  if the thread is interrupted (a session abandoning a stuck engine does that)
     * @throws IllegalStateException if the virtual-clock session it works for has ended
     */
    public static void sleepNanos(long nanos) throws InterruptedException {
        if (nanos <= 0) {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            return;
        }
        if (VirtualSleep.sleep(nanos)) {
            return;
        }
        long deadline = System.nanoTime() + nanos;
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while sleeping " + nanos + " ns");
            }
        }
    }
}
