package io.github.voicechat.piper.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The guard in front of espeak-ng's abbreviation handling (see {@link EspeakPhonemizer#breakLongAbbreviations}),
 * without the native library: what it leaves alone and what it changes. {@link EspeakPhonemizerTest} feeds the texts
 * that aborted the JVM to the real library.
 */
class AbbreviationChainTest {

    @Test
    void ordinaryTextAndShortAbbreviationsAreLeftAlone() {
        for (String text : new String[] {"Dr. Smith met Mr. Jones at 5 p.m. in Washington D.C. today.",
                "e.g. i.e. etc. U.S.A.", "x".repeat(600), "\uCF3C".repeat(40), "x.".repeat(60), "i.\uCF3C", ""}) {
            assertThat(EspeakPhonemizer.breakLongAbbreviations(text)).isSameAs(text);
        }
    }

    @Test
    void aLetterDotJoinedToALongWordLosesItsFullStops() {
        String text = "i." + "x".repeat(168) + "e. 1";
        String out = EspeakPhonemizer.breakLongAbbreviations(text);
        assertThat(out).isEqualTo("i " + "x".repeat(168) + "e  1");
        assertThat(out).hasSameSizeAs(text); // every offset into the text still holds
    }

    @Test
    void aChainAcrossBlanksCountsAsOne() {
        String half = "x.".repeat(45);
        String out = EspeakPhonemizer.breakLongAbbreviations(half + " " + half + " done. Next sentence.");
        // "done." has a full stop too, so the chain goes on to "Next", the first token without one.
        assertThat(out).doesNotContain("x.").startsWith("x x ").endsWith("done  Next sentence.");
    }

    @Test
    void theLimitWeighsWhatEspeakNgSpells() {
        // ASCII 1, other BMP letters 3, Hangul syllables 9 (espeak-ng aborted from 170, 90 and 20 of them after "i.")
        assertThat(EspeakPhonemizer.breakLongAbbreviations("i." + "x".repeat(118))).doesNotStartWith("i ");
        assertThat(EspeakPhonemizer.breakLongAbbreviations("i." + "x".repeat(119))).startsWith("i ");
        assertThat(EspeakPhonemizer.breakLongAbbreviations("i." + "\u00fc".repeat(39))).doesNotStartWith("i ");
        assertThat(EspeakPhonemizer.breakLongAbbreviations("i." + "\u00fc".repeat(40))).startsWith("i ");
        assertThat(EspeakPhonemizer.breakLongAbbreviations("i." + "\uCF3C".repeat(13))).doesNotStartWith("i ");
        assertThat(EspeakPhonemizer.breakLongAbbreviations("i." + "\uCF3C".repeat(14))).startsWith("i ");
    }

    @Test
    void controlCharactersJavaCallsWhitespaceAreCountedAsPartOfTheWord() {
        // U+001C..U+001F are whitespace to Java, letters of the word to espeak-ng: "i." + 200 U+001C aborted it.
        for (char c = '\u001c'; c <= '\u001f'; c++) {
            String text = "i." + String.valueOf(c).repeat(200);
            assertThat(EspeakPhonemizer.breakLongAbbreviations(text)).as("U+%04X", (int) c)
                    .isEqualTo("i " + String.valueOf(c).repeat(200));
        }
    }
}
