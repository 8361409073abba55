package io.github.voicechat.internal.session;

import io.github.voicechat.ConversationTurn;
import io.github.voicechat.SessionEvent;
import io.github.voicechat.SessionReport;
import io.github.voicechat.SessionState;
import io.github.voicechat.audio.AudioSink;
import io.github.voicechat.audio.AudioSource;
import io.github.voicechat.time.Clock;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One session's life: which thread ticks it, from open to close. What a tick does is {@link SessionStages}.
 *
 * <p>A session paced by the clock (a file, memory or network source on the real clock) is driven by one of the
 * shared {@link TickLoop}s, many sessions per thread; a session paced by a device (a microphone or speaker that
 * blocks), or one on a virtual clock, has a thread of its own. Either way exactly one thread ticks it, so nothing in
 * it needs a lock. Opening (engine creation, slow) and closing (joining workers) happen off the shared loops, on
 * short-lived threads of the session's own.
 */
public final class Session {

    private static final Logger logger = LoggerFactory.getLogger(Session.class);

    private final SessionConfig config;
    private final String name;
    private final AudioSource source;
    private final AudioSink sink;
    private final Path recordingPath;
    private final Clock clock;
    private final boolean lockstep;
    private final SessionLog log;
    private final CountDownLatch finished = new CountDownLatch(1);
    /**
     * The one lane into the session from other threads (its workers' transcripts, errors and reports, typed turns),
     * applied on its own thread each tick. It exists before the stages do, so a turn typed before the session opens
     * is answered on its first tick.
     */
    private final ConcurrentLinkedQueue<Runnable> posted = new ConcurrentLinkedQueue<>();

    /** Set by close(); the owner thread (a loop reads the field directly) ends the session at its next tick. */
    volatile boolean stopRequested;
    private volatile Thread owner;
    private volatile Thread finisher;
    /** The stages, once opened; the owner thread ticks them. */
    volatile SessionStages stages;
    /**
     * Set on the owner thread as it takes the session, just before LISTENING is told: until then the session reads
     * IDLE, so whoever sees LISTENING (a listener, a network client, {@link #state}) sees a session that is running
     * on the thread that will tick it, not one still being handed over.
     */
    private volatile boolean listening;
    private volatile String endReason = "";
    /** First deadline of the tick grid on a shared loop (System.nanoTime); the loop thread's. */
    long startNanos;

    public Session(SessionConfig config, String name, AudioSource source, AudioSink sink, Path recordingPath) {
        this.config = config;
        this.name = name;
        this.source = source;
        this.sink = sink;
        this.recordingPath = recordingPath;
        this.clock = config.clock();
        this.lockstep = clock.isVirtual();
        this.log = new SessionLog(name, config.listeners(), config.maxHistoryTurns(),
                config.maxReportedTurns());
    }

    // ------------------------------------------------------------------ API for VoiceSession (any thread)

    public SessionState state() {
        SessionStages s = stages;
        if (s == null || !listening) {
            return finished.getCount() == 0 ? SessionState.TERMINATED : SessionState.IDLE;
        }
        Conversation c = s.conversation; // the state is the phase's, not kept beside it
        return c.ended ? SessionState.TERMINATED : c.phase.state;
    }

    /** Starts the session's threads; see the class comment for which. */
    public void start() {
        boolean shared = clock == Clock.system() && config.paceNonRealtimeSources() && !source.isRealtime()
                && !sink.isRealtime();
        Thread t = shared ? new Thread(this::openOntoLoop, name + "-open") : new Thread(this::runAlone, name);
        t.setDaemon(true);
        t.start();
    }

    /** A typed turn; applied on the session's thread at its next tick (the stages exist by then). */
    public void submitText(String text) {
        String typed = text.strip();
        posted.add(() -> stages.submitText(typed));
    }

