package io.github.voicechat.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Where text to be spoken may be cut: the one rule used by the session's response path (an answer is synthesised
 * sentence by sentence as it streams in), by synthesizers ({@link TextChunker}) and by responders that stream
 * tokens. Cutting a sentence early costs prosody and, worse, an abbreviation hook downstream never sees
 * {@code "Dr. Smith"} whole; so the rule is kept here, once.
 *
 * <p>The rule:
 * <ul>
 *   <li>A <em>sentence</em> ends after a run of {@code . ! ? …} or {@code ; :} (each spoken with a sentence-like
 *       pause), and any closing quotes or brackets after it, when whitespace follows or the text is complete. So a
 *       period inside a number ({@code 3.14}) or a name ({@code example.com}) ends nothing, and neither does a
 *       period at the end of text still streaming in (it may be {@code 3.} of {@code 3.5}).</li>
 *   <li>A single period after an abbreviation ({@code Dr.}, {@code Mr.}, {@code etc.}, or a word with an inner period
 *       such as {@code e.g.} or {@code U.S.}: {@link #isAbbreviation}) ends nothing.</li>
 *   <li>The CJK full stops {@code 。！？} end a sentence without whitespace after them.</li>
 *   <li>A line break ends a piece that has anything but whitespace in it.</li>
 *   <li>At {@link #clauses clause} level a comma or a dash ({@code —}, {@code –}) followed by whitespace also ends a
 *       piece, once the piece has at least {@code minChars} characters; sentence ends always do.</li>
 *   <li>A piece ends just after its terminator: the whitespace after it begins the next piece, so the pieces put
 *       together are the text, and where a piece ends never depends on how much whitespace follows.</li>
 * </ul>
 *
 * <p>Streaming: {@link #feed} takes text as it arrives (tokens, chunks of any size) and returns the pieces it
 * completed; {@link #finish} returns the rest. The pieces are the same however the text is chunked, and each is
 * returned as soon as the character after its terminator has arrived. An instance
 * holds the text not yet returned, for one stream on one thread at a time; {@link #nextEnd} uses no state.
 */
public final class TextSplitter {

    /** Words read as abbreviations before a period; lower case, without the period. */
    private static final Set<String> ABBREVIATIONS = Set.of("mr", "mrs", "ms", "dr", "st", "jr", "sr", "prof", "vs",
            "etc", "mt", "inc", "ltd", "co", "jan", "feb", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
            "dec");

    private final boolean clauses;
    private final int minClauseChars;
    private final StringBuilder pending = new StringBuilder();

    private TextSplitter(boolean clauses, int minClauseChars) {
        this.clauses = clauses;
        this.minClauseChars = minClauseChars;
    }

    /** {@return a splitter into sentences} */
    public static TextSplitter sentences() {
        return new TextSplitter(false, 0);
    }

    /**
     * A splitter into clauses: sentences, further cut after a comma or dash once a piece has {@code minChars}
     * characters (so {@code "Yes, "} is not a piece of its own when {@code minChars} is larger), for the earliest
     * audio from a streamed answer.
     *
     * @param minChars the shortest piece cut at a comma or dash, not negative
     * @return the splitter
     */
    public static TextSplitter clauses(int minChars) {
        if (minChars < 0) {
            throw new IllegalArgumentException("minChars must be >= 0, was " + minChars);
        }
        return new TextSplitter(true, minChars);
    }

    /**
     * Appends streamed text and returns the pieces it completed, in order; often none. A piece whose end depends
     * on what comes next (a period at the end of the text so far) waits for the next call.
     *
     * @param text the next part of the stream
     * @return the pieces completed, in order
     */
    public List<String> feed(CharSequence text) {
        pending.append(text);
        List<String> out = new ArrayList<>();
        int start = 0;
        int end;
        while ((end = nextEnd(pending, start, false)) > 0) {
            out.add(pending.substring(start, end));
            start = end;
        }
        pending.delete(0, start);
        return out;
    }

    /**
     * Ends the stream and empties this splitter for a new one.
     *
     * @return what is left, possibly empty
     */
    public String finish() {
        String rest = pending.toString();
        pending.setLength(0);
        return rest;
    }

    /** Drops any text held, for a new stream (after a barge-in, say). */
    public void reset() {
        pending.setLength(0);
    }

    /**
     * The end of the first piece of {@code text} that starts at {@code from}: just past its terminator (and any
     * closing quotes or brackets); -1 when {@code text} holds no complete piece yet. When {@code complete}, the text
     * ends here, so its end ends a piece: the result is then {@code text.length()} if nothing comes earlier, or -1
     * when {@code from} is already there.
     *
     * @param text     the text
     * @param from     where the piece starts
     * @param complete whether {@code text} is the whole of the stream
     * @return the index just past the piece, or -1
     */
    public int nextEnd(CharSequence text, int from, boolean complete) {
        int n = text.length();
        int contentStart = -1;
        for (int i = from; i < n; i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r') {
                if (contentStart >= 0) {
                    return i + 1;
                }
                continue;
            }
            if (isCjkStop(c)) {
                return i + 1;
            }
            if (contentStart < 0 && !Character.isWhitespace(c)) {
                contentStart = i;
            }
            int runEnd;
            if (isSentenceMark(c)) {
                runEnd = i + 1;
                while (runEnd < n && isSentenceMark(text.charAt(runEnd))) {
                    runEnd++;
                }
            } else if (clauses && isClauseMark(c) && i + 1 - contentStart >= minClauseChars) {
                runEnd = i + 1;
            } else {
                continue;
            }
            int closed = runEnd;
            while (closed < n && isCloser(text.charAt(closed))) {
                closed++;
            }
            if (closed == n && !complete) {
                return -1; // what follows decides: "3." may become "3.5", "Hello." may become "Hello..."
            }
            boolean endsWord = closed == n || Character.isWhitespace(text.charAt(closed));
            boolean abbreviation = c == '.' && runEnd == i + 1 && isAbbreviation(wordBefore(text, from, i));
            if (endsWord && !abbreviation) {
                return closed;
            }
            i = closed - 1; // "3.14", "example.com", "1,000", "Dr. Smith": inside a word or after an abbreviation
        }
        return complete && from < n ? n : -1;
    }

    /**
     * Whether a period after {@code word} marks an abbreviation rather than a sentence end: a word with an inner
     * period ({@code e.g}, {@code U.S}) or a title, month or the like ({@code Dr}, {@code etc}, {@code Sept}), in
     * any case. Synthesizers that tokenise text themselves use the same test.
     *
     * @param word the word before the period, without it
     * @return whether the period belongs to the word
     */
    public static boolean isAbbreviation(String word) {
        return word.indexOf('.') >= 0 || ABBREVIATIONS.contains(word.toLowerCase(Locale.ROOT));
    }

    private static boolean isSentenceMark(char c) {
        return c == '.' || c == '!' || c == '?' || c == ';' || c == ':' || c == '\u2026';
    }

    private static boolean isClauseMark(char c) {
        return c == ',' || c == '\u2014' || c == '\u2013';
    }

    private static boolean isCjkStop(char c) {
        return c == '\u3002' || c == '\uff01' || c == '\uff1f';
    }

    private static boolean isCloser(char c) {
        return c == '"' || c == '\'' || c == ')' || c == ']' || c == '}' || c == '\u201d' || c == '\u2019'
                || c == '\u00bb';
    }

    /** The word that ends at {@code dot} (from the whitespace before it, leading punctuation dropped). */
    private static String wordBefore(CharSequence text, int from, int dot) {
        int s = dot;
        while (s > from && !Character.isWhitespace(text.charAt(s - 1))) {
            s--;
        }
        while (s < dot && !Character.isLetterOrDigit(text.charAt(s))) {
            s++;
        }
        return text.subSequence(s, dot).toString();
    }
}
