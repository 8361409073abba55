package io.github.voicechat.sphinx;

import edu.cmu.sphinx.api.Configuration;
import edu.cmu.sphinx.decoder.ResultListener;
import edu.cmu.sphinx.recognizer.Recognizer;
import edu.cmu.sphinx.result.Result;
import edu.cmu.sphinx.result.WordResult;
import edu.cmu.sphinx.util.props.PropertySheet;
import io.github.voicechat.audio.Pcm;
import io.github.voicechat.sphinx.internal.SphinxLogging;
import io.github.voicechat.sphinx.internal.TunedRecognizer;
import io.github.voicechat.sphinx.internal.UtteranceStream;
import io.github.voicechat.sphinx.internal.WarmupSpeech;
import io.github.voicechat.spi.EngineException;
import io.github.voicechat.spi.EngineOption;
import io.github.voicechat.spi.EngineOptions;
import io.github.voicechat.spi.SpeechRecognizer;
import io.github.voicechat.spi.Transcript;
import io.github.voicechat.spi.WordTiming;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CMU Sphinx4 (en-US, 16 kHz), streaming: audio given to {@link #accept} is decoded while the user is still
 * speaking, on one decoder thread owned by this instance, so {@link #finish()} only waits for the tail.
 *
 * <p>The recognizer is allocated once (loading the acoustic and language models takes a few seconds) and kept
 * allocated: each utterance is a new input stream for the same data source, so there is no
 * {@code startRecognition} per utterance and no language model reload. Sphinx's own endpointer runs inside an
 * utterance: a pause of 200 ms or more splits it into segments, decoded one after another and joined.
 *
 * <p>The front end's cepstral mean normalisation (LiveCMN) carries its estimate from one utterance to the next.
 * That is what it is designed for on one microphone (the estimate improves as the conversation goes on), and it
 * means the first ~2 s of the first utterance are decoded with a rougher estimate. If consecutive utterances come
 * from different channels (say, recordings from different sources), create one recognizer per source.
 *
 * <p>Options: {@link #OPTIONS}. The warm-up ({@code warmup}, on by default) makes creation take longer (see
 * {@link #warmUp}) so that the first utterance is decoded as fast as later ones.
 */
public final class SphinxRecognizer implements SpeechRecognizer {

    /** The rate of the audio it accepts. */
    public static final int SAMPLE_RATE_HZ = 16_000;
    /** Absolute beam width shipped in the tuned configuration; see the module README for how it was chosen. */
    public static final int DEFAULT_BEAM = 3000;
    /** Relative beam width shipped in the tuned configuration (Sphinx's own default is 1e-60). */
    public static final double DEFAULT_RELATIVE_BEAM = 1e-60;
    /** Absolute word beam width shipped in the tuned configuration (Sphinx's own default is 200). */
    public static final int DEFAULT_WORD_BEAM = 100;

    /** {@code beam}: the absolute beam width. */
    public static final EngineOption<Integer> BEAM = EngineOption.integer("beam", DEFAULT_BEAM, 100, 100_000,
            "absolute beam width; Sphinx's own default, 20000, runs slower than real time");
    /** {@code wordBeam}: the absolute word beam width. */
    public static final EngineOption<Integer> WORD_BEAM = EngineOption.integer("wordBeam", DEFAULT_WORD_BEAM, 10,
            10_000, "absolute word beam width; Sphinx's own default is 200");
    /** {@code relativeBeam}: the relative beam width. */
    public static final EngineOption<Double> RELATIVE_BEAM = EngineOption.number("relativeBeam",
            DEFAULT_RELATIVE_BEAM, 1e-300, 0.1, "relative beam width");
    /** {@code warmup}: whether to decode a speech clip at creation until the JIT has compiled the decoder. */
    public static final EngineOption<Boolean> WARMUP = EngineOption.bool("warmup", true, "at creation, decode a"
            + " 10.6 s speech clip until the JIT has compiled the decoder, so that it does not slow the first"
            + " utterance; transcripts unchanged");
    /** {@code languageWeight}: the language model's weight. */
    public static final EngineOption<Double> LANGUAGE_WEIGHT = EngineOption.number("languageWeight", 8.0, 0.1, 30,
            "language model weight");
    /** {@code grammar}: a JSGF grammar to recognise instead of the language model. */
    public static final EngineOption<String> GRAMMAR = EngineOption.text("grammar", null, 4096, "a JSGF grammar,"
            + " /path/cards.gram or resource:/pkg/cards.gram: recognise only that (command and control)");
    /** The options this recognizer reads. */
    public static final List<EngineOption<?>> OPTIONS =
            List.of(BEAM, WORD_BEAM, RELATIVE_BEAM, WARMUP, LANGUAGE_WEIGHT, GRAMMAR);

    private static final Logger LOG = LoggerFactory.getLogger(SphinxRecognizer.class);

    /**
     * Passes decoded at least, unless the first already finds the JIT settled (a JVM that has compiled the decoder
     * before, e.g. for another session's recognizer): then one suffices.
     */
    static final int WARMUP_MIN_PASSES = 2;
    static final int WARMUP_MAX_PASSES = 4;
    /** The JIT counts as settled once a pass costs it less than this share of the decoder's CPU time. */
    static final int WARMUP_SETTLED_PERCENT = 10;
    /** No warm-up pass starts after this long (a loaded machine, or a host compiling a lot of its own code). */
    static final long WARMUP_BUDGET_MS = 10_000;
    static final long WARMUP_DRAIN_MAX_MS = 3_000;
    static final long JIT_IDLE_MS = 250;
    /** How often accept() looks whether the decoder task ended while it waits for the decoder to catch up. */
    static final long CATCH_UP_POLL_MS = 50;

    private final ExecutorService decoder;
    /** The decoder's thread, joined at close: the executor reports termination while that thread is still exiting. */
    private volatile Thread decoderThread;
    private final TunedRecognizer engine;
    private final Recognizer recognizer;
    private final WarmupReport warmupReport;
    private UtteranceStream current;
    private Future<Transcript> pending;
    private byte[] scratch = new byte[0];
    private boolean closed;
    /** The words of the current utterance so far: its finished segments and the current one's best path. */
    private volatile String partial = "";
    /** The finished segments' words (decoder thread only). */
    private String committed = "";

    private SphinxRecognizer(EngineOptions options) {
        int beam = BEAM.get(options);
        int wordBeam = WORD_BEAM.get(options);
        double relativeBeam = RELATIVE_BEAM.get(options);
        boolean warmup = WARMUP.get(options);
        double languageWeight = LANGUAGE_WEIGHT.get(options);
        Configuration configuration = TunedRecognizer.usEnglish(SAMPLE_RATE_HZ);
        GRAMMAR.find(options).ifPresent(g -> useGrammar(configuration, g));

        SphinxLogging.install();
        this.decoder = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "voicechat-sphinx-decoder");
            t.setDaemon(true);
            decoderThread = t;
            return t;
        });
        try {
            // Sphinx objects are touched by the decoder thread only, loading included.
            WarmupReport[] warmed = {WarmupReport.NONE};
            this.engine = decoder.submit(() -> {
                TunedRecognizer r = load(configuration, beam, relativeBeam, wordBeam, languageWeight);
                if (warmup) {
                    warmed[0] = warmUp(r);
                    LOG.debug("Sphinx4 warm-up: {} passes (JIT settled: {}) in {} ms (of which {} ms waiting for the"
                            + " JIT)", warmed[0].passes(), warmed[0].settled(), warmed[0].totalMs(),
                            warmed[0].drainMs());
                }
                return r;
            }).get();
            this.warmupReport = warmed[0];
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            decoder.shutdownNow();
            throw new EngineException("interrupted while loading Sphinx4", e);
        } catch (ExecutionException e) {
            decoder.shutdownNow();
            throw new EngineException("Sphinx4 could not load: " + e.getCause(), e.getCause());
        }
        this.recognizer = engine.recognizer();
        // Every 100 ms of audio decoded (featureBlockSize in the configuration), on the decoder thread.
        recognizer.addResultListener(new ResultListener() {
            @Override
            public void newResult(Result result) {
                if (!result.isFinal()) {
                    partial = join(committed, bestWords(result));
                }
            }

            @Override
            public void newProperties(PropertySheet ps) {
                // configured in code, not from the XML
            }
        });
    }

    private static String join(String a, String b) {
        return a.isEmpty() ? b : b.isEmpty() ? a : a + ' ' + b;
    }

    /** The best path's words, fillers left out; empty if Sphinx cannot say (it can fail building a result). */
    private static String bestWords(Result result) {
        try {
            String hyp = result.getBestResultNoFiller();
            return hyp == null ? "" : hyp.strip();
        } catch (RuntimeException e) {
            LOG.debug("no interim hypothesis", e);
            return "";
        }
    }

    /**
     * {@return true} Sphinx4 reports the best path every 100 ms of audio it has decoded, so the words lag the audio
     * by the decoder's backlog (none when it keeps up).
     */
    @Override
    public boolean supportsPartials() {
        return true;
    }

    @Override
    public String partialText() {
        return partial;
    }

    /** {@return a recognizer with the tuned defaults} Loading takes 2-5 s. */
    public static SphinxRecognizer create() {
        return create(EngineOptions.EMPTY);
    }

    /**
     * A recognizer with options; loading takes 2-5 s.
     *
     * @param options {@link #OPTIONS}, by key
     * @return the recognizer
     * @throws IllegalArgumentException on an unknown key, an ill-typed or an out-of-range option ({@link #OPTIONS})
     * @throws EngineException          if Sphinx cannot load (a grammar file missing or malformed, for instance)
     */
    public static SphinxRecognizer create(EngineOptions options) {
        return new SphinxRecognizer(options.check(SphinxProvider.ID, OPTIONS));
    }

    private static void useGrammar(Configuration configuration, String grammar) {
        String location;
        String file;
        if (grammar.startsWith("resource:")) {
            int slash = grammar.lastIndexOf('/');
            location = grammar.substring(0, slash);
            file = grammar.substring(slash + 1);
            if (SphinxRecognizer.class.getResource(grammar.substring("resource:".length())) == null) {
                throw new IllegalArgumentException("option grammar: no class path resource " + grammar);
            }
        } else {
            Path p = Path.of(grammar).toAbsolutePath();
            if (!Files.isRegularFile(p)) {
                throw new IllegalArgumentException("option grammar: no JSGF file at " + p);
            }
            location = p.getParent().toUri().toString();
            file = p.getFileName().toString();
        }
        if (!file.endsWith(".gram")) {
            throw new IllegalArgumentException("option grammar must name a .gram (JSGF) file, was " + grammar);
        }
        configuration.setGrammarPath(location);
        configuration.setGrammarName(file.substring(0, file.length() - ".gram".length()));
        configuration.setUseGrammar(true);
    }

    private static TunedRecognizer load(Configuration configuration, int beam, double relativeBeam, int wordBeam,
            double languageWeight)
            throws IOException {
        String xml = TunedRecognizer.configTemplate();
        xml = setGlobal(xml, "absoluteBeamWidth", "@BEAM@", Integer.toString(beam));
        xml = setGlobal(xml, "relativeBeamWidth", "@RELATIVE_BEAM@", Double.toString(relativeBeam));
        xml = setGlobal(xml, "absoluteWordBeamWidth", "@WORD_BEAM@", Integer.toString(wordBeam));
        xml = setGlobal(xml, "languageWeight", "8.0", Double.toString(languageWeight));
        return TunedRecognizer.load(xml, configuration);
    }

    /**
     * Warms the decoder up at creation, so that the first real utterance is decoded by compiled code, with the JIT
     * idle, as fast as any later one. Passes of English speech ({@link WarmupSpeech}: FreeTTS reading three short
     * requests, 10.6 s) go through the same decode path as real utterances (front end, search, best path, word times)
     * until one pass costs the JIT less than {@value #WARMUP_SETTLED_PERCENT} % of the decoder's own CPU time (at least
     * {@value #WARMUP_MIN_PASSES} passes unless the first is already settled, at most {@value #WARMUP_MAX_PASSES}, and
     * no pass beyond the minimum started after {@value #WARMUP_BUDGET_MS} ms); then it waits (at most
     * {@value #WARMUP_DRAIN_MAX_MS} ms) for the compilations still queued. Finally it forgets the noise estimate that audio left, so the first real utterance
     * is decoded exactly as on a recognizer that never warmed up. The rest of the front end starts afresh with every
     * utterance anyway (speech classifier and noise reduction on the start signal, pre-emphasis on the end signal,
     * sample count on each new stream).
     *
     * <p>Why: a fresh JVM compiles Sphinx's hot paths (scoring, token growth, the lexical tree, the language model)
     * only after thousands of frames, and for the type profiles the audio so far produced. With the earlier warm-up
     * (1.4 s of one repeated vowel-like buzz) that happened during the first real utterance: in a live session 101 of
     * the 105 Sphinx methods C2-compiled after the session began got their first C2 compilation then, the decoder
     * spent ~30 % more CPU on that utterance than on the same audio later, and the C2 thread took the second core in
     * the same seconds. Speech-like synthetic audio left 16-45 % of that; speech leaves none (see
     * {@code benchmarks/ASR-REALTIME.md}).
     */
    private static WarmupReport warmUp(TunedRecognizer r) {
        long start = System.nanoTime();
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean canTell = jit != null && jit.isCompilationTimeMonitoringSupported();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        boolean cpuTime = threads.isCurrentThreadCpuTimeSupported();
        int passes = 0;
        boolean settled = false;
        while (passes < WARMUP_MAX_PASSES) {
            long jit0 = canTell ? jit.getTotalCompilationTime() : 0;
            long cpu0 = cpuTime ? threads.getCurrentThreadCpuTime() : System.nanoTime();
            decode(r, WarmupSpeech.stream());
            passes++;
            long decodedMs = ((cpuTime ? threads.getCurrentThreadCpuTime() : System.nanoTime()) - cpu0) / 1_000_000;
            long compiledMs = canTell ? jit.getTotalCompilationTime() - jit0 : Long.MAX_VALUE;
            settled = canTell && compiledMs * 100 < WARMUP_SETTLED_PERCENT * decodedMs;
            if (settled) {
                break;
            }
            // The budget (wall time) only cuts passes beyond the minimum: on a loaded machine the first pass alone
            // can outlast it, and that is where a half-compiled decoder would hurt most.
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            if (passes >= WARMUP_MIN_PASSES && (!canTell || elapsedMs > WARMUP_BUDGET_MS)) {
                break;
            }
        }
        long drainedMs = canTell ? awaitJitIdle(jit) : 0;
        r.cmn().reset();
        return new WarmupReport(passes, settled, (System.nanoTime() - start) / 1_000_000, drainedMs);
    }

    /** Waits until no compilation has finished for {@value #JIT_IDLE_MS} ms (at most the drain limit). */
    private static long awaitJitIdle(CompilationMXBean jit) {
        long start = System.nanoTime();
        long last = jit.getTotalCompilationTime();
        long quietSince = start;
        while (System.nanoTime() - quietSince < JIT_IDLE_MS * 1_000_000L
                && System.nanoTime() - start < WARMUP_DRAIN_MAX_MS * 1_000_000L) {
            LockSupport.parkNanos(20_000_000L);
            long now = jit.getTotalCompilationTime();
            if (now != last) {
                last = now;
                quietSince = System.nanoTime();
            }
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    /**
     * What the warm-up did: passes decoded, whether the last one found the JIT settled (rather than running into the
     * pass limit or the budget), total time, and the part spent waiting for queued compilations.
     */
    record WarmupReport(int passes, boolean settled, long totalMs, long drainMs) {
        static final WarmupReport NONE = new WarmupReport(0, false, 0, 0);
    }

    /** What the warm-up at creation did ({@link WarmupReport#NONE} with {@code warmup=false}). */
    WarmupReport warmupReport() {
        return warmupReport;
    }

    private static String setGlobal(String xml, String name, String oldValue, String newValue) {
        String from = "name=\"" + name + "\"  value=\"" + oldValue + "\"";
        String alt = "name=\"" + name + "\" value=\"" + oldValue + "\"";
        if (xml.contains(from)) {
            return xml.replace(from, "name=\"" + name + "\"  value=\"" + newValue + "\"");
        }
        if (xml.contains(alt)) {
            return xml.replace(alt, "name=\"" + name + "\" value=\"" + newValue + "\"");
        }
        throw new IllegalStateException("configuration has no global property " + name + "=" + oldValue);
    }

    @Override
    public int sampleRateHz() {
        return SAMPLE_RATE_HZ;
    }

    @Override
    public void accept(float[] samples, int offset, int length) {
        if (samples == null) {
            throw new IllegalArgumentException("samples must not be null");
        }
        if (offset < 0 || length < 0 || offset + length > samples.length) {
            throw new IllegalArgumentException("range [" + offset + ", " + (offset + length)
                    + ") is outside the array of " + samples.length + " samples");
        }
        Pcm.requireFinite(samples, offset, length);
        requireOpen();
        if (length == 0) {
            return;
        }
        if (current == null) {
            UtteranceStream stream = new UtteranceStream();
            current = stream;
            partial = "";
            pending = decoder.submit(() -> {
                committed = "";
                try {
                    return decode(engine, stream, words -> {
                        committed = words;
                        partial = words;
                    });
                } finally {
                    committed = "";
                }
            });
        }
        byte[] bytes = new byte[2 * length];
        Pcm.floatToPcm16Le(samples, offset, bytes, 0, length);
        current.write(bytes);
        // Returns once the decoder has caught up with this audio, so partialText() covers it: the same audio gives
        // the same partial words at the same point on every run (a session on the virtual clock decides on them),
        // and in real time they are as fresh as the decoder can make them. The decoder does the same work either way;
        // a backlog waits in the caller's queue instead of in the stream.
        try {
            current.awaitCaughtUp(pending, CATCH_UP_POLL_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("interrupted while Sphinx4 decoded", e);
        }
    }

    @Override
    public Transcript finish() {
        requireOpen();
        if (current == null) {
            return Transcript.EMPTY;
        }
        current.end();
        try {
            return await(pending);
        } finally {
            current = null;
            pending = null;
            partial = "";
        }
    }

    @Override
    public void cancel() {
        requireOpen();
        if (current == null) {
            return;
        }
        current.abort();
        try {
            await(pending); // the next utterance must not start while Sphinx still reads this one
        } catch (EngineException e) {
            LOG.debug("cancelled utterance ended with an error", e);
        } finally {
            current = null;
            pending = null;
            partial = "";
        }
    }

    private static Transcript await(Future<Transcript> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("interrupted while waiting for Sphinx4", e);
        } catch (ExecutionException e) {
            throw new EngineException("Sphinx4 failed to decode the utterance: " + e.getCause(), e.getCause());
        }
    }

    /** Runs on the decoder thread: decodes one utterance until its stream ends. */
    private static Transcript decode(TunedRecognizer engine, InputStream stream) {
        return decode(engine, stream, words -> { });
    }

    /** The same, telling {@code segmentDone} the utterance's words after each segment Sphinx finishes. */
    private static Transcript decode(TunedRecognizer engine, InputStream stream, Consumer<String> segmentDone) {
        engine.dataSource().setInputStream(stream);
        StringBuilder text = new StringBuilder();
        List<WordTiming> words = new ArrayList<>();
        Result result;
        while ((result = engine.recognizer().recognize()) != null) {
            String hyp = result.getBestResultNoFiller();
            if (hyp != null && !hyp.isBlank()) {
                if (text.length() > 0) {
                    text.append(' ');
                }
                text.append(hyp.strip());
            }
            addTimes(result, words);
            segmentDone.accept(text.toString());
        }
        return new Transcript(text.toString(), words, Float.NaN);
    }

    private static void addTimes(Result result, List<WordTiming> words) {
        try {
            for (WordResult w : result.getTimedBestResult(false)) {
                String spelling = w.getWord().getSpelling();
                if (w.isFiller() || spelling.startsWith("<") || spelling.startsWith("[")) {
                    continue;
                }
                words.add(new WordTiming(spelling, w.getTimeFrame().getStart(), w.getTimeFrame().getEnd(),
                        Float.NaN));
            }
        } catch (RuntimeException e) {
            // Word times are a bonus: Sphinx4 can fail building them (as it can building a lattice); the text stands.
            LOG.debug("no word times for this segment", e);
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("recognizer is closed");
        }
    }

    /** Ends any utterance in progress, frees the models and stops the decoder thread (waits for it to end). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (current != null) {
            current.abort();
        }
        try {
            if (pending != null) {
                try {
                    pending.get();
                } catch (ExecutionException e) {
                    LOG.debug("utterance aborted by close ended with an error", e);
                }
            }
            decoder.submit(() -> recognizer.deallocate()).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            LOG.warn("Sphinx4 failed to deallocate", e.getCause());
        } finally {
            decoder.shutdown();
            try {
                Thread t = decoderThread;
                if (!decoder.awaitTermination(10, TimeUnit.SECONDS)) {
                    LOG.warn("Sphinx4 decoder thread did not end within 10 s");
                } else if (t != null) {
                    t.join(TimeUnit.SECONDS.toMillis(10));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

}
