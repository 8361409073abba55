package io.github.voicechat.marytts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.voicechat.audio.Pcm;
import io.github.voicechat.spi.EngineOptions;
import io.github.voicechat.spi.EngineProvider;
import io.github.voicechat.spi.Engines;
import io.github.voicechat.spi.SpeechSynthesizer;
import io.github.voicechat.testkit.RecordingSink;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MaryTtsSynthesizerTest {

    private static final int RATE = 48_000;
    private static MaryTtsSynthesizer tts;

    @BeforeAll
    static void load() {
        tts = MaryTtsSynthesizer.create();
    }

    @AfterAll
    static void close() {
        tts.close();
    }

    private static List<Integer> markChars(RecordingSink sink) {
        return sink.marks.stream().map(RecordingSink.Mark::endChar).collect(Collectors.toList());
    }

    @Test
    void speaksASentenceAsStreamedPiecesWithAMarkAfterEveryWord() {
        String text = "Hello world. This is a test.";
        RecordingSink sink = new RecordingSink();
        tts.synthesize(text, sink);

        double seconds = sink.length() / (double) RATE;
        System.out.printf("'%s': %.2f s of audio in %d pieces, marks %s%n", text, seconds, sink.pieceSizes.size(),
                sink.marks);
        assertThat(seconds).isBetween(1.5, 5.0);
        assertThat(sink.pieceSizes.size()).isGreaterThan(50);
        assertThat(sink.pieceSizes.stream().mapToInt(Integer::intValue).max().orElseThrow()).isLessThanOrEqualTo(960);
        assertThat(Pcm.dbfs(Pcm.rms(sink.samples(), 0, sink.length()))).isGreaterThan(-30);
        // a mark after each word with its punctuation, one after each sentence's trailing space
        assertThat(markChars(sink)).containsExactly(5, 12, 13, 17, 20, 22, 28);
        for (int i = 1; i < sink.marks.size(); i++) {
            assertThat(sink.marks.get(i).atSample()).isGreaterThanOrEqualTo(sink.marks.get(i - 1).atSample());
        }
        // "Hello" ends within the first second; "test." ends before the final pause of each sentence (400 ms)
        assertThat(sink.marks.get(0).atSample()).isBetween(1, RATE);
        assertThat(sink.marks.get(sink.marks.size() - 2).atSample()).isLessThan(sink.length() - RATE / 4);
    }

    @Test
    void numbersAndAbbreviationsKeepOneMarkPerWrittenToken() {
        String text = "I paid 123 dollars to Dr. Smith, didn't I?";
        RecordingSink sink = new RecordingSink();
        tts.synthesize(text, sink);
        System.out.printf("'%s': %.2f s, marks %s%n", text, sink.length() / (double) RATE, sink.marks);
        // "123" is read as four words and "Dr." as one: each still ends at its own written token
        assertThat(markChars(sink)).containsExactly(1, 6, 10, 18, 21, 25, 32, 39, 42);
        assertThat(sink.length()).isGreaterThan(2 * RATE);
    }

    @Test
    void xmlSpecialCharactersAreEscapedNotInterpreted() {
        String text = "Tom & Jerry said <hello> to \"Anna's\" friends ]]> <!-- here -->.";
        RecordingSink sink = new RecordingSink();
        tts.synthesize(text, sink);
        assertThat(sink.length()).isGreaterThan(RATE);
        assertThat(sink.marks.get(sink.marks.size() - 1).endChar()).isEqualTo(text.length());
    }

    @Test
    void emptyAndBlankTextGiveNoAudioAndNoError() {
        for (String text : List.of("", "   ", "\n\t", "...", "?!", "<>&")) {
            RecordingSink sink = new RecordingSink();
            tts.synthesize(text, sink);
            assertThat(sink.length()).as("samples for '%s'", text).isZero();
        }
    }

    @Test
    void nullTextIsRefused() {
        assertThatThrownBy(() -> tts.synthesize((String) null, new RecordingSink()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("text must not be null");
    }

    @Test
    void unsupportedCharactersAreReadAsSpaces() {
        String text = "Caf\u00e9 \uD83D\uDE00 \u4e16\u754c \u0000\u0007 ok \u202e done";
        RecordingSink sink = new RecordingSink();
        tts.synthesize(text, sink);
        assertThat(sink.length()).isGreaterThan(RATE / 2);
        assertThat(sink.marks.get(sink.marks.size() - 1).endChar()).isEqualTo(text.length());

        RecordingSink onlySymbols = new RecordingSink();
        tts.synthesize("\uD83D\uDE00\uD83D\uDE00 \u4e16\u754c \u0001", onlySymbols);
        assertThat(onlySymbols.length()).isZero();
    }

    @Test
    void longRunOnTextIsChunkedAndCancellationStopsWithinOneBlock() {
        StringBuilder b = new StringBuilder();
        while (b.length() < 10_000) {
            b.append("The quick brown fox jumps over the lazy dog, and then it runs away into the forest ");
        }
        String text = b.substring(0, 10_000); // one run-on sentence: only commas and spaces to cut at
        RecordingSink sink = new RecordingSink(3 * RATE);
        long t0 = System.nanoTime();
        tts.synthesize(text, sink);
        double wallS = (System.nanoTime() - t0) / 1e9;

        assertThat(sink.length()).isBetween(3 * RATE, 3 * RATE + 960);
        assertThat(sink.piecesAfterCancel()).isZero();
        assertThat(sink.marks).isNotEmpty();
        assertThat(sink.marks.get(sink.marks.size() - 1).endChar()).isBetween(10, 100);
        // only the first phrase (at most 300 characters) was analysed: nowhere near the whole text
        assertThat(wallS).isLessThan(20);
    }

    @Test
    void longTextIsSpokenPhraseByPhraseToTheEnd() {
        StringBuilder b = new StringBuilder();
        while (b.length() < 1_500) {
            b.append("Numbers like ").append(b.length()).append(" are read out. ");
        }
        String text = b.toString();
        RecordingSink sink = new RecordingSink();
        tts.synthesize(text, sink);
        double audioS = sink.length() / (double) RATE;
        assertThat(audioS).isGreaterThan(60);
        assertThat(sink.marks.get(sink.marks.size() - 1).endChar()).isEqualTo(text.length());
        List<Integer> marks = markChars(sink);
        assertThat(marks).isSorted().doesNotHaveDuplicates();
        assertThat(marks.size()).isGreaterThan(4 * 50);
    }

    @Test
    void unknownAndOutOfRangeOptionsAreRefused() {
        assertThatThrownBy(() -> MaryTtsSynthesizer.create(EngineOptions.EMPTY.with("maxChunkChars", "5")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("option maxChunkChars must be 16..5000, was 5 (for marytts-cmu-slt-hsmm)");
        assertThatThrownBy(() -> MaryTtsSynthesizer.create(EngineOptions.EMPTY.with("rate", "170")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown option 'rate' for marytts-cmu-slt-hsmm; valid: maxChunkChars");
        // The contract every engine keeps (EngineOptionsContractTest covers those on the command line's class path).
        var bad = io.github.voicechat.testkit.EngineOptionChecks.badOptions(java.util.List.of(new MaryTtsProvider()));
        assertThat(bad).hasSizeGreaterThan(4);
        bad.forEach(io.github.voicechat.testkit.EngineOptionChecks::assertRefused);
    }

    @Test
    void providerIsFoundByFamilyAndRanksBelowTheDefault() {
        EngineProvider<SpeechSynthesizer> p = Engines.find(SpeechSynthesizer.class, "marytts");
        assertThat(p.id()).isEqualTo("marytts-cmu-slt-hsmm");
        assertThat(p.capabilities().sampleRateHz()).isEqualTo(48_000);
        assertThat(p.capabilities().supportsLanguage("en")).isTrue();
        assertThat(p.priority()).isLessThan(0);
        assertThat(p.unavailableReason()).isEmpty();
    }

    @Test
    void closeLeavesNoThreadBehind() {
        Set<Thread> threadsBefore = Thread.getAllStackTraces().keySet();
        SpeechSynthesizer other = Engines.find(SpeechSynthesizer.class, "marytts-cmu-slt-hsmm")
                .create(EngineOptions.EMPTY);
        RecordingSink sink = new RecordingSink();
        other.synthesize("One more voice.", sink);
        RecordingSink cancelled = new RecordingSink(RATE / 10);
        other.synthesize("This one is cancelled after a tenth of a second.", cancelled);
        other.close();
        Set<Thread> added = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !threadsBefore.contains(t) && t.isAlive())
                .collect(Collectors.toSet());
        assertThat(sink.length()).isGreaterThan(0);
        assertThat(cancelled.length()).isLessThan(RATE / 10 + 960);
        assertThat(added).isEmpty();
        assertThatThrownBy(() -> other.synthesize("x", new RecordingSink())).isInstanceOf(IllegalStateException.class);
    }
}
