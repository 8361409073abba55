package io.github.voicechat.internal.session;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Stage 5 on a virtual clock, the lockstep gate: keeps the session's worker threads in step with its ticks, so
 * every event lands on the same tick in every run.
 *
 * <p>It owns the session's virtual time ({@link #nowNanos}, the tick's audio time) and the worker threads'
 * sleeps in it. An engine that models its own latency ({@code SessionTime.sleep}, used by the test kit's engines)
 * does not sleep on the real clock: it records a deadline in virtual time and parks until the gate reaches it. A
 * worker's virtual time runs on from its last deadline, not from the session's now, so an engine faster than real
 * time produces several frames in one tick and its real-time factor is exact.
 *
 * <p>{@link #settle} waits until every worker is <em>settled</em>: it has done all it can at the current virtual
 * time (heard every published frame, answered every command, filled the output ring or finished, or fallen asleep
 * until a later deadline). Time only advances ({@link #nowNanos}) when every worker is settled, at the start of
 * a tick, and stays put through it, so whatever a running worker reads of virtual time is the same in every run. A worker that stays busy longer than the engine
 * timeout, in real time, is reported as stalled instead of being waited for forever.
 */
final class LockstepGate {

    /** One worker thread's place in virtual time. */
    static final class Sleeper {
        private final LockstepGate gate;
        private final Thread thread;
        /** This thread's virtual time: its last deadline, or the session's now when its current job began. */
        private long localNanos;
        private volatile long deadlineNanos;
        /** Read by the session's supervisor: the thread waits for virtual time, it is not working. */
        volatile boolean asleep;

        private Sleeper(LockstepGate gate, Thread thread) {
            this.gate = gate;
            this.thread = thread;
        }

        boolean isAsleep() {
            return asleep;
        }

        /** A new job: the thread's virtual time resumes from the session's now. */
        void startWork() {
            localNanos = gate.nowNanos;
        }

        /** Ends a sleep early (the session abandons the thread): it wakes and sees its interrupt. */
        void interrupt() {
            asleep = false;
            thread.interrupt();
        }

        void sleep(long nanos) throws InterruptedException {
            if (gate.closed) {
                throw new IllegalStateException("the session has ended");
            }
            long deadline = localNanos + Math.max(0, nanos);
            localNanos = deadline;
            if (deadline <= gate.nowNanos) {
                return; // already due: an engine catching up within the tick
            }
            deadlineNanos = deadline;
            asleep = true; // after the deadline: the gate reads them in the other order
            gate.wakeOwner();
            while (asleep) {
                LockSupport.park(this);
                if (Thread.interrupted()) {
                    asleep = false;
                    throw new InterruptedException("interrupted in a virtual-time sleep");
                }
                if (gate.closed) {
                    asleep = false;
                    throw new IllegalStateException("the session has ended");
                }
            }
        }
    }

    private static final ThreadLocal<Sleeper> CURRENT = new ThreadLocal<>();

    private final long stallNanos;
    /**
     * Copied on write, as a plain array: {@link #settle} walks it on every tick, and a {@code CopyOnWriteArrayList}'s
     * iterator would be an allocation per tick.
     */
    private volatile Sleeper[] sleepers = new Sleeper[0];
    private volatile Thread owner;
    /**
     * The session's virtual time: written by the owner at the start of each tick, while every worker is settled,
     * and by nobody else. Sleepers whose deadline has come wake at the tick's next {@link #settle}: after its
     * playout, as work done by an engine that takes no time would be, so a modelled latency adds exactly its
     * length.
     */
    volatile long nowNanos;
    private volatile boolean closed;

    /** @param stallMs how long a worker may stay busy, in real time, before {@link #settle} gives up on it */
    LockstepGate(long stallMs) {
        this.stallNanos = TimeUnit.MILLISECONDS.toNanos(stallMs);
    }

    /** The thread that settles and advances (the session's); set when it starts. */
    void setOwner(Thread owner) {
        this.owner = owner;
    }

    /** Registers the calling worker thread; its {@code SessionTime} sleeps are then virtual. */
    Sleeper bind() {
        Sleeper s = new Sleeper(this, Thread.currentThread());
        s.localNanos = nowNanos;
        synchronized (this) {
            Sleeper[] old = sleepers;
            Sleeper[] grown = Arrays.copyOf(old, old.length + 1);
            grown[old.length] = s;
            sleepers = grown;
        }
        CURRENT.set(s);
        return s;
    }

    void unbind() {
        Sleeper s = CURRENT.get();
        CURRENT.remove();
        if (s != null) {
            synchronized (this) {
                List<Sleeper> rest = new ArrayList<>(Arrays.asList(sleepers));
                rest.remove(s);
                sleepers = rest.toArray(new Sleeper[0]);
            }
        }
    }

    /** The calling thread's sleeper, or null if it does not work for a lockstep session. */
    static Sleeper current() {
        return CURRENT.get();
    }

    /** Unparks the session's thread so a settle re-checks; workers call it after progress. */
    void wakeOwner() {
        Thread t = owner;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /**
     * Wakes the sleepers whose deadline has come, then parks until {@code settled} holds, or {@code stop} does.
     *
     * @return false if it did not hold within the stall time (a worker is stuck in real time)
     */
    boolean settle(BooleanSupplier settled, BooleanSupplier stop) {
        long now = nowNanos;
        for (Sleeper s : sleepers) {
            if (s.asleep && s.deadlineNanos <= now) {
                s.asleep = false;
                LockSupport.unpark(s.thread);
            }
        }
        if (settled.getAsBoolean()) {
            return true;
        }
        long deadline = System.nanoTime() + stallNanos;
        while (!settled.getAsBoolean()) {
            if (stop.getAsBoolean()) {
                return true;
            }
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            LockSupport.parkNanos(this, 200_000);
        }
        return true;
    }

    /** The session has ended: every sleeper wakes with an IllegalStateException, and later sleeps fail at once. */
    void close() {
        closed = true;
        for (Sleeper s : sleepers) {
            LockSupport.unpark(s.thread);
        }
    }
}
