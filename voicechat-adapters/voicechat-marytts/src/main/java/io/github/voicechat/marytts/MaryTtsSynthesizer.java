package io.github.voicechat.marytts;

import io.github.voicechat.marytts.internal.HtsStreamer;
import io.github.voicechat.marytts.internal.MaryRuntime;
import io.github.voicechat.marytts.internal.MaryTokens;
import io.github.voicechat.spi.EngineException;
import io.github.voicechat.spi.EngineOption;
import io.github.voicechat.spi.EngineOptions;
import io.github.voicechat.spi.SpeechSynthesizer;
import io.github.voicechat.spi.SynthesisSink;
import io.github.voicechat.spi.TextChunker;
import java.util.List;
import marytts.LocalMaryInterface;
import marytts.exceptions.MaryConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Document;

/**
 * MaryTTS 5.2.1 with the HMM voice cmu-slt-hsmm (US English, female): 48 kHz mono, streamed in 20 ms blocks as the
 * vocoder produces them, sentence by sentence, cancellable within a block, with a text mark after every spoken word.
 *
 * <p>Each phrase (a sentence, or a piece of at most {@code maxChunkChars} of a long one) is tokenised here and given
 * to MaryTTS as TOKENS-level MaryXML, taken to ACOUSTPARAMS (numbers, abbreviations, pronunciation, prosody,
 * durations), then rendered by MaryTTS's HTS vocoder on the calling thread (see {@link HtsStreamer}). Text rules as
 * in the FreeTTS adapter: empty or blank text (or no letter or digit) gives no audio and no error; characters the
 * English voice cannot read are read as spaces; marks are offsets into the text as given.
 *
 * <p>Options: {@link #OPTIONS}.
 *
 * <p>MaryTTS itself is started once per JVM, on the first {@link #create}, and stays loaded (see the README for
 * what that start-up is kept from doing to the host). No thread is started; none is left after {@link #close()}.
 */
public final class MaryTtsSynthesizer implements SpeechSynthesizer {

    /** The rate of the audio it produces. */
    public static final int SAMPLE_RATE_HZ = 48_000;
    /** The one voice: cmu-slt-hsmm. */
    public static final String VOICE = MaryRuntime.VOICE;

    /** The options this synthesizer reads. */
    public static final List<EngineOption<?>> OPTIONS = List.of(TextChunker.MAX_CHUNK_CHARS);

    private static final Logger LOG = LoggerFactory.getLogger(MaryTtsSynthesizer.class);

    private final LocalMaryInterface mary;
    private final HtsStreamer streamer;
    private final int maxChunkChars;
    private volatile boolean closed;

    private MaryTtsSynthesizer(int maxChunkChars) {
        this.maxChunkChars = maxChunkChars;
        MaryRuntime runtime = MaryRuntime.get();
        try {
            mary = new LocalMaryInterface();
        } catch (MaryConfigurationException e) {
            throw new EngineException("MaryTTS interface could not be created: " + e, e);
        }
        mary.setVoice(VOICE);
        mary.setInputType("TOKENS");
        mary.setOutputType("ACOUSTPARAMS");
        streamer = new HtsStreamer(runtime.voice(), runtime.featureLister());
        if (streamer.sampleRateHz() != SAMPLE_RATE_HZ) {
            throw new EngineException("MaryTTS voice " + VOICE + " is " + streamer.sampleRateHz() + " Hz, expected "
                    + SAMPLE_RATE_HZ);
        }
    }

    /** {@return a synthesizer with default settings} The first one in a JVM starts MaryTTS (about 1–2 s). */
    public static MaryTtsSynthesizer create() {
        return create(EngineOptions.EMPTY);
    }

    /**
     * A synthesizer with options.
     *
     * @param options {@link #OPTIONS}, by key
     * @return the synthesizer
     * @throws IllegalArgumentException on an unknown key, an ill-typed or an out-of-range option ({@link #OPTIONS})
     * @throws EngineException if MaryTTS cannot start (the message says why)
     */
    public static MaryTtsSynthesizer create(EngineOptions options) {
        return new MaryTtsSynthesizer(TextChunker.MAX_CHUNK_CHARS.get(options.check(MaryTtsProvider.ID, OPTIONS)));
    }

    @Override
    public int sampleRateHz() {
        return SAMPLE_RATE_HZ;
    }

