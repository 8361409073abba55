package io.github.voicechat.freetts;

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

class FreeTtsSynthesizerTest {

    private static FreeTtsSynthesizer tts;

    @BeforeAll
    static void load() {
        tts = FreeTtsSynthesizer.create();
    }

    @AfterAll
    static void close() {
        tts.close();
    }

    @Test
    void speaksASentenceAsStreamedPiecesWithAMarkAfterEveryWord() {
        String text = "Hello world. This is a test.";
        RecordingSink sink = new RecordingSink();
        tts.synthesize(text, sink);

        double seconds = sink.length() / 16_000.0;
        System.out.printf("'%s': %.2f s of audio in %d pieces, marks %s%n", text, seconds, sink.pieceSizes.size(),
                sink.marks);
        assertThat(seconds).isBetween(1.0, 4.0);
        assertThat(sink.pieceSizes.size()).isGreaterThan(10);
        assertThat(Pcm.dbfs(Pcm.rms(sink.samples(), 0, sink.length()))).isGreaterThan(-30);
        // a mark after each word including its punctuation, one after each sentence's trailing space
        assertThat(sink.marks.stream().map(RecordingSink.Mark::endChar).collect(Collectors.toList()))
                .containsExactly(5, 12, 13, 17, 20, 22, 28);
        // marks move forward in audio time and never run ahead of the audio delivered
        for (int i = 1; i < sink.marks.size(); i++) {
            assertThat(sink.marks.get(i).atSample()).isGreaterThanOrEqualTo(sink.marks.get(i - 1).atSample());
        }
        assertThat(sink.marks.get(0).atSample()).isGreaterThan(0);
        // the last word ends in the final tenth of the audio (a short pause follows it)
        assertThat(sink.marks.get(sink.marks.size() - 1).atSample())
                .isBetween((int) (0.9 * sink.length()), sink.length());
    }

    @Test
    void emptyAndBlankTextGiveNoAudioAndNoError() {
        for (String text : List.of("", "   ", "\n\t", "...", "?!")) {
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
        assertThat(sink.length()).isGreaterThan(8_000);
        assertThat(sink.marks.get(sink.marks.size() - 1).endChar()).isEqualTo(text.length());

        RecordingSink onlySymbols = new RecordingSink();
        tts.synthesize("\uD83D\uDE00\uD83D\uDE00 \u4e16\u754c \u0001", onlySymbols);
        assertThat(onlySymbols.length()).isZero();
    }

    @Test
    void longTextIsChunkedAndCancellationStopsWithinOnePiece() {
        StringBuilder b = new StringBuilder();
        while (b.length() < 10_000) {
            b.append("The quick brown fox jumps over the lazy dog, and then it runs away into the forest ");
        }
        String text = b.substring(0, 10_000); // one run-on sentence: only commas and spaces to cut at
        RecordingSink sink = new RecordingSink(3 * 16_000);
        tts.synthesize(text, sink);

        assertThat(sink.length()).isBetween(3 * 16_000, 3 * 16_000 + sink.pieceSizes.get(0) * 4);
        assertThat(sink.piecesAfterCancel()).isZero();
        assertThat(sink.marks).isNotEmpty();
        int lastMark = sink.marks.get(sink.marks.size() - 1).endChar();
        assertThat(lastMark).isBetween(10, 200);
        assertThat(sink.pieceSizes.stream().mapToInt(Integer::intValue).max().orElseThrow()).isLessThanOrEqualTo(4096);
    }

    @Test
    void longTextIsSpokenToTheEnd() {
        StringBuilder b = new StringBuilder();
        while (b.length() < 10_000) {
            b.append("Numbers like ").append(b.length()).append(" are read out. ");
        }
        String text = b.toString();
        RecordingSink sink = new RecordingSink();
        long t0 = System.nanoTime();
        tts.synthesize(text, sink);
        double wallS = (System.nanoTime() - t0) / 1e9;
        double audioS = sink.length() / 16_000.0;
        System.out.printf("%d chars: %.1f s audio in %.2f s (RTF %.4f)%n", text.length(), audioS, wallS,
                wallS / audioS);
        assertThat(audioS).isGreaterThan(300);
        assertThat(sink.marks.get(sink.marks.size() - 1).endChar()).isEqualTo(text.length());
    }

    @Test
    void unknownIllTypedAndOutOfRangeOptionsAreRefused() {
        assertThatThrownBy(() -> FreeTtsSynthesizer.create(EngineOptions.EMPTY.with("rate", "5")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("option rate must be 50..400, was 5 (for freetts-kevin16)");
        assertThatThrownBy(() -> FreeTtsSynthesizer.create(EngineOptions.EMPTY.with("pitch", "high")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("option pitch must be a number 50..300, was 'high' (for freetts-kevin16)");
        // Issue 16: FreeTTS used to ignore keys it did not know.
        assertThatThrownBy(() -> FreeTtsSynthesizer.create(EngineOptions.EMPTY.with("voice", "alan")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown option 'voice' for freetts-kevin16; valid: maxChunkChars, pitch, rate");
    }

    @Test
    void providerIsFoundByFamilyAndDescribesItself() {
        EngineProvider<SpeechSynthesizer> p = Engines.find(SpeechSynthesizer.class, "freetts");
        assertThat(p.id()).isEqualTo("freetts-kevin16");
        assertThat(p.capabilities().sampleRateHz()).isEqualTo(16_000);
        assertThat(p.capabilities().supportsLanguage("en")).isTrue();
        assertThat(p.unavailableReason()).isEmpty();
    }

    @Test
    void closeLeavesNoThreadBehindAndDoesNotNeedTheVoicesProperty() {
        String before = System.getProperty("freetts.voices");
        Set<Thread> threadsBefore = Thread.getAllStackTraces().keySet();
        SpeechSynthesizer other = Engines.find(SpeechSynthesizer.class, "freetts-kevin16").create(EngineOptions.EMPTY);
        RecordingSink sink = new RecordingSink();
        other.synthesize("One more voice.", sink);
        other.close();
        Set<Thread> added = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !threadsBefore.contains(t) && t.isAlive())
                .collect(Collectors.toSet());
        assertThat(sink.length()).isGreaterThan(0);
        assertThat(added).isEmpty();
        assertThat(System.getProperty("freetts.voices")).isEqualTo(before);
        assertThatThrownBy(() -> other.synthesize("x", new RecordingSink())).isInstanceOf(IllegalStateException.class);
    }
}
