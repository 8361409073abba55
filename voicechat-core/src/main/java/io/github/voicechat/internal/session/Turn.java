package io.github.voicechat.internal.session;

import io.github.voicechat.TurnReport;

/** One turn while it happens (session thread only), frozen into a {@link TurnReport} when it completes. */
final class Turn {
    final int number;
    double userStartS = Double.NaN;
    double userEndS = Double.NaN;
    String transcript = "";
    String responseText = "";
    String playedText = "";
    double firstAudioLatencyMs = Double.NaN;
    boolean bargedIn;
    double bargeInLatencyMs = Double.NaN;
    int falseAlarms;
    /** System.nanoTime() of the end-of-turn decision (or of a typed turn's arrival): the model trace starts here. */
    long endDecisionNanos;
    double modelFirstTokenMs = Double.NaN;
    double modelFirstClauseMs = Double.NaN;

    Turn(int number) {
        this.number = number;
    }

    TurnReport freeze() {
        return new TurnReport(number, userStartS, userEndS, transcript, responseText, playedText,
                firstAudioLatencyMs, bargedIn, bargeInLatencyMs, falseAlarms, modelFirstTokenMs,
                modelFirstClauseMs);
    }

    /** Takes the model latency trace (wall clock) from the response that answered this turn. */
    void traceModel(ResponseState r) {
        modelFirstTokenMs = r.firstTokenMsSince(endDecisionNanos);
        modelFirstClauseMs = r.firstTextMsSince(endDecisionNanos);
    }
}
