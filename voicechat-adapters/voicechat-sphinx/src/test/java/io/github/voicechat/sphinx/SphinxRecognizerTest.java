package io.github.voicechat.sphinx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.voicechat.sphinx.internal.WarmupSpeech;
import io.github.voicechat.spi.EngineOptions;
import io.github.voicechat.spi.EngineProvider;
import io.github.voicechat.spi.Engines;
import io.github.voicechat.spi.SpeechRecognizer;
import io.github.voicechat.spi.Transcript;
import io.github.voicechat.testkit.SharedData;
import io.github.voicechat.testkit.WordErrorRate;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.Set;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bad input, utterance lifecycle, logging containment and clean shutdown, with the real engine. */
class SphinxRecognizerTest {

    private static SphinxRecognizer recognizer;
    private static final String GO_FORWARD = "go forward ten meters";

    @BeforeAll
    static void load() {
        recognizer = SphinxRecognizer.create();
    }

    @AfterAll
    static void close() {
        recognizer.close();
    }

    private static float[] goForward() {
        return Audio.read(SharedData.requireSpeech().resolve("pocketsphinx_goforward.wav"));
    }

    @Test
    void nanAndInfiniteSamplesAreRefusedBeforeReachingSphinx() {
        float[] frame = new float[320];
        frame[17] = Float.NaN;
        assertThatThrownBy(() -> recognizer.accept(frame, 0, 320))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("audio must be finite, but sample 17 is NaN");
        frame[17] = Float.POSITIVE_INFINITY;
        assertThatThrownBy(() -> recognizer.accept(frame, 0, 320))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("audio must be finite, but sample 17 is Infinity");
        assertThatThrownBy(() -> recognizer.accept(frame, 300, 40))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("range [300, 340) is outside the array of 320 samples");
        // nothing was started: the recognizer still has no utterance
        assertThat(recognizer.finish()).isEqualTo(Transcript.EMPTY);
    }

    @Test
    void finishWithoutAudioIsEmpty() {
        assertThat(recognizer.finish()).isEqualTo(Transcript.EMPTY);
        recognizer.cancel();
        assertThat(recognizer.finish()).isEqualTo(Transcript.EMPTY);
    }

    @Test
    void silenceAndNoiseGiveAnEmptyOrNearEmptyTranscript() {
        Transcript silence = Audio.transcribe(recognizer, new float[2 * 16_000]);
        assertThat(silence.text()).isEmpty();

        Random random = new Random(42);
        float[] noise = new float[3 * 16_000];
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (float) (random.nextGaussian() * 0.05); // -26 dBFS white noise
        }
        Transcript noisy = Audio.transcribe(recognizer, noise);
        System.out.println("white noise -> '" + noisy.text() + "'");
        assertThat(WordErrorRate.words(noisy.text()).size()).isLessThanOrEqualTo(2);

        float[] hum = new float[2 * 16_000];
        for (int i = 0; i < hum.length; i++) {
            hum[i] = (float) (0.3 * Math.sin(2 * Math.PI * 50 * i / 16_000.0));
        }
        Transcript humming = Audio.transcribe(recognizer, hum);
        System.out.println("50 Hz hum -> '" + humming.text() + "'");
        assertThat(WordErrorRate.words(humming.text()).size()).isLessThanOrEqualTo(2);

