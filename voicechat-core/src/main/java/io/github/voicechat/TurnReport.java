package io.github.voicechat;

/**
 * One turn: what the user said and what the bot answered and actually played. Times are audio time in seconds or
 * milliseconds from the session start; a value that did not occur is {@code NaN}.
 *
 * @param turn                 1-based turn number
 * @param userStartS           first speech frame of the user's turn
 * @param userEndS             start of the silence that ended it
 * @param transcript           the recogniser's final text
 * @param responseText         everything the responder wrote (before any cancellation)
 * @param playedText           the part of it that was played before the response ended or was stopped
 * @param firstAudioLatencyMs  end of user speech to the first played frame of the response
 * @param bargedIn             whether the user interrupted this response
 * @param bargeInLatencyMs     onset of the interrupting speech to output silence
 * @param falseAlarms          pauses that resumed because the sound was not speech
 * @param modelFirstTokenMs    wall-clock milliseconds from the end-of-turn decision to the first token of the model
 *                             behind the responder ({@link ResponseSink#firstToken()}); NaN if the responder reported
 *                             none. Wall clock even on a virtual clock: a model takes real time.
 * @param modelFirstClauseMs   wall-clock milliseconds from the end-of-turn decision to the responder's first text
 *                             (its first clause, handed to synthesis); NaN if it wrote none
 */
public record TurnReport(int turn, double userStartS, double userEndS, String transcript, String responseText,
        String playedText, double firstAudioLatencyMs, boolean bargedIn, double bargeInLatencyMs, int falseAlarms,
        double modelFirstTokenMs, double modelFirstClauseMs) {

    /**
     * A turn without the model latency trace (both {@code NaN}): the report as it was before the trace existed.
     *
     * @param turn                1-based turn number
     * @param userStartS          first speech frame of the user's turn
     * @param userEndS            start of the silence that ended it
     * @param transcript          the recogniser's final text
     * @param responseText        everything the responder wrote (before any cancellation)
     * @param playedText          the part of it that was played before the response ended or was stopped
     * @param firstAudioLatencyMs end of user speech to the first played frame of the response
     * @param bargedIn            whether the user interrupted this response
     * @param bargeInLatencyMs    onset of the interrupting speech to output silence
     * @param falseAlarms         pauses that resumed because the sound was not speech
     */
    public TurnReport(int turn, double userStartS, double userEndS, String transcript, String responseText,
            String playedText, double firstAudioLatencyMs, boolean bargedIn, double bargeInLatencyMs,
            int falseAlarms) {
        this(turn, userStartS, userEndS, transcript, responseText, playedText, firstAudioLatencyMs, bargedIn,
                bargeInLatencyMs, falseAlarms, Double.NaN, Double.NaN);
    }
}