    public void requestStop() {
        stopRequested = true;
        Thread t = owner;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** For a session closed before it was started: the source and sink it was given are still closed. */
    public void closeUnstarted() {
        closeQuietly(source, "source");
        closeQuietly(sink, "sink");
        endReason = "closed before start";
        finished.countDown();
    }

    public boolean awaitFinished(long timeout, TimeUnit unit) throws InterruptedException {
        if (!finished.await(timeout, unit)) {
            return false;
        }
        joinFinisher();
        return true;
    }

    /** Waits, uninterruptibly, until the session has ended and every thread it started is gone. */
    public void join() {
        boolean interrupted = false;
        while (true) {
            try {
                finished.await();
                joinFinisher();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void joinFinisher() throws InterruptedException {
        Thread t = finisher;
        if (t != null && t != Thread.currentThread()) {
            t.join();
        }
    }

    public SessionReport report() {
        SessionStages s = stages;
        return s == null ? log.report(0, endReason, 0, Double.NaN, Double.NaN)
                : log.report(s.ticks.nowMs() / 1000.0, endReason, s.droppedFrames(), s.jitterPercentileMs(0.50),
                        s.jitterPercentileMs(0.99));
    }

    /** The bot's audio queued for playout now, in frames; any thread; 0 before the session runs and after it ends. */
    public int queuedOutputFrames() {
        SessionStages s = stages;
        return s == null || finished.getCount() == 0 ? 0 : s.queuedOutputFrames();
    }

    public List<ConversationTurn> history() {
        return log.history();
    }

    // ------------------------------------------------------------------ the owner thread

    /** A session with a thread of its own: a virtual clock (lockstep), a device that blocks, or no pacing. */
    private void runAlone() {
        owner = Thread.currentThread();
        try {
            SessionStages s = open();
            startListening();
            long start = clock.nanoTime();
            while (!stopRequested) {
                long late = lockstep ? 0 : Math.max(0, clock.nanoTime() - (start + s.ticks.tick * Ticks.TICK_NANOS));
                String end = s.tick(late);
                if (end != null) {
                    endReason = end;
                    break;
                }
            }
        } catch (Throwable e) {
            fail(e);
        } finally {
            finish();
        }
    }

    /** A session paced by the clock: opened here, then ticked by a shared loop. */
    private void openOntoLoop() {
        try {
            open();
        } catch (Throwable e) {
            fail(e);
            finish();
            return;
        }
        TickLoop.register(this);
    }

    private SessionStages open() throws java.io.IOException {
        SessionStages s = SessionStages.open(config, name, log, source, sink, recordingPath, posted,
                () -> stopRequested);
        stages = s;
        return s;
    }

    /** The loop that will tick this session takes it, with the first deadline of its 20 ms grid. */
    void adopt(Thread loop, long firstDeadlineNanos) {
        owner = loop;
        startNanos = firstDeadlineNanos;
        startListening();
        if (stopRequested) {
            LockSupport.unpark(loop);
        }
    }

    /** On the owner thread, before the first tick: the session's state is its conversation's phase's from here on. */
    private void startListening() {
        listening = true;
        log.emit(new SessionEvent.StateChanged(SessionState.IDLE, SessionState.LISTENING, 0));
    }

    /** The session ended on its loop: why (null if closed), or of what it failed. */
    void endedOnLoop(String reason, Throwable failure) {
        if (failure != null) {
            fail(failure);
        } else if (reason != null) {
            endReason = reason;
        }
    }

    /** Closes a session that left its loop, on a thread of its own; {@code exitingLoop} ends with it. */
    void closeOffLoop(Thread exitingLoop) {
        Thread closer = new Thread(() -> {
            try {
                if (exitingLoop != null) {
                    exitingLoop.join();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                finish();
            }
        }, name + "-close");
        closer.setDaemon(true);
        closer.start();
    }

    private void fail(Throwable e) {
        endReason = "failed: " + e.getMessage();
        logger.error("session {} failed", name, e);
        SessionStages s = stages;
        log.emit(new SessionEvent.EngineError("session", String.valueOf(e.getMessage()),
                s == null ? 0 : s.ticks.nowMs()));
    }

    /** Takes the session down (stages, source, sink), reports how it ended and releases whoever waits for it. */
    private void finish() {
        SessionStages s = stages;
        try {
            if (s != null) {
                s.shutdown(name);
            } else {
                StateMachine never = new StateMachine(1000, log.stateListener());
                never.moveTo(SessionState.TERMINATED, 0);
            }
            closeQuietly(source, "source");
            closeQuietly(sink, "sink");
            if (endReason.isEmpty()) {
                endReason = "closed";
            }
            double durationS = s == null ? 0 : s.ticks.nowMs() / 1000.0;
            SessionReport finalReport = s == null ? log.finish(0, endReason, 0, Double.NaN, Double.NaN)
                    : log.finish(durationS, endReason, s.droppedFrames(), s.jitterPercentileMs(0.50),
                            s.jitterPercentileMs(0.99));
            log.emit(new SessionEvent.SessionEnded(endReason, durationS * 1000.0, finalReport));
        } finally {
            finisher = Thread.currentThread();
            finished.countDown();
        }
    }

    private void closeQuietly(AutoCloseable c, String what) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            logger.warn("session {}: closing {} failed: {}", name, what, e.toString());
        }
    }
}
