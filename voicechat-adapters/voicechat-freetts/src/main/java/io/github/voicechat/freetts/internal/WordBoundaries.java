package io.github.voicechat.freetts.internal;

import com.sun.speech.freetts.Item;
import com.sun.speech.freetts.Relation;
import com.sun.speech.freetts.Utterance;
import com.sun.speech.freetts.UtteranceProcessor;
import java.util.ArrayList;
import java.util.List;

/**
 * The last processor FreeTTS runs on an utterance before its audio is generated: it works out where each written
 * token ends, in seconds of the utterance, and at which character of the phrase, so the audio player can report
 * text marks word by word.
 *
 * <p>A token (the written word, "123" or "Dr.") expands to words, words to syllables, syllables to phone segments;
 * the {@code end} of the token's last segment is when the token has been said. Tokens are found in the phrase text
 * in order; one FreeTTS cannot give back (it normalised it) simply gets no mark of its own.
 */
public final class WordBoundaries implements UtteranceProcessor {

    /** A token that is fully said {@code endS} seconds into its utterance, ending at character {@code endChar}. */
    public record Boundary(double endS, int endChar) {
    }

    private String phrase = "";
    private int phraseOffset;
    private int cursor;
    private List<Boundary> pending = new ArrayList<>();
    private double pendingDurationS;

    /** Starts a phrase: {@code phrase} is the text FreeTTS is given, at {@code offset} in the whole text. */
    public void beginPhrase(String phrase, int offset) {
        this.phrase = phrase;
        this.phraseOffset = offset;
        this.cursor = 0;
        this.pending = new ArrayList<>();
        this.pendingDurationS = 0;
    }

    /** The boundaries of the utterance processed last, and hands them over (the next call returns none). */
    public List<Boundary> take() {
        List<Boundary> b = pending;
        pending = new ArrayList<>();
        return b;
    }

    /** Duration of the utterance processed last, by its segment times, in seconds. */
    public double durationS() {
        return pendingDurationS;
    }

    @Override
    public void processUtterance(Utterance utterance) {
        pending = new ArrayList<>();
        Relation segments = utterance.getRelation(Relation.SEGMENT);
        Item lastSegment = segments == null ? null : segments.getTail();
        pendingDurationS = lastSegment == null ? 0 : lastSegment.getFeatures().getFloat("end");
        Relation tokens = utterance.getRelation(Relation.TOKEN);
        if (tokens == null) {
            return;
        }
        for (Item token = tokens.getHead(); token != null; token = token.getNext()) {
            int endChar = locate(token);
            double endS = endOf(token);
            if (endChar >= 0 && endS >= 0) {
                pending.add(new Boundary(endS, phraseOffset + endChar));
            }
        }
    }

    private int locate(Item token) {
        String name = token.getFeatures().isPresent("name") ? token.getFeatures().getString("name") : "";
        if (name.isEmpty()) {
            return -1;
        }
        int at = phrase.indexOf(name, cursor);
        if (at < 0) {
            return -1;
        }
        int end = at + name.length();
        String punc = token.getFeatures().isPresent("punc") ? token.getFeatures().getString("punc") : "";
        if (!punc.isEmpty() && phrase.startsWith(punc, end)) {
            end += punc.length();
        }
        cursor = end;
        return end;
    }

    /** End time of the token's last phone, or -1 when it was not spoken (punctuation, unknown symbols). */
    private static double endOf(Item token) {
        Item word = token.getLastDaughter();
        if (word == null) {
            return -1;
        }
        Item inStructure = word.getItemAs(Relation.SYLLABLE_STRUCTURE);
        Item syllable = inStructure == null ? null : inStructure.getLastDaughter();
        Item segment = syllable == null ? null : syllable.getLastDaughter();
        if (segment == null || !segment.getFeatures().isPresent("end")) {
            return -1;
        }
        return segment.getFeatures().getFloat("end");
    }

    @Override
    public String toString() {
        return "WordBoundaries";
    }
}
