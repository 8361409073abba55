package io.github.voicechat;

import io.github.voicechat.internal.session.SessionRunner;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One conversation. The session owns the source and sink it was opened with and closes them when it ends. {@link #start()} runs it on its own threads; it ends by itself when the source ends (after the
 * last answer is played), on the idle timeout or maximum duration, or when closed. {@link #close()} stops it and
 * waits until every thread it started has ended and every engine is closed.
 */
public final class VoiceSession implements AutoCloseable {

    private final SessionRunner runner;
    private final String name;
    private Thread thread;
    private boolean closedUnstarted;

    VoiceSession(SessionRunner runner, String name) {
        this.runner = runner;
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** Starts the session. */
    public synchronized VoiceSession start() {
        if (closedUnstarted) {
            throw new IllegalStateException("session " + name + " was closed");
        }
        if (thread != null) {
            throw new IllegalStateException("session " + name + " already started");
        }
        thread = new Thread(runner, name);
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    public SessionState state() {
        return runner.state();
    }

    /** Waits for the session to end by itself; true if it ended within {@code timeout}. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        synchronized (this) {
            if (thread == null) {
                throw new IllegalStateException("session " + name + " was never started");
            }
        }
        return runner.awaitFinished(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Answers {@code text} as if the user had said it: a typed turn. A response being prepared or played is stopped
     * first, as by a confirmed barge-in. While the user is mid-utterance the text is ignored and an
     * {@link SessionEvent.EngineError} from engine {@code "text"} says so. Returns at once; the turn runs on the
     * session's thread.
     *
     * @throws IllegalArgumentException if {@code text} is blank
     */
    public void submitText(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a typed turn needs some text");
        }
        runner.submitText(text);
    }

    /** The turns so far (or all of them, once ended). */
    public SessionReport report() {
        return runner.report();
    }

    /** The conversation so far; assistant entries hold only what was actually played. */
    public List<ConversationTurn> history() {
        return runner.history();
    }

    /** Ends the session and waits for its threads to stop. Idempotent. */
    @Override
    public void close() {
        runner.requestStop();
        Thread t;
        synchronized (this) {
            t = thread;
            if (t == null) {
                if (!closedUnstarted) {
                    closedUnstarted = true;
                    runner.closeUnstarted();
                }
                return;
            }
        }
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
