package io.github.voicechat.spi;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;

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

    /**
     * The option of engines that chunk with this class: the longest phrase given to the engine at once. Longer
     * phrases delay the first audio and a cancel; shorter ones cut sentences more often.
     */
    public static final EngineOption<Integer> MAX_CHUNK_CHARS = EngineOption.integer("maxChunkChars", 300, 16, 5000,
            "longest phrase synthesised at once; longer sentences are cut at a comma or space");

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
     *
     * @param text any text
     * @return the text in printable ASCII, as long as {@code text}, so character offsets still match
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
     * Cuts text into phrases at the sentence ends of {@link TextSplitter} (so {@code "Dr. Smith"} stays whole), and
     * cuts any phrase longer than {@code maxChars} at its last comma or space before the limit (or hard at the limit
     * when it has neither). Each phrase takes the whitespace after it. Phrases that are only whitespace and
     * punctuation are dropped, since nothing would be said for them.
     *
     * @param text     the text
     * @param maxChars the longest phrase, at least 16
     * @return the phrases in order, with their offsets in {@code text}
     */
    public static List<Chunk> chunks(String text, int maxChars) {
        if (maxChars < 16) {
            throw new IllegalArgumentException("maxChars must be at least 16, was " + maxChars);
        }
        TextSplitter sentences = TextSplitter.sentences();
        List<Chunk> out = new ArrayList<>();
        int n = text.length();
        int start = 0;
        while (start < n) {
            int limit = Math.min(n, start + maxChars);
            int end = sentences.nextEnd(text, start, true);
            if (end > limit) {
                end = softBreak(text, start, limit);
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
