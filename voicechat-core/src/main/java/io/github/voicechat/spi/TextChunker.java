package io.github.voicechat.spi;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * For {@link SpeechSynthesizer} implementations: cleans text for an ASCII-only English front end and cuts it into
 * phrases to synthesise one at a time, so the first audio comes after one phrase rather than the whole text and a
 * cancel takes effect between phrases. Shared by the FreeTTS and MaryTTS adapters (adapters never depend on each
 * other).
 *
 * <p>Cleaning keeps the length of the text, so character offsets of the cleaned text are offsets of the original:
 * text marks reported to the pipeline refer to what the caller passed in.
 */
public final class TextChunker {

    /** One phrase: {@code [start, end)} in the text, {@code end} including the whitespace after it. */
    public record Chunk(int start, int end) {
    }

    private TextChunker() {
    }

    /**
     * Replaces every character an ASCII English front end cannot read with a space, one for one: accented Latin
     * letters lose their accent ({@code é} → {@code e}), typographic quotes become ASCII quotes, dashes commas, and
     * control characters, emoji (both surrogate halves), CJK and other scripts become spaces. The CMU lexicons and
     * letter-to-sound rules of FreeTTS and MaryTTS only know ASCII.
     */
    public static String clean(String text) {
        char[] out = new char[text.length()];
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0x7f) {
                out[i] = c;
            } else if (c >= 0xc0 && c <= 0x24f) {
                String base = Normalizer.normalize(String.valueOf(c), Normalizer.Form.NFKD);
                char b = base.isEmpty() ? ' ' : base.charAt(0);
                out[i] = b >= 0x20 && b < 0x7f && Character.isLetter(b) ? b : ' ';
            } else if (c == '\u2019' || c == '\u2018') {
                out[i] = '\'';
            } else if (c == '\u201c' || c == '\u201d') {
                out[i] = '"';
            } else if (c == '\u2013' || c == '\u2014') {
                out[i] = ',';
            } else {
                out[i] = ' ';
            }
        }
        return new String(out);
    }

    /**
     * Cuts text into phrases at sentence ends ({@code . ! ? ; :} followed by a space) and line breaks, and cuts any
     * phrase longer than {@code maxChars} at its last comma or space before the limit (or hard at the limit when it
     * has neither). Phrases that are only whitespace and punctuation are dropped, since nothing would be said for them.
     */
    public static List<Chunk> chunks(String text, int maxChars) {
        return chunks(text, maxChars, word -> false);
    }

    /**
     * As {@link #chunks(String, int)}, but a period does not end a sentence when {@code isAbbreviation} accepts the
     * word before it ({@code "Dr"} in {@code "Dr. Smith"}, given without leading punctuation or the period), for
     * engines that read an abbreviation within its sentence.
     */
    public static List<Chunk> chunks(String text, int maxChars, Predicate<String> isAbbreviation) {
        if (maxChars < 16) {
            throw new IllegalArgumentException("maxChars must be at least 16, was " + maxChars);
        }
        List<Chunk> out = new ArrayList<>();
        int n = text.length();
        int start = 0;
        while (start < n) {
            int end = sentenceEnd(text, start, Math.min(n, start + maxChars), isAbbreviation);
            if (end < 0) {
                end = softBreak(text, start, Math.min(n, start + maxChars));
            }
            while (end < n && Character.isWhitespace(text.charAt(end))) {
                end++;
            }
            if (hasSpeakable(text, start, end)) {
                out.add(new Chunk(start, end));
            }
            start = end;
        }
        return out;
    }

    /** The end of the first sentence in {@code [start, limit)}, or -1; a sentence reaching the text end counts. */
    private static int sentenceEnd(String text, int start, int limit, Predicate<String> isAbbreviation) {
        for (int i = start; i < limit; i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r') {
                return i + 1;
            }
            if ((c == '.' || c == '!' || c == '?' || c == ';' || c == ':')
                    && (i + 1 == text.length() || Character.isWhitespace(text.charAt(i + 1)))
                    && !(c == '.' && isAbbreviation.test(wordBefore(text, start, i)))) {
                return i + 1;
            }
        }
        return limit == text.length() ? limit : -1;
    }

    /** The word that ends at {@code dot} (from the whitespace before it, leading punctuation dropped). */
    private static String wordBefore(String text, int from, int dot) {
        int s = dot;
        while (s > from && !Character.isWhitespace(text.charAt(s - 1))) {
            s--;
        }
        while (s < dot && !Character.isLetterOrDigit(text.charAt(s))) {
            s++;
        }
        return text.substring(s, dot);
    }

    private static int softBreak(String text, int start, int limit) {
        int minEnd = start + (limit - start) / 2;
        for (int i = limit - 1; i > minEnd; i--) {
            if (text.charAt(i) == ',') {
                return i + 1;
            }
        }
        for (int i = limit - 1; i > minEnd; i--) {
            if (Character.isWhitespace(text.charAt(i))) {
                return i;
            }
        }
        return limit;
    }

    private static boolean hasSpeakable(String text, int start, int end) {
        for (int i = start; i < end; i++) {
            if (Character.isLetterOrDigit(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }
}
