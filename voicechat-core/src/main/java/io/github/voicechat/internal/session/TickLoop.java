package io.github.voicechat.internal.session;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * One of a small group of tick threads, about one per core, each driving the ticks of many sessions, as Netty's
 * event loops share channels. A session belongs to exactly one loop from its first tick to its last, so nothing in
 * it needs a lock.
 *
 * <p>The loop sleeps until the earliest deadline among its sessions, runs every session that is due (each one tick,
 * so a late session catches up tick by tick without starving the others), and sleeps again. New sessions go to the
 * loop with the fewest, and their 20 ms grid is placed in the middle of the widest gap between the grids already
 * there: sessions started together do not all wake on the same instant. A loop's thread exists only while it has
 * sessions: the last one to leave ends it, so a library whose sessions are all closed leaves no thread behind.
 */
final class TickLoop implements Runnable {

    private static final Object LOCK = new Object();
    private static final TickLoop[] LOOPS = new TickLoop[Math.max(1, Runtime.getRuntime().availableProcessors())];

    static {
        for (int i = 0; i < LOOPS.length; i++) {
            LOOPS[i] = new TickLoop(i);
        }
    }

    private final int index;
    /** Sessions handed over by the threads that opened them: the one lane into a loop. */
    private final ConcurrentLinkedQueue<Session> incoming = new ConcurrentLinkedQueue<>();
    /** Sessions on this loop, incoming ones included; guarded by LOCK. */
    private int count;
    /** The loop's thread while it has sessions; guarded by LOCK. */
    private Thread thread;

    // The loop thread's own.
    private Session[] sessions = new Session[8];
    private int size;

    private TickLoop(int index) {
        this.index = index;
    }

    /** Hands a session, opened and ready for its first tick, to the loop with the fewest sessions. */
    static void register(Session session) {
        synchronized (LOCK) {
            TickLoop loop = LOOPS[0];
            for (TickLoop l : LOOPS) {
                if (l.count < loop.count) {
                    loop = l;
                }
            }
            loop.count++;
            loop.incoming.add(session);
            if (loop.thread == null) {
                loop.thread = new Thread(loop, "voicechat-tick-" + (loop.index + 1));
                loop.thread.setDaemon(true);
                loop.thread.start();
            } else {
                LockSupport.unpark(loop.thread);
            }
        }
    }

    @Override
    public void run() {
        List<Session> ended = new ArrayList<>();
        while (true) {
            Session s;
            while ((s = incoming.poll()) != null) {
                adopt(s);
            }
            long sleepNanos = Long.MAX_VALUE;
            for (int i = 0; i < size; i++) {
                Session session = sessions[i];
                SessionStages stages = session.stages;
                long late = System.nanoTime() - (session.startNanos + stages.ticks.tick * Ticks.TICK_NANOS);
                if (late >= 0 || session.stopRequested) {
                    // A late session runs one tick per pass: it catches up without starving the others.
                    if (!tick(session, stages, late)) {
                        ended.add(session);
                        sessions[i--] = sessions[--size];
                        sessions[size] = null;
                        continue;
                    }
                    late -= Ticks.TICK_NANOS;
                }
                sleepNanos = Math.min(sleepNanos, -late);
            }
            if (!ended.isEmpty()) {
                boolean exiting = leave(ended.size());
                for (Session e : ended) {
                    e.closeOffLoop(exiting ? Thread.currentThread() : null);
                }
                ended.clear();
                if (exiting) {
                    return;
                }
            }
            if (sleepNanos > 0 && incoming.isEmpty()) {
                LockSupport.parkNanos(this, sleepNanos == Long.MAX_VALUE ? 1_000_000_000L : sleepNanos);
            }
        }
    }

    /** One tick of one session; false once it has ended (closed, finished, or failed). */
    private static boolean tick(Session session, SessionStages stages, long lateNanos) {
        if (session.stopRequested) {
            return false;
        }
        try {
            String end = stages.tick(lateNanos);
            if (end == null) {
                return true;
            }
            session.endedOnLoop(end, null);
        } catch (Throwable e) {
            session.endedOnLoop(null, e); // only this session fails; the loop and its other sessions go on
        }
        return false;
    }

    /** Counts sessions out; true if none is left nor coming, and the thread is to end. */
    private boolean leave(int n) {
        synchronized (LOCK) {
            count -= n;
            if (count == 0 && incoming.isEmpty()) {
                thread = null;
                return true;
            }
            return false;
        }
    }

    /** Takes a session and places its tick grid in the widest gap between the grids of the sessions here. */
    private void adopt(Session s) {
        long now = System.nanoTime();
        long first = now;
        if (size > 0) {
            long[] phases = new long[size];
            for (int i = 0; i < size; i++) {
                phases[i] = Math.floorMod(sessions[i].startNanos, Ticks.TICK_NANOS);
            }
            Arrays.sort(phases);
            long bestGap = -1;
            long bestPhase = 0;
            for (int i = 0; i < size; i++) {
                long next = i + 1 < size ? phases[i + 1] : phases[0] + Ticks.TICK_NANOS;
                if (next - phases[i] > bestGap) {
                    bestGap = next - phases[i];
                    bestPhase = phases[i] + bestGap / 2;
                }
            }
            first = now + Math.floorMod(bestPhase - now, Ticks.TICK_NANOS);
        }
        if (size == sessions.length) {
            sessions = Arrays.copyOf(sessions, size * 2);
        }
        sessions[size++] = s;
        s.adopt(Thread.currentThread(), first);
    }
}
