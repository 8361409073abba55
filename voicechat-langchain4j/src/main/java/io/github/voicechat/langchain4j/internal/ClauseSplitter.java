package io.github.voicechat.langchain4j.internal;

import io.github.voicechat.spi.TextSplitter;
import java.util.function.Predicate;

/**
 * Collects a model's tokens and hands out complete clauses, so that synthesis starts on the first clause rather than
 * on the whole answer.
 *
 * <p>A clause ends where the session's response worker cuts text for synthesis, by the same rule:
 * {@link TextSplitter#sentences()} ({@code . ! ? ; :} and the like, then whitespace; a line break; never after
 * {@code Dr.} or inside {@code 3.14}). Cutting anywhere else (at commas, say) would gain nothing, because the worker
 * holds text until one of those boundaries. A clause is released once the character after its end has come, with
 * one space after it (whitespace between sentences becomes that one space). Markdown
 * emphasis and code marks ({@code * _ `} and leading {@code #}) are dropped: they are not speech.
 */
public final class ClauseSplitter {

    private final TextSplitter sentences = TextSplitter.sentences();

    /** Appends a token and passes each clause it completes to {@code out}; stops early when {@code out} says false. */
    public boolean append(String token, Predicate<String> out) {
        for (String piece : sentences.feed(token)) {
            String clause = speakable(piece).stripLeading();
            if (clause.isBlank()) {
                continue;
            }
            // A piece ends just after its period; the space that followed it goes out with it, because the
            // session's synthesis, by the same rule, cuts a sentence only once it sees the character after it.
            if (!endsComplete(clause)) {
                clause += " ";
            }
            if (!out.test(clause)) {
                return false;
            }
        }
        return true;
    }

    /** The text after the last complete clause, removed from the splitter; speakable, possibly empty. */
    public String drain() {
        return speakable(sentences.finish()).stripLeading();
    }

    /** A line break or a CJK full stop ends a piece by itself, with nothing after it. */
    private static boolean endsComplete(String clause) {
        char last = clause.charAt(clause.length() - 1);
        return Character.isWhitespace(last) || last == '\u3002' || last == '\uff01' || last == '\uff1f';
    }

    /** Drops any incomplete clause (after a failure: half a sentence is not worth saying). */
    public void clear() {
        sentences.reset();
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
