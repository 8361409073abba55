package io.github.voicechat;

import java.util.List;

/**
 * Summary of a finished (or running) session.
 *
 * @param turns              every completed turn
 * @param durationS          audio time the session ran
 * @param endReason          why it ended (source ended, idle timeout, max duration, closed), or empty while running
 * @param framesDropped      input frames lost by slow consumers
 * @param underrunFrames     output frames played as silence while a response was expected (real clock only)
 * @param playoutJitterP50Ms median lateness of frame writes against their 20 ms schedule (real clock), else NaN
 * @param playoutJitterP99Ms 99th percentile of it
 * @param asrRealTimeFactor  mean over utterances of the recogniser's processing time over the utterance's audio time
 *                           (real time spent, even on a virtual clock), NaN if none
 */
public record SessionReport(List<TurnReport> turns, double durationS, String endReason, long framesDropped,
        long underrunFrames, double playoutJitterP50Ms, double playoutJitterP99Ms, double asrRealTimeFactor) {
    /**
     * Copies the turns.
     *
     * @param turns              every completed turn
     * @param durationS          audio time the session ran
     * @param endReason          why it ended (source ended, idle timeout, max duration, closed), or empty while running
     * @param framesDropped      input frames lost by slow consumers
     * @param underrunFrames     output frames played as silence while a response was expected (real clock only)
     * @param playoutJitterP50Ms median lateness of frame writes against their 20 ms schedule (real clock), else NaN
     * @param playoutJitterP99Ms 99th percentile of it
     * @param asrRealTimeFactor  mean over utterances of the recogniser's processing time over the utterance's audio
     *                           time (real time spent, even on a virtual clock), NaN if none
     */
    public SessionReport {
        turns = List.copyOf(turns);
    }

    /** {@return the number of turns whose response was interrupted} */
    public long bargeIns() {
        return turns.stream().filter(TurnReport::bargedIn).count();
    }

    /** {@return the pauses that resumed, over all turns} */
    public int falseAlarms() {
        return turns.stream().mapToInt(TurnReport::falseAlarms).sum();
    }
}