    @Override
    public void synthesize(String text, SynthesisSink sink) {
        if (text == null) {
            throw new IllegalArgumentException("text must not be null");
        }
        if (sink == null) {
            throw new IllegalArgumentException("sink must not be null");
        }
        if (closed) {
            throw new IllegalStateException("synthesizer is closed");
        }
        String clean = TextChunker.clean(text);
        Delivery delivery = new Delivery(sink);
        boolean spokeAll = true;
        for (TextChunker.Chunk chunk : TextChunker.chunks(clean, maxChunkChars)) {
            if (delivery.cancelled()) {
                return;
            }
            switch (speak(clean, chunk, delivery)) {
                case CANCELLED -> {
                    return;
                }
                case FAILED -> spokeAll = false;
                case SPOKEN -> delivery.mark(chunk.end());
            }
        }
        if (spokeAll && !delivery.cancelled() && !text.isEmpty()) {
            delivery.mark(text.length());
        }
    }

    /** What became of one phrase. */
    private enum Outcome { SPOKEN, FAILED, CANCELLED }

    private Outcome speak(String text, TextChunker.Chunk chunk, Delivery delivery) {
        List<MaryTokens.Token> tokens = MaryTokens.tokenize(text, chunk.start(), chunk.end());
        HtsStreamer.Plan plan;
        try {
            Document acoustparams = mary.generateXML(MaryTokens.document(text, tokens));
            plan = streamer.plan(acoustparams);
        } catch (Exception e) {
            LOG.warn("MaryTTS could not synthesise characters {}..{} of the text; skipped them: {}", chunk.start(),
                    chunk.end(), e.toString());
            LOG.debug("MaryTTS failure", e);
            return Outcome.FAILED;
        }
        if (plan == null) {
            return Outcome.SPOKEN; // nothing to say (MaryTTS found no phone)
        }
        if (delivery.cancelled()) {
            return Outcome.CANCELLED;
        }
        delivery.beginPhrase(wordMarks(text, tokens, plan));
        try {
            if (!streamer.vocode(plan, delivery)) {
                return Outcome.CANCELLED;
            }
        } catch (Exception e) {
            LOG.warn("MaryTTS vocoder failed on characters {}..{} of the text: {}", chunk.start(), chunk.end(),
                    e.toString());
            LOG.debug("MaryTTS failure", e);
            return Outcome.FAILED;
        }
        delivery.endPhrase();
        return delivery.cancelled() ? Outcome.CANCELLED : Outcome.SPOKEN;
    }

    /**
     * A mark per spoken token: its end (with punctuation written right after it) and the sample at which its last
     * phone ends. MaryTTS keeps one top-level element per input token ({@code t}, or an {@code mtu} when it expands
     * "123" or "Dr."); if that ever does not hold, the phrase gets only its end mark.
     */
    private static long[][] wordMarks(String text, List<MaryTokens.Token> tokens, HtsStreamer.Plan plan) {
        long[] ends = plan.unitEndSample();
        if (ends.length != tokens.size()) {
            LOG.debug("MaryTTS returned {} tokens for {}; no word marks for this phrase", ends.length, tokens.size());
            return new long[0][];
        }
        List<long[]> marks = new java.util.ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            if (ends[i] < 0 || !MaryTokens.isWord(text, tokens.get(i))) {
                continue;
            }
            int endChar = tokens.get(i).end();
            for (int j = i + 1; j < tokens.size() && tokens.get(j).start() == endChar
                    && !MaryTokens.isWord(text, tokens.get(j)); j++) {
                endChar = tokens.get(j).end();
            }
            marks.add(new long[] {ends[i], endChar});
        }
        return marks.toArray(new long[0][]);
    }

    @Override
    public void close() {
        closed = true;
    }

    /** Hands vocoder blocks to the sink and the word marks once the audio delivered covers them. */
    private static final class Delivery implements HtsStreamer.Output {
        private final SynthesisSink sink;
        private boolean cancelled;
        private int lastMark;
        private long phraseSamples;
        private long[][] marks = new long[0][];
        private int nextMark;

        Delivery(SynthesisSink sink) {
            this.sink = sink;
        }

        boolean cancelled() {
            if (!cancelled && sink.isCancelled()) {
                cancelled = true;
            }
            return cancelled;
        }

        void beginPhrase(long[][] wordMarks) {
            marks = wordMarks;
            nextMark = 0;
            phraseSamples = 0;
        }

        void endPhrase() {
            while (!cancelled && nextMark < marks.length) {
                mark((int) marks[nextMark++][1]);
            }
        }

        void mark(int endChar) {
            if (endChar > lastMark && !cancelled) {
                lastMark = endChar;
                sink.textMark(endChar);
            }
        }

        @Override
        public boolean audio(float[] samples, int length) {
            if (cancelled() || !sink.audio(samples, 0, length)) {
                cancelled = true;
                return false;
            }
            phraseSamples += length;
            while (nextMark < marks.length && marks[nextMark][0] <= phraseSamples) {
                mark((int) marks[nextMark++][1]);
            }
            return true;
        }
    }
}
