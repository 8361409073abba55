package io.github.voicechat.internal.session;

import io.github.voicechat.ConversationTurn;
import io.github.voicechat.SessionEvent;
import io.github.voicechat.SessionListener;
import io.github.voicechat.SessionReport;
import io.github.voicechat.TurnReport;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a session tells the world: events to its listeners, completed turns, the conversation history as heard, and
 * the figures of its report. Written on the session's thread; {@link #report} and {@link #history} may be read from
 * any thread. The turns and the history are bounded windows of the most recent ones (plus totals over all turns), so
 * a session holds the same memory after a day as after an hour.
 */
final class SessionLog {

    private static final Logger log = LoggerFactory.getLogger(SessionLog.class);

    private final String name;
    private final List<SessionListener> listeners;
    private final int maxReportedTurns;
    private final int maxHistoryTurns;
    private final ArrayDeque<TurnReport> turns = new ArrayDeque<>();
    private final ArrayDeque<ConversationTurn> history = new ArrayDeque<>();
    /** Totals over every turn, including those no longer listed; guarded by {@code turns}. */
    private long turnCount;
    private long bargeIns;
    private int falseAlarms;
    private double asrRtfSum;
    private int asrRtfCount;
    /** Output frames played as silence while a response was audible; counted by the playout. */
    long underruns;
    private volatile SessionReport finalReport;

    SessionLog(String name, List<SessionListener> listeners, int maxHistoryTurns, int maxReportedTurns) {
        this.name = name;
        this.listeners = listeners;
        this.maxHistoryTurns = maxHistoryTurns;
        this.maxReportedTurns = maxReportedTurns;
    }

    String name() {
        return name;
    }

    void emit(SessionEvent e) {
        if (log.isDebugEnabled()) {
            log.debug("session {}: {}", name, e);
        }
        for (SessionListener l : listeners) {
            try {
                l.onEvent(e);
            } catch (RuntimeException ex) {
                log.warn("session {}: listener failed on {}: {}", name, e, ex.toString());
            }
        }
    }

    /**
     * What the session's {@link StateMachine} reports its moves to: a StateChanged event, recorded here with the
     * others, so a move on a tick goes from the conversation to the machine to this log.
     */
    Consumer<StateMachine.Transition> stateListener() {
        return tr -> emit(new SessionEvent.StateChanged(tr.from(), tr.to(), tr.atMs()));
    }

    /** Records a finished turn: its report, what was said and what was heard, and a TurnCompleted event. */
    void completeTurn(Turn t, double nowMs) {
        TurnReport report = t.freeze();
        synchronized (turns) {
            turnCount++;
            if (t.bargedIn) { // read off the turn, not the report: the totals need no calls into the record
                bargeIns++;
            }
            falseAlarms += t.falseAlarms;
            keep(turns, report, maxReportedTurns);
        }
        synchronized (history) {
            if (!t.transcript.isEmpty()) {
                keep(history, new ConversationTurn(ConversationTurn.Role.USER, t.transcript), maxHistoryTurns);
            }
            if (!t.playedText.isEmpty()) {
                keep(history, new ConversationTurn(ConversationTurn.Role.ASSISTANT, t.playedText), maxHistoryTurns);
            }
        }
        emit(new SessionEvent.TurnCompleted(report, nowMs));
    }

    /** Appends to a window of at most {@code max} entries, dropping the oldest. */
    private static <T> void keep(ArrayDeque<T> window, T entry, int max) {
        if (max == 0) {
            return;
        }
        if (window.size() == max) {
            window.removeFirst();
        }
        window.addLast(entry);
    }

    List<ConversationTurn> history() {
        synchronized (history) {
            return List.copyOf(history);
        }
    }

    void recordRtf(double rtf) {
        if (!Double.isNaN(rtf)) {
            asrRtfSum += rtf;
            asrRtfCount++;
        }
    }

    /** The report so far, or the final one once {@link #finish} was called. */
    SessionReport report(double durationS, String endReason, long framesDropped, double jitterP50Ms,
            double jitterP99Ms) {
        SessionReport r = finalReport;
        if (r != null) {
            return r;
        }
        synchronized (turns) {
            return build(durationS, endReason, framesDropped, jitterP50Ms, jitterP99Ms);
        }
    }

    SessionReport finish(double durationS, String endReason, long framesDropped, double jitterP50Ms,
            double jitterP99Ms) {
        synchronized (turns) {
            finalReport = build(durationS, endReason, framesDropped, jitterP50Ms, jitterP99Ms);
        }
        return finalReport;
    }

    private SessionReport build(double durationS, String endReason, long framesDropped, double jitterP50Ms,
            double jitterP99Ms) {
        double rtf = asrRtfCount == 0 ? Double.NaN : asrRtfSum / asrRtfCount;
        return new SessionReport(List.copyOf(turns), durationS, endReason, framesDropped, underruns, jitterP50Ms,
                jitterP99Ms, rtf, turnCount, bargeIns, falseAlarms);
    }
}
