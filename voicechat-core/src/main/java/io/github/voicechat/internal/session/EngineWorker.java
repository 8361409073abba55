package io.github.voicechat.internal.session;

import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A thread that owns one engine instance (principle 4) and works for one session: the recogniser's worker or the
 * responder + synthesizer's. The session supervises it through a few volatile fields: a progress counter it reads
 * once per tick, whether it died and of what, and whether the session has abandoned it.
 *
 * <p>Errors: an {@link Exception}, a {@link LinkageError}, a {@link StackOverflowError} or any other {@link Error}
 * that leaves the JVM usable fails only the job at hand; the worker reports it and takes the next job. A
 * {@link VirtualMachineError} other than stack overflow (out of memory, an internal error) ends the thread; the
 * session then sees a dead worker and replaces it.
 *
 * @param <E> the engine type
 */
abstract class EngineWorker<E extends AutoCloseable> implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(EngineWorker.class);

    /** What the worker reports to the session; called on the worker's thread. */
    interface Listener {
        void failed(String engine, Throwable error);
    }

    final String what;
    final Thread thread;
    protected final Listener listener;
    private final Supplier<? extends E> engineFactory;
    private final LockstepGate gate;
    protected volatile E engine;
    protected volatile boolean running = true;
    /** The session gave up on this worker: whatever it still produces is discarded. */
    volatile boolean abandoned;
    /** Why the thread ended, if it ended of an error. */
    volatile Throwable death;
    /** Bumped on every unit of work done (a frame heard, a command carried out, a chunk or frame produced). */
    volatile long progress;
    /**
     * True while a replacement worker creates its engine on its own thread. A model load (Sphinx's takes 10-20 s,
     * longer on a loaded machine) is not a stall: judged by the engine timeout, a replacement that is still loading
     * would be replaced in turn, over and over, and the session would never answer again.
     */
    volatile boolean loading;
    /** This thread's virtual time, when the session runs in lockstep; else null. */
    volatile LockstepGate.Sleeper sleeper;

    /**
     * @param engine        the engine to use, or null to create one from {@code engineFactory} on the worker's own
     *                      thread (a replacement worker: the old engine may still be in use by a stuck thread)
     * @param gate          the lockstep gate, or null on the real clock
     */
    EngineWorker(String what, String threadName, E engine, Supplier<? extends E> engineFactory, LockstepGate gate,
            Listener listener) {
        this.what = what;
        this.engine = engine;
        this.engineFactory = engineFactory;
        this.gate = gate;
        this.listener = listener;
        this.loading = engine == null; // set before the thread starts, so the session never sees a gap
        this.thread = new Thread(this, threadName);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Asks the worker to end after its current job; {@link #interrupt} makes it end sooner. */
    void stop() {
        running = false;
        wakeup();
    }

    /** Interrupts the thread, also out of a virtual-time sleep. */
    void interrupt() {
        LockstepGate.Sleeper s = sleeper;
        if (s != null) {
            s.interrupt();
        } else {
            thread.interrupt();
        }
    }

    /** Interrupts the thread if it is alive and waits up to {@code waitMs} for it to end; true if it did. */
    boolean interruptAndJoin(long waitMs) {
        if (thread.isAlive()) {
            interrupt();
            try {
                thread.join(waitMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return !thread.isAlive();
    }

    /** The engine it works with, or is stuck in: asr, tts or responder. */
    String engineName() {
        return what;
    }

    /** Unblocks the worker's wait for work, so it sees a new command or the stop flag at once. */
    abstract void wakeup();

    /** Whether this worker's thread sleeps in virtual time (a modelled engine latency), not working. */
    boolean isAsleep() {
        LockstepGate.Sleeper s = sleeper;
        return s != null && s.isAsleep();
    }

    /** Marks the start of a job on the worker's thread: its virtual time resumes from the session's now. */
    protected void startWork() {
        LockstepGate.Sleeper s = sleeper;
        if (s != null) {
            s.startWork();
        }
    }

    @Override
    public final void run() {
        if (gate != null) {
            sleeper = gate.bind();
        }
        try {
            if (engine == null) {
                try {
                    engine = engineFactory.get();
                } finally {
                    loading = false;
                }
                progress++; // loaded: the stall clock starts now
            }
            work();
        } catch (InterruptedException e) {
            if (running && !abandoned) {
                death = e; // nobody here interrupts a worker it still counts on
            }
        } catch (Throwable e) {
            if (death == null) {
                death = e;
            }
            if (!abandoned) {
                log.error("{} worker {} died", what, thread.getName(), e);
            }
        } finally {
            if (gate != null) {
                gate.unbind();
            }
            E e = engine;
            if (e != null) {
                try {
                    e.close();
                } catch (Exception ex) {
                    log.warn("closing the {} engine failed: {}", what, ex.toString());
                }
            }
        }
    }

    /** The worker's loop; returns when {@link #running} is false. */
    protected abstract void work() throws Exception;

    /** Whether an error leaves the JVM in a state where the worker must not go on. */
    static boolean isFatal(Throwable e) {
        return e instanceof VirtualMachineError && !(e instanceof StackOverflowError);
    }

    /**
     * Rethrows a fatal error, marking the worker dead first (before the job is marked done, so the session sees
     * both on the same tick); returns a survivable one so the caller can report it.
     */
    protected Throwable survivable(Throwable e) {
        if (isFatal(e)) {
            death = e;
            throw (VirtualMachineError) e;
        }
        return e;
    }
}
