package io.github.voicechat.internal.session;

/**
 * One turn while it happens (session thread only), recorded as a {@link io.github.voicechat.TurnReport} when it
 * completes ({@link SessionLog#completeTurn} builds it from these fields; {@link ResponseState} writes its response
 * parts).
 */
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
    int speculativeStarts;
    boolean speculativeKept;

    Turn(int number) {
        this.number = number;
    }
}
