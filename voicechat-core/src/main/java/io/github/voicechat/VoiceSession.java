package io.github.voicechat;

import io.github.voicechat.internal.session.Session;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One conversation. The session owns the source and sink it was opened with and closes them when it ends.
 * {@link #start()} runs it; it ends by itself when the source ends (after the last answer is played), on the idle
 * timeout or maximum duration, or when closed. {@link #close()} stops it and waits until every thread it started has
 * ended and every engine is closed.
 *
 * <p>Threads: a session fed at the pace of the clock (a file, memory or network source on the real clock) is ticked
 * by one of a few shared tick threads, about one per core, together with other such sessions; a session paced by a
 * sound device, or running on a virtual clock, has a tick thread of its own. Each session also has a recogniser
 * thread and a responder thread. Listeners are called on the tick thread: keep them quick, as other sessions may be
 * waiting for it.
 */
public final class VoiceSession implements AutoCloseable {

    private final Session session;
    private final String name;
    private boolean started;
    private boolean closedUnstarted;

    VoiceSession(Session session, String name) {
        this.session = session;
        this.name = name;
    }

    /** {@return the session's name, also its thread's: {@code voicechat-session-N}} */
    public String name() {
        return name;
    }

    /**
     * Starts the session on a thread of its own.
     *
     * @return this session
     * @throws IllegalStateException if it was started or closed before
     */
    public synchronized VoiceSession start() {
        if (closedUnstarted) {
            throw new IllegalStateException("session " + name + " was closed");
        }
        if (started) {
            throw new IllegalStateException("session " + name + " already started");
        }
        started = true;
        session.start();
        return this;
    }

    /** {@return the state the session is in now} */
    public SessionState state() {
        return session.state();
    }

    /**
     * Waits for the session to end by itself.
     *
     * @param timeout how long to wait, on the real clock
     * @return true if it ended within {@code timeout}
     * @throws InterruptedException if the waiting thread is interrupted
     * @throws IllegalStateException if the session was never started
     */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        synchronized (this) {
            if (!started) {
                throw new IllegalStateException("session " + name + " was never started");
            }
        }
        return session.awaitFinished(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Answers {@code text} as if the user had said it: a typed turn. A response being prepared or played is stopped
     * first, as by a confirmed barge-in. While the user is mid-utterance the text is ignored and an
     * {@link SessionEvent.EngineError} from engine {@code "text"} says so. Returns at once; the turn runs on the
     * session's thread.
     *
     * @param text what the user typed
     * @throws IllegalArgumentException if {@code text} is blank
     */
    public void submitText(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a typed turn needs some text");
        }
        session.submitText(text);
    }

    /**
     * {@return the bot's audio queued for playout now, in 20 ms frames: what a metrics gauge samples} Any thread; 0
     * before the session runs and after it ends.
     */
    public int queuedOutputFrames() {
        return session.queuedOutputFrames();
    }

    /** {@return the turns so far (or all of them, once ended)} */
    public SessionReport report() {
        return session.report();
    }

    /** {@return the conversation so far; assistant entries hold only what was actually played} */
    public List<ConversationTurn> history() {
        return session.history();
    }

    /** Ends the session and waits for its threads to stop. Idempotent. */
    @Override
    public void close() {
        session.requestStop();
        synchronized (this) {
            if (!started) {
                if (!closedUnstarted) {
                    closedUnstarted = true;
                    session.closeUnstarted();
                }
                return;
            }
        }
        session.join();
    }
}
