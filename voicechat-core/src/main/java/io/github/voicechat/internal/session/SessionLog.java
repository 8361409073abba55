package io.github.voicechat.internal.session;

import io.github.voicechat.ConversationTurn;
import io.github.voicechat.SessionEvent;
import io.github.voicechat.SessionListener;
import io.github.voicechat.SessionReport;
import io.github.voicechat.TurnReport;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * What a session tells the world: events to its listeners, completed turns, the conversation history as heard, and
 * the figures of its report. Written on the session's thread; {@link #report} and {@link #history} may be read from
 * any thread. The turns and the history are bounded windows of the most recent ones (plus totals over all turns), so
 * a session holds the same memory after a day as after an hour.
 *
 * <p><b>The recording stage's notes.</b> While a tick runs ({@link #holding}), what happens is only noted, in plain
 * fields (the {@code note*} arrays, written by the {@link Conversation}, the tick and the workers' posts without a
 * call into this file, or by {@link #emit} for an event built elsewhere), and the tick's
 * recording stage ({@link SessionStages#record}, at the end of the stage that noted something) builds the events and
 * tells the listeners, in the order noted; only a completed turn calls back here ({@link #completeTurn}: its report
 * and the history). So a tick whose events complete no turn does not enter this file at all. Outside a tick,
 * everything is told at once ({@link #flush}).
 */
final class SessionLog {

    /** The session's name, for what the recording stage logs. */
    final String name;
    /** Told by the recording stage ({@link SessionStages#record}), in order. */
    final List<SessionListener> listeners;
    private final int maxReportedTurns;
    private final int maxHistoryTurns;
    private final ArrayDeque<TurnReport> turns = new ArrayDeque<>();
    private final ArrayDeque<ConversationTurn> history = new ArrayDeque<>();
    /** Totals over every turn, including those no longer listed; guarded by {@code turns}. */
    private long turnCount;
    private long bargeIns;
    private int falseAlarms;
    /** The recogniser's real-time factors, summed by the recording stage as transcripts are told. */
    double asrRtfSum;
    int asrRtfCount;
    /** Output frames played as silence while a response was audible; counted by the playout. */
    long underruns;
    private volatile SessionReport finalReport;

    // ------------------------------------------------------------------ the recording stage's notes
    /** Kinds of note: an event built elsewhere ({@code noteRef}), or the parts of one to build here. */
    static final int EVENT = 0;
    static final int STATE_CHANGED = 1;      // noteRef: from, noteRef2: to, noteAt: at
    static final int SPEECH_STARTED = 2;     // noteTurn, noteAt: onset
    static final int SPEECH_ENDED = 3;       // noteTurn, noteAt: end
    static final int TRANSCRIPT = 4;         // noteTurn, noteRef: text, noteA: real-time factor, noteAt
    static final int FIRST_AUDIO = 5;        // noteTurn, noteA: latency, noteAt
    static final int BARGE_IN_PAUSED = 6;    // noteTurn, noteA: onset, noteB: latency, noteAt
    static final int BARGE_IN_RESUMED = 7;   // noteTurn, noteLong: resumed at sample, noteAt
    static final int BARGE_IN_CONFIRMED = 8; // noteTurn, noteRef: played text, noteAt
    static final int TURN_COMPLETED = 9;     // noteRef: the Turn, noteAt
    /** Set by the stages while a tick runs: notes wait for the recording stage; else they are told at once. */
    boolean holding;
    /** Notes taken and not yet told. */
    int notes;
    int[] noteKind = new int[16];
    int[] noteTurn = new int[16];
    double[] noteA = new double[16];
    double[] noteB = new double[16];
    double[] noteAt = new double[16];
    long[] noteLong = new long[16];
    Object[] noteRef = new Object[16];
    Object[] noteRef2 = new Object[16];

    SessionLog(String name, List<SessionListener> listeners, int maxHistoryTurns, int maxReportedTurns) {
        this.name = name;
        this.listeners = listeners;
        this.maxHistoryTurns = maxHistoryTurns;
        this.maxReportedTurns = maxReportedTurns;
    }

    String name() {
        return name;
    }

    /** An event built elsewhere: noted in its place while a tick runs, else told now (after any notes). */
    void emit(SessionEvent e) {
        SessionStages.note(this, e);
        if (!holding) {
            flush();
        }
    }

    /** Makes room for more notes: the arrays double. */
    void grow() {
        int n = noteKind.length * 2;
        noteKind = Arrays.copyOf(noteKind, n);
        noteTurn = Arrays.copyOf(noteTurn, n);
        noteA = Arrays.copyOf(noteA, n);
        noteB = Arrays.copyOf(noteB, n);
        noteAt = Arrays.copyOf(noteAt, n);
        noteLong = Arrays.copyOf(noteLong, n);
        noteRef = Arrays.copyOf(noteRef, n);
        noteRef2 = Arrays.copyOf(noteRef2, n);
    }

    /** Tells what was noted now, outside a tick (or before a response reads the history): the recording stage. */
    void flush() {
        SessionStages.record(this);
    }

    /**
     * A listener for a {@link StateMachine} (a session's that failed before its conversation existed): a
     * StateChanged event, told at once.
     */
    Consumer<StateMachine.Transition> stateListener() {
        return tr -> emit(new SessionEvent.StateChanged(tr.from(), tr.to(), tr.atMs()));
    }

    /**
     * Records a finished turn (its report, what was said and what was heard) and returns its TurnCompleted event, for
     * the recording stage. The report is built here from the turn's fields, so recording it needs no call into
     * {@code Turn}.
     */
    SessionEvent completeTurn(Turn t, double nowMs) {
        TurnReport report = new TurnReport(t.number, t.userStartS, t.userEndS, t.transcript, t.responseText,
                t.playedText, t.firstAudioLatencyMs, t.bargedIn, t.bargeInLatencyMs, t.falseAlarms,
                t.modelFirstTokenMs, t.modelFirstClauseMs, t.speculativeStarts, t.speculativeKept);
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
        return new SessionEvent.TurnCompleted(report, nowMs);
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

    /**
     * The history with every turn noted so far in it, for a response about to start (session thread only): the notes
     * are told first, as they were when each turn was recorded on the spot.
     */
    List<ConversationTurn> historyNow() {
        if (notes > 0) {
            flush();
        }
        return history();
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
