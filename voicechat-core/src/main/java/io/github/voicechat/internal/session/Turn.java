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

    Turn(int number) {
        this.number = number;
    }

    TurnReport freeze() {
        return new TurnReport(number, userStartS, userEndS, transcript, responseText, playedText,
                firstAudioLatencyMs, bargedIn, bargeInLatencyMs, falseAlarms);
    }
}