        // and the stream still works for speech afterwards
        assertThat(WordErrorRate.of(GO_FORWARD, Audio.transcribe(recognizer, goForward()).text()))
                .isLessThanOrEqualTo(0.25);
    }

    @Test
    void aCancelledUtteranceLeavesNoTraceInTheNext() {
        float[] speech = goForward();
        Audio.feed(recognizer, java.util.Arrays.copyOf(speech, speech.length / 2));
        recognizer.cancel();
        Transcript next = Audio.transcribe(recognizer, speech);
        // the half utterance's "go forward" is not carried into this one: four words, at most one wrong
        assertThat(WordErrorRate.words(next.text())).hasSize(4);
        assertThat(WordErrorRate.of(GO_FORWARD, next.text())).isLessThanOrEqualTo(0.25);
    }

    /**
     * The warm-up at creation decodes passes of the warm-up speech until the JIT settles: at least the minimum (one
     * pass where the JIT had compiled the decoder already), never more than the maximum; and Sphinx recognises that speech as the English it is, so the search runs on real
     * words, as on a user's. A recognizer created with {@code warmup=false} does none. (The clip is transcribed by
     * that second recognizer: the noise estimate it leaves would change what the shared one hears next, which is why
     * the warm-up resets it.)
     */
    @Test
    void warmUpDecodesSpeechUntilTheJitSettles() {
        SphinxRecognizer.WarmupReport report = recognizer.warmupReport();
        assertThat(report.passes()).isBetween(1, SphinxRecognizer.WARMUP_MAX_PASSES);
        // fewer passes than the minimum only where the first found the JIT settled (another recognizer compiled it)
        assertThat(report.passes() >= SphinxRecognizer.WARMUP_MIN_PASSES || report.settled())
                .as("passes %s", report).isTrue();
        assertThat(report.totalMs()).isPositive();
        assertThat(report.drainMs()).isBetween(0L, SphinxRecognizer.WARMUP_DRAIN_MAX_MS + 1_000);
        try (SphinxRecognizer cold = SphinxRecognizer.create(EngineOptions.EMPTY.with("warmup", "false"))) {
            assertThat(cold.warmupReport()).isEqualTo(SphinxRecognizer.WarmupReport.NONE);
            String heard = Audio.transcribe(cold, WarmupSpeech.samples()).text();
            String said = String.join(" ", WarmupSpeech.SENTENCES).toLowerCase(java.util.Locale.ROOT)
                    .replaceAll("[^a-z ]", "");
            System.out.println("warm-up speech -> '" + heard + "'");
            // measured: 15 errors in 33 words on a fresh noise estimate (the first sentence suffers most)
            assertThat(WordErrorRate.of(said, heard)).isLessThanOrEqualTo(18.0 / 33);
        }
    }

    @Test
    void unknownIllTypedAndOutOfRangeOptionsAreRefusedBeforeSphinxLoads() {
        String owner = " (for sphinx-en-us)";
        assertThatThrownBy(() -> SphinxRecognizer.create(EngineOptions.EMPTY.with("beam", "5")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("option beam must be 100..100000, was 5" + owner);
        assertThatThrownBy(() -> SphinxRecognizer.create(EngineOptions.EMPTY.with("grammar", "/no/such/x.gram")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("option grammar: no JSGF file at /no/such/x.gram");
        assertThatThrownBy(() -> SphinxRecognizer.create(EngineOptions.EMPTY.with("warmup", "maybe")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("option warmup must be true or false, was 'maybe'" + owner);
        assertThatThrownBy(() -> SphinxRecognizer.create(EngineOptions.EMPTY.with("languageWeight", "NaN")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0.1..30, was NaN");
        // Issue 16: a misspelt key used to be ignored silently.
        assertThatThrownBy(() -> SphinxRecognizer.create(EngineOptions.EMPTY.with("word_beam", "200")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown option 'word_beam' for sphinx-en-us; valid: beam, grammar, languageWeight,"
                        + " relativeBeam, warmup, wordBeam");
    }

    @Test
    void providerIsFoundByFamily() {
        EngineProvider<SpeechRecognizer> p = Engines.find(SpeechRecognizer.class, "sphinx");
        assertThat(p.id()).isEqualTo("sphinx-en-us");
        assertThat(p.capabilities().sampleRateHz()).isEqualTo(16_000);
        assertThat(p.capabilities().streaming()).isTrue();
        assertThat(p.unavailableReason()).isEmpty();
    }

    @Test
    void loadingPrintsNothingLeavesHostLoggingAloneAndCloseLeavesNoThread() {
        Logger root = Logger.getLogger("");
        Level rootLevel = root.getLevel();
        Handler[] rootHandlers = root.getHandlers();
        int[] recordsAtRoot = {0};
        Handler spy = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLoggerName() != null && (r.getLoggerName().startsWith("edu.cmu.sphinx")
                        || r.getLoggerName().startsWith("voicechat-sphinx"))) {
                    recordsAtRoot[0]++;
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        spy.setLevel(Level.ALL);
        root.addHandler(spy);
        PrintStream err = System.err;
        PrintStream out = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        SpeechRecognizer closed;
        try {
            PrintStream capture = new PrintStream(printed, true, StandardCharsets.UTF_8);
            System.setErr(capture);
            System.setOut(capture);
            try (SpeechRecognizer r = Engines.find(SpeechRecognizer.class, "sphinx-en-us").create(EngineOptions.EMPTY)) {
                assertThat(Audio.transcribe(r, goForward()).text()).isNotEmpty();
                Audio.feed(r, goForward()); // an utterance still open at close
                closed = r;
            }
        } finally {
            System.setErr(err);
            System.setOut(out);
            root.removeHandler(spy);
        }
        Set<Thread> added = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t) && t.isAlive()).collect(Collectors.toSet());
        assertThat(added).isEmpty();
        // slf4j-simple (the test binding) writes to System.err; Sphinx's own records are at DEBUG, below its level
        assertThat(printed.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(recordsAtRoot[0]).isZero();
        assertThat(root.getLevel()).isEqualTo(rootLevel);
        assertThat(root.getHandlers()).containsExactly(rootHandlers);
        assertThatThrownBy(closed::finish).isInstanceOf(IllegalStateException.class)
                .hasMessage("recognizer is closed");
        closed.close(); // a second close is harmless
    }
}
