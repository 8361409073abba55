package io.github.voicechat.langchain4j.internal;

import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Collects a model's tokens and hands out complete clauses, so that synthesis starts on the first clause rather than
 * on the whole answer.
 *
 * <p>A clause ends where the session's response worker cuts text for synthesis: a run of {@code . ! ? ; :} or line
 * breaks followed by whitespace. Cutting anywhere else (at commas, say) would gain nothing, because the worker holds
 * text until one of those boundaries. A period is only known to end a clause once the next character is known to be
 * whitespace ({@code 3.14}, {@code e.g.}), so a clause is released together with the one whitespace character after
 * it. Markdown emphasis and code marks ({@code * _ `} and leading {@code #}) are dropped: they are not speech.
 */
public final class ClauseSplitter {

    /** The session's own synthesis boundary (its response worker's rule): punctuation or a line break, then space. */
    private static final Pattern CLAUSE_END = Pattern.compile("[.!?;:\\n]+(?=\\s)");

    private final StringBuilder pending = new StringBuilder();

    /** Appends a token and passes each clause it completes to {@code out}; stops early when {@code out} says false. */
    public boolean append(String token, Predicate<String> out) {
        pending.append(token);
        int end;
        while ((end = clauseEnd()) > 0) {
            String clause = speakable(pending.substring(0, end));
            pending.delete(0, end);
            if (!clause.isBlank() && !out.test(clause)) {
                return false;
            }
        }
        return true;
    }

    /** The text after the last complete clause, removed from the splitter; speakable, possibly empty. */
    public String drain() {
        String rest = speakable(pending.toString());
        pending.setLength(0);
        return rest;
    }

    /** Drops any incomplete clause (after a failure: half a sentence is not worth saying). */
    public void clear() {
        pending.setLength(0);
    }

    /** The end (exclusive, after one whitespace character) of the first complete clause, or -1. */
    private int clauseEnd() {
        Matcher m = CLAUSE_END.matcher(pending);
        return m.find() ? m.end() + 1 : -1;
    }

    /** Drops markdown marks that a synthesizer would read aloud or stumble on. */
    static String speakable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        boolean lineStart = true;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '*' || c == '`' || (c == '_' && isEmphasisUnderscore(text, i)) || (c == '#' && lineStart)) {
                continue;
            }
            lineStart = c == '\n' || (lineStart && Character.isWhitespace(c));
            out.append(c);
        }
        return out.toString();
    }

    /** An underscore next to a space or the text's edge marks emphasis; one inside a word (snake_case) is kept. */
    private static boolean isEmphasisUnderscore(String text, int i) {
        boolean before = i == 0 || !Character.isLetterOrDigit(text.charAt(i - 1));
        boolean after = i + 1 == text.length() || !Character.isLetterOrDigit(text.charAt(i + 1));
        return before || after;
    }
}
