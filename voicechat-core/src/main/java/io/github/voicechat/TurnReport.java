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
 */
public record TurnReport(int turn, double userStartS, double userEndS, String transcript, String responseText,
        String playedText, double firstAudioLatencyMs, boolean bargedIn, double bargeInLatencyMs, int falseAlarms) {
}
