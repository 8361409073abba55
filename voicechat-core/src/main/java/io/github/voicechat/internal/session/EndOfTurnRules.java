package io.github.voicechat.internal.session;

import io.github.voicechat.spi.EndOfTurnDetector;
import java.util.Locale;
import java.util.Set;

/**
 * The default end of turn: rules on the recogniser's words and the voice's pitch trend.
 *
 * <ul>
 *   <li>The words so far end in a filler, a conjunction, an article or a preposition ("um", "and", "so", "the",
 *       "to"):
 *       the user is evidently not done, {@link #LONG_SILENCE_MS}.</li>
 *   <li>The voice rose at the end (faster than {@link #RISE_SEMITONES_PER_S}, a question or a list going on):
 *       {@link #LONG_SILENCE_MS}.</li>
 *   <li>Words that read complete and a voice that fell (faster than {@link #FALL_SEMITONES_PER_S}, the end of a
 *       statement): {@link #SHORT_SILENCE_MS}.</li>
 *   <li>Anything else, no words included (a recogniser without partial results, or one that has not caught up):
 *       the policy's {@code minSilenceMs}, the fixed rule of old.</li>
 * </ul>
 *
 * The short and long silences are bounded by the policy's: never longer, respectively shorter, than it.
 */
public final class EndOfTurnRules implements EndOfTurnDetector {

    /** A statement's end is found after this much silence. */
    public static final int SHORT_SILENCE_MS = 250;
    /** After a word that needs a continuation, or a rising voice, the user gets this long to go on. */
    public static final int LONG_SILENCE_MS = 800;
    /**
     * A final fall: declination alone lowers the voice by ~1–2 semitones a second, a statement's final fall by
     * several semitones in its last few hundred milliseconds.
     */
    public static final double FALL_SEMITONES_PER_S = -4;
    /**
     * A final rise: a question's rises by several semitones over its last few hundred milliseconds, so at least
     * 2.4 semitones over the 300 ms the pitch trend is read from. Not the mirror of {@link #FALL_SEMITONES_PER_S}:
     * at the end of statements read with a falling voice the trend measures +4 to +6 semitones a second (the last
     * word's trailing voice; {@code benchmarks/TURN-TAKING.md}: 11 of the 20 turn ends there), which a threshold of 4
     * took for a question, holding complete statements for the long silence.
     */
    public static final double RISE_SEMITONES_PER_S = 8;

    /**
     * Words after which an English sentence rarely ends: fillers, conjunctions, articles and possessives, and the
     * prepositions that take an object. Words that often end one too ("that", "on", "in", "you") are left out:
     * waiting longer after them would slow down many complete turns.
     */
    static final Set<String> GOES_ON = Set.of(
            "um", "uh", "er", "erm", "hmm", "mm", "ah", "eh",
            "and", "but", "so", "or", "nor", "because", "cause", "if", "when", "while", "although", "though",
            "unless", "until", "whether", "than",
            "the", "a", "an", "my", "your", "our", "their", "its",
            "to", "of", "at", "for", "with", "from", "by", "into");

    private final int normalMs;
    private final int shortMs;
    private final int longMs;

    /**
     * @param minSilenceMs the policy's silence, used when the rules cannot tell
     */
    public EndOfTurnRules(int minSilenceMs) {
        this.normalMs = minSilenceMs;
        this.shortMs = Math.min(SHORT_SILENCE_MS, minSilenceMs);
        this.longMs = Math.max(LONG_SILENCE_MS, minSilenceMs);
    }

    @Override
    public int silenceToEndMs(Cue cue) {
        String last = lastWord(cue.hypothesis());
        if (last.isEmpty()) {
            return normalMs;
        }
        double slope = cue.pitchSlopeSemitonesPerS();
        if (GOES_ON.contains(last) || slope > RISE_SEMITONES_PER_S) {
            return longMs;
        }
        return slope < FALL_SEMITONES_PER_S ? shortMs : normalMs;
    }

    /** The hypothesis's last word, lower case, without punctuation; empty if it has none. */
    static String lastWord(String hypothesis) {
        int end = hypothesis.length();
        while (end > 0 && !Character.isLetterOrDigit(hypothesis.charAt(end - 1))) {
            end--;
        }
        int start = end;
        while (start > 0 && (Character.isLetterOrDigit(hypothesis.charAt(start - 1))
                || hypothesis.charAt(start - 1) == '\'')) {
            start--;
        }
        return hypothesis.substring(start, end).toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return "EndOfTurnRules[short=" + shortMs + "ms, normal=" + normalMs + "ms, long=" + longMs + "ms]";
    }
}
