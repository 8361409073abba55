package io.github.voicechat.spi;

/**
 * Decides how long a silence ends the user's turn, from what has been heard so far.
 *
 * <p>The session asks while the user is silent in the middle of a turn: when the silence starts, and again whenever
 * what it knows changes (the recogniser's hypothesis grows as it catches up). The turn ends once the silence has
 * lasted the answer. The default is a set of rules (see {@code TurnPolicy.Builder#endOfTurn}); a model-based
 * detector can implement this instead. Called on the session's thread, so it must answer in well under a
 * millisecond; it must not block.
 */
@FunctionalInterface
public interface EndOfTurnDetector {

    /**
     * What is known when the user falls silent.
     *
     * @param hypothesis             the recogniser's words so far in this turn, as it gives them; empty if it gives
     *                               none (no partial results) or has heard none yet
     * @param pitchSlopeSemitonesPerS the voice's pitch trend over its last voiced stretch (up to 300 ms before the
     *                               silence), in semitones per second: negative when it falls, positive when it rises;
     *                               NaN when too little of it was voiced to tell
     */
    record Cue(String hypothesis, double pitchSlopeSemitonesPerS) {

        /**
         * @param hypothesis              the words so far, never null
         * @param pitchSlopeSemitonesPerS the pitch trend, or NaN
         */
        public Cue {
            if (hypothesis == null) {
                throw new IllegalArgumentException("hypothesis must not be null (empty when there is none)");
            }
        }
    }

    /**
     * Decides the silence that ends the turn, given {@code cue}.
     *
     * @param cue what has been heard
     * @return the silence, in milliseconds, after which the turn ends (at least 10)
     */
    int silenceToEndMs(Cue cue);
}
