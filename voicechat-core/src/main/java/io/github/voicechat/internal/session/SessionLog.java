package io.github.voicechat.internal.session;

import io.github.voicechat.ConversationTurn;
import io.github.voicechat.SessionEvent;
import io.github.voicechat.SessionListener;
import io.github.voicechat.SessionReport;
import io.github.voicechat.TurnReport;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a session tells the world: events to its listeners, completed turns, the conversation history as heard, and
 * the figures of its report. Written on the session's thread; {@link #report} and {@link #history} may be read from
 * any thread.
 */
final class SessionLog {

    private static final Logger log = LoggerFactory.getLogger(SessionLog.class);

    private final String name;
    private final List<SessionListener> listeners;
    private final List<TurnReport> turns = new ArrayList<>();
    private final List<ConversationTurn> history = new ArrayList<>();
    private double asrRtfSum;
    private int asrRtfCount;
    /** Output frames played as silence while a response was audible; counted by the playout. */
    long underruns;
    private volatile SessionReport finalReport;

    SessionLog(String name, List<SessionListener> listeners) {
        this.name = name;
        this.listeners = listeners;
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

    /** Records a finished turn: its report, what was said and what was heard, and a TurnCompleted event. */
    void completeTurn(Turn t, double nowMs) {
        TurnReport report = t.freeze();
        synchronized (turns) {
            turns.add(report);
        }
        synchronized (history) {
            if (!t.transcript.isEmpty()) {
                history.add(new ConversationTurn(ConversationTurn.Role.USER, t.transcript));
            }
            if (!t.playedText.isEmpty()) {
                history.add(new ConversationTurn(ConversationTurn.Role.ASSISTANT, t.playedText));
            }
        }
        emit(new SessionEvent.TurnCompleted(report, nowMs));
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
        return new SessionReport(turns, durationS, endReason, framesDropped, underruns, jitterP50Ms, jitterP99Ms,
                rtf);
    }
}
