package io.github.voicechat.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TextSplitterTest {

    /** The pieces of a complete text, by the stateless rule. */
    private static List<String> pieces(TextSplitter splitter, String text) {
        List<String> out = new ArrayList<>();
        int start = 0;
        int end;
        while ((end = splitter.nextEnd(text, start, true)) > 0) {
            out.add(text.substring(start, end));
            start = end;
        }
        return out;
    }

    /** The pieces of a text fed in chunks of the given sizes (cycled), then finished. */
    private static List<String> streamed(TextSplitter splitter, String text, int... sizes) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int k = 0;
        while (i < text.length()) {
            int n = Math.min(text.length() - i, sizes[k++ % sizes.length]);
            out.addAll(splitter.feed(text.substring(i, i + n)));
            i += n;
        }
        String rest = splitter.finish();
        if (!rest.isEmpty()) {
            out.add(rest);
        }
        return out;
    }

    @Test
    void sentencesEndAtTerminatorsFollowedByWhitespaceWhichStartsTheNextPiece() {
        assertThat(pieces(TextSplitter.sentences(), "Hello there. How are you?  Fine! Next: yes; no"))
                .containsExactly("Hello there.", " How are you?", "  Fine!", " Next:", " yes;", " no");
    }

    @Test
    void abbreviationsDoNotEndASentence() {
        assertThat(pieces(TextSplitter.sentences(), "Dr. Smith met (Mr. Jones), e.g. at St. Paul's, etc. today. Bye."))
                .containsExactly("Dr. Smith met (Mr. Jones), e.g. at St. Paul's, etc. today.", " Bye.");
        assertThat(pieces(TextSplitter.sentences(), "The U.S. Senate voted. It passed."))
                .containsExactly("The U.S. Senate voted.", " It passed.");
        assertThat(TextSplitter.isAbbreviation("DR")).isTrue();
        assertThat(TextSplitter.isAbbreviation("i.e")).isTrue();
        assertThat(TextSplitter.isAbbreviation("today")).isFalse();
    }

    @Test
    void periodsInsideNumbersAndNamesEndNothing() {
        assertThat(pieces(TextSplitter.sentences(), "Pi is 3.14 and the site is example.com today. It costs $3. Ok"))
                .containsExactly("Pi is 3.14 and the site is example.com today.", " It costs $3.", " Ok");
        assertThat(pieces(TextSplitter.sentences(), "Meet at 10:30 sharp. Fine"))
                .containsExactly("Meet at 10:30 sharp.", " Fine");
    }

    @Test
    void ellipsesAndRunsOfMarksEndOnePieceAfterTheRun() {
        assertThat(pieces(TextSplitter.sentences(), "Well... I think so?! Wait\u2026 no."))
                .containsExactly("Well...", " I think so?!", " Wait\u2026", " no.");
    }

    @Test
    void closingQuotesAndBracketsStayWithTheirSentence() {
        assertThat(pieces(TextSplitter.sentences(), "He said \"stop.\" Then (he left.) \u201cOk!\u201d Done"))
                .containsExactly("He said \"stop.\"", " Then (he left.)", " \u201cOk!\u201d", " Done");
    }

    @Test
    void lineBreaksEndPiecesWithContentAndCjkStopsNeedNoSpace() {
        assertThat(pieces(TextSplitter.sentences(), "\n\nfirst line\nsecond line\r\nthird"))
                .containsExactly("\n\nfirst line\n", "second line\r", "\nthird");
        assertThat(pieces(TextSplitter.sentences(), "\u4f60\u597d\u3002\u4e16\u754c\uff01\u518d\u89c1"))
                .containsExactly("\u4f60\u597d\u3002", "\u4e16\u754c\uff01", "\u518d\u89c1");
    }

    @Test
    void clausesAlsoEndAtCommasAndDashesOnceLongEnough() {
        String text = "Yes, I can help with that, and \u2014 if you like \u2014 more. 1,000 apples, ok";
        assertThat(pieces(TextSplitter.clauses(0), text)).containsExactly("Yes,", " I can help with that,",
                " and \u2014", " if you like \u2014", " more.", " 1,000 apples,", " ok");
        // "Yes," is too short to be a piece of its own at 8 characters; the sentence end always cuts.
        assertThat(pieces(TextSplitter.clauses(8), text)).containsExactly("Yes, I can help with that,",
                " and \u2014 if you like \u2014", " more.", " 1,000 apples,", " ok");
        assertThat(pieces(TextSplitter.sentences(), text)).containsExactly(
                "Yes, I can help with that, and \u2014 if you like \u2014 more.", " 1,000 apples, ok");
        assertThatThrownBy(() -> TextSplitter.clauses(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void incompleteTextWaitsForTheCharacterAfterTheTerminator() {
        TextSplitter s = TextSplitter.sentences();
        assertThat(s.nextEnd("It costs 3.", 0, false)).isEqualTo(-1); // may become 3.5
        assertThat(s.nextEnd("It costs 3.", 0, true)).isEqualTo(11);
        assertThat(s.nextEnd("Call Dr.", 0, false)).isEqualTo(-1);
        assertThat(s.nextEnd("no end yet", 0, false)).isEqualTo(-1);
        assertThat(s.nextEnd("no end yet", 0, true)).isEqualTo(10);
        assertThat(s.nextEnd("done", 4, true)).isEqualTo(-1);
    }

    @Test
    void streamingReturnsEachPieceAsSoonAsItIsDecided() {
        TextSplitter s = TextSplitter.sentences();
        assertThat(s.feed("Hello there")).isEmpty();
        assertThat(s.feed(".")).isEmpty();
        assertThat(s.feed(" Dr.")).containsExactly("Hello there.");
        assertThat(s.feed(" Smith is 3.")).isEmpty();
        assertThat(s.feed("5 m tall")).isEmpty();
        assertThat(s.feed("... ok")).containsExactly(" Dr. Smith is 3.5 m tall...");
        assertThat(s.finish()).isEqualTo(" ok");
        assertThat(s.finish()).isEmpty();
        s.feed("dropped");
        s.reset();
        assertThat(s.finish()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Dr. Smith met Mr. Jones at 3.30 p.m. today... Then they left! \"Really?\" she said. Yes; no: maybe",
        "Pi is 3.14159, e is 2.718 \u2014 and 1,000,000 is a million.\nNew line\r\n\r\nAnother? Done.",
        "  Leading spaces. Trailing spaces.   ",
    })
    void anyChunkingGivesTheSamePiecesAsTheWholeText(String text) {
        List<Supplier<TextSplitter>> splitters =
                List.of(TextSplitter::sentences, () -> TextSplitter.clauses(0), () -> TextSplitter.clauses(12));
        for (Supplier<TextSplitter> splitter : splitters) {
            List<String> whole = pieces(splitter.get(), text);
            assertThat(String.join("", whole)).isEqualTo(text);
            for (int size = 1; size <= 7; size++) {
                assertThat(streamed(splitter.get(), text, size)).as("chunks of %d", size).isEqualTo(whole);
            }
            Random random = new Random(42);
            for (int trial = 0; trial < 50; trial++) {
                int[] sizes = random.ints(8, 1, 12).toArray();
                assertThat(streamed(splitter.get(), text, sizes)).isEqualTo(whole);
            }
        }
    }
}
