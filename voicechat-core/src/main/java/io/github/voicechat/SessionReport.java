package io.github.voicechat;

import java.util.List;

/**
 * Summary of a finished (or running) session. Its list of turns holds the most recent ones only (as many as
 * {@link VoicePipeline.Builder#maxReportedTurns(int)} allows), so a session's report stays the same size however long
 * it runs; the totals count every turn.
 *
 * @param turns              the most recent completed turns, oldest first
 * @param durationS          audio time the session ran
 * @param endReason          why it ended (source ended, idle timeout, max duration, closed), or empty while running
 * @param framesDropped      input frames lost by slow consumers
 * @param underrunFrames     output frames played as silence while a response was expected (real clock only)
 * @param playoutJitterP50Ms median lateness of frame writes against their 20 ms schedule (real clock), else NaN
 * @param playoutJitterP99Ms 99th percentile of it
 * @param asrRealTimeFactor  mean over utterances of the recogniser's processing time over the utterance's audio time
 *                           (real time spent, even on a virtual clock), NaN if none
 * @param turnCount          every completed turn, listed or not
 * @param bargeIns           the turns whose response was interrupted, over every turn
 * @param falseAlarms        the pauses that resumed, over every turn
 */
public record SessionReport(List<TurnReport> turns, double durationS, String endReason, long framesDropped,
        long underrunFrames, double playoutJitterP50Ms, double playoutJitterP99Ms, double asrRealTimeFactor,
        long turnCount, long bargeIns, int falseAlarms) {
    /**
     * Copies the turns.
     *
     * @param turns              the most recent completed turns, oldest first
     * @param durationS          audio time the session ran
     * @param endReason          why it ended (source ended, idle timeout, max duration, closed), or empty while running
     * @param framesDropped      input frames lost by slow consumers
     * @param underrunFrames     output frames played as silence while a response was expected (real clock only)
     * @param playoutJitterP50Ms median lateness of frame writes against their 20 ms schedule (real clock), else NaN
     * @param playoutJitterP99Ms 99th percentile of it
     * @param asrRealTimeFactor  mean over utterances of the recogniser's processing time over the utterance's audio
     *                           time (real time spent, even on a virtual clock), NaN if none
     * @param turnCount          every completed turn, listed or not; at least {@code turns.size()}
     * @param bargeIns           the turns whose response was interrupted, over every turn
     * @param falseAlarms        the pauses that resumed, over every turn
     */
    public SessionReport {
        turns = List.copyOf(turns);
        if (turnCount < turns.size()) {
            throw new IllegalArgumentException("turnCount " + turnCount + " is less than the " + turns.size()
                    + " turns listed");
        }
    }
}
