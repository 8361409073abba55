package io.github.voicechat.examples;

import io.github.voicechat.SessionEvent;
import io.github.voicechat.SessionListener;
import io.github.voicechat.TurnReport;
import java.io.PrintStream;
import java.util.Locale;

/** Prints a readable timeline of a session: who spoke when, what was heard, latencies, barge-ins. */
final class Timeline implements SessionListener {

    private final PrintStream out;
    /** The latest time printed: lines never go back in time. */
    private double lastMs;

    Timeline(PrintStream out) {
        this.out = out;
    }

    @Override
    public void onEvent(SessionEvent e) {
        String line;
        if (e instanceof SessionEvent.UserSpeechStarted s) {
            line = "user  starts speaking (turn " + s.turn() + ")";
        } else if (e instanceof SessionEvent.UserSpeechEnded s) {
            line = "user  stops speaking";
        } else if (e instanceof SessionEvent.TranscriptReady t) {
            line = "asr   heard \"" + t.text() + "\"" + (Double.isNaN(t.realTimeFactor()) ? ""
                    : String.format(Locale.ROOT, " (RTF %.2f)", t.realTimeFactor()));
        } else if (e instanceof SessionEvent.FirstAudioPlayed f) {
            line = String.format(Locale.ROOT, "bot   starts speaking, %.0f ms after the user stopped", f.latencyMs());
        } else if (e instanceof SessionEvent.BargeInPaused p) {
            line = String.format(Locale.ROOT, "bot   pauses: user sound at %.2f s, output silent %.0f ms later",
                    p.onsetMs() / 1000, p.latencyMs());
        } else if (e instanceof SessionEvent.BargeInResumed r) {
            line = "bot   resumes from sample " + r.resumedAtSample() + " (false alarm)";
        } else if (e instanceof SessionEvent.BargeInConfirmed c) {
            line = "bot   interrupted after \"" + c.playedText() + "\"";
        } else if (e instanceof SessionEvent.TurnCompleted t) {
            line = "turn " + t.report().turn() + " done: bot played \"" + t.report().playedText() + "\""
                    + (t.report().bargedIn() ? " (barged in)" : "") + modelTrace(t.report());
        } else if (e instanceof SessionEvent.EngineError err) {
            line = "error " + err.engine() + ": " + err.message();
        } else if (e instanceof SessionEvent.SessionEnded end) {
            line = "end   " + end.reason();
        } else {
            return;
        }
        // Some events are dated before they are known: a barge-in's user turn starts at the sound's onset but is only
        // confirmed 200 ms later, after the bot's lines in between. Print each line when it became known, in time
        // order, and give the earlier time it refers to.
        double atMs = e.atMs();
        if (atMs < lastMs) {
            line += String.format(Locale.ROOT, ", from %.2f s", atMs / 1000);
        }
        lastMs = Math.max(lastMs, atMs);
        out.printf(Locale.ROOT, "[%7.2f s] %s%n", lastMs / 1000, line);
    }

    /** The model's latency trace, when the responder has one: wall-clock ms from the end-of-turn decision. */
    static String modelTrace(TurnReport r) {
        if (Double.isNaN(r.modelFirstTokenMs()) && Double.isNaN(r.modelFirstClauseMs())) {
            return "";
        }
        return String.format(Locale.ROOT, "; model: first token %s, first clause %s after the end of turn (wall clock)",
                ms(r.modelFirstTokenMs()), ms(r.modelFirstClauseMs()));
    }

    private static String ms(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.0f ms", v);
    }
}
