package io.github.voicechat.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TextChunkerTest {

    private static List<String> texts(String text, List<TextChunker.Chunk> chunks) {
        return chunks.stream().map(c -> text.substring(c.start(), c.end())).toList();
    }

    @Test
    void cleanKeepsLengthSoOffsetsStayValid() {
        String text = "Café \u201cnaïve\u201d \u2014 it\u2019s \uD83D\uDE00 \u4F60\u597D\tok\u0007";
        String clean = TextChunker.clean(text);
        assertThat(clean).hasSameSizeAs(text);
        // é and ï lose their accents, curly quotes and apostrophe become ASCII, the dash a comma; both halves of
        // the emoji, the two CJK characters, the tab and the control character become spaces.
        assertThat(clean).isEqualTo("Cafe \"naive\" , it's       ok ");
        assertThat(clean.chars()).allMatch(c -> c >= 0x20 && c < 0x7f);
    }

    @Test
    void cutsAtSentenceEndsAndLineBreaksKeepingTheWhitespaceAfter() {
        String text = "Hello there. How are you?  Fine!\nNext line: yes; no";
        assertThat(texts(text, TextChunker.chunks(text, 200)))
                .containsExactly("Hello there. ", "How are you?  ", "Fine!\n", "Next line: ", "yes; ", "no");
    }

    @Test
    void aPeriodInsideAWordDoesNotEndASentence() {
        String text = "Version 1.5 is out. Done";
        assertThat(texts(text, TextChunker.chunks(text, 200))).containsExactly("Version 1.5 is out. ", "Done");
    }

    @Test
    void chunksCoverTheTextWithoutGapsExceptUnspeakablePhrases() {
        String text = "One. ... !? Two.";
        List<TextChunker.Chunk> chunks = TextChunker.chunks(text, 200);
        assertThat(texts(text, chunks)).containsExactly("One. ", "Two.");
    }

    @Test
    void longPhrasesBreakAtTheLastCommaThenSpaceThenHard() {
        String commas = "alpha beta gamma, delta epsilon zeta, eta theta iota kappa lambda mu";
        assertThat(texts(commas, TextChunker.chunks(commas, 40)))
                .containsExactly("alpha beta gamma, delta epsilon zeta, ", "eta theta iota kappa lambda mu");
        String spaces = "alpha beta gamma delta epsilon zeta eta theta iota";
        List<String> bySpace = texts(spaces, TextChunker.chunks(spaces, 20));
        assertThat(bySpace).allMatch(s -> s.length() <= 21);
        assertThat(String.join("", bySpace)).isEqualTo(spaces);
        assertThat(bySpace.get(0)).isEqualTo("alpha beta gamma ");
        String solid = "x".repeat(50);
        assertThat(texts(solid, TextChunker.chunks(solid, 20)))
                .containsExactly("x".repeat(20), "x".repeat(20), "x".repeat(10));
    }

    @Test
    void abbreviationsDoNotEndASentenceSoTheEngineSeesThemWhole() {
        String text = "Dr. Smith met (Mr. Jones) today. Bye";
        assertThat(texts(text, TextChunker.chunks(text, 200)))
                .containsExactly("Dr. Smith met (Mr. Jones) today. ", "Bye");
    }

    @Test
    void aClosingQuoteAfterTheTerminatorStaysWithItsSentence() {
        String text = "He said \"stop.\" Then (he left.) Done";
        assertThat(texts(text, TextChunker.chunks(text, 200)))
                .containsExactly("He said \"stop.\" ", "Then (he left.) ", "Done");
    }

    @Test
    void emptyTextHasNoChunksAndTinyLimitsAreRefused() {
        assertThat(TextChunker.chunks("", 100)).isEmpty();
        assertThat(TextChunker.chunks("   \n ", 100)).isEmpty();
        assertThatThrownBy(() -> TextChunker.chunks("text", 15))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxChars must be at least 16, was 15");
    }
}
