package io.github.voicechat.freetts;

import com.sun.speech.freetts.OutputQueue;
import com.sun.speech.freetts.Voice;
import com.sun.speech.freetts.en.us.cmu_us_kal.KevinVoiceDirectory;
import io.github.voicechat.freetts.internal.PhraseSpeakable;
import io.github.voicechat.freetts.internal.SinkAudioPlayer;
import io.github.voicechat.freetts.internal.WordBoundaries;
import io.github.voicechat.spi.EngineException;
import io.github.voicechat.spi.EngineOption;
import io.github.voicechat.spi.EngineOptions;
import io.github.voicechat.spi.SpeechSynthesizer;
import io.github.voicechat.spi.SynthesisSink;
import io.github.voicechat.spi.TextChunker;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * FreeTTS with the kevin16 diphone voice: 16 kHz mono, streamed as FreeTTS produces it, cancellable between its
 * audio buffers (a few milliseconds of audio each), with a text mark after every spoken word.
 *
 * <p>Text rules: empty or blank text (or text with no letter or digit) gives no audio and no error; text of any
 * length is cut into phrases of at most {@code maxChunkChars} characters at sentence ends, commas or spaces and
 * spoken phrase by phrase; characters the English voice cannot read (control characters, emoji, CJK and other
 * scripts) are read as spaces, accented Latin letters without their accent. Marks are offsets into the text as given.
 *
 * <p>Options: {@link #OPTIONS}.
 *
 * <p>The voice is created from {@link KevinVoiceDirectory} directly, so the {@code freetts.voices} system property
 * is neither needed nor touched. Audio is generated on the calling thread: no thread is started, none is left
 * after {@link #close()}.
 */
public final class FreeTtsSynthesizer implements SpeechSynthesizer {

    /** The rate of the audio it produces. */
    public static final int SAMPLE_RATE_HZ = 16_000;
    /** The one voice: kevin16. */
    public static final String VOICE = "kevin16";

    /** {@code rate}: speaking rate in words per minute. */
    public static final EngineOption<Double> RATE = EngineOption.number("rate", 150.0, 50, 400,
            "speaking rate, words per minute");
    /** {@code pitch}: base pitch in Hz. */
    public static final EngineOption<Double> PITCH = EngineOption.number("pitch", 100.0, 50, 300,
            "base pitch, Hz");
    /** The options this synthesizer reads. */
    public static final List<EngineOption<?>> OPTIONS = List.of(RATE, PITCH, TextChunker.MAX_CHUNK_CHARS);

    private static final Logger LOG = LoggerFactory.getLogger(FreeTtsSynthesizer.class);

    private final Voice voice;
    private final WordBoundaries boundaries = new WordBoundaries();
    private final SinkAudioPlayer player = new SinkAudioPlayer(SAMPLE_RATE_HZ, boundaries);
    private final int maxChunkChars;
    private volatile boolean closed;

    private FreeTtsSynthesizer(float rateWpm, float pitchHz, int maxChunkChars) {
        this.maxChunkChars = maxChunkChars;
        Voice found = null;
        for (Voice v : new KevinVoiceDirectory().getVoices()) {
            if (VOICE.equals(v.getName())) {
                found = v;
            }
        }
        if (found == null) {
            throw new EngineException("FreeTTS voice " + VOICE + " not found in KevinVoiceDirectory");
        }
        voice = found;
        voice.setAudioPlayer(player);
        // allocate() starts an output thread unless a queue is set; with a queue set and then removed, FreeTTS
        // renders each utterance on the thread that calls speak(), which is what streaming into a sink needs.
        voice.setOutputQueue(new OutputQueue());
        voice.allocate();
        voice.setOutputQueue(null);
        @SuppressWarnings("unchecked")
        java.util.List<Object> processors = voice.getUtteranceProcessors();
        processors.add(boundaries);
        voice.setRate(rateWpm);
        voice.setPitch(pitchHz);
    }

    /** {@return a synthesizer with default settings} Loading takes about 0.3 s. */
    public static FreeTtsSynthesizer create() {
        return create(EngineOptions.EMPTY);
    }

    /**
     * A synthesizer with options.
     *
     * @param options {@link #OPTIONS}, by key
     * @return the synthesizer
     * @throws IllegalArgumentException on an unknown key, an ill-typed or an out-of-range option ({@link #OPTIONS})
     */
    public static FreeTtsSynthesizer create(EngineOptions options) {
        EngineOptions o = options.check(FreeTtsProvider.ID, OPTIONS);
        return new FreeTtsSynthesizer(RATE.get(o).floatValue(), PITCH.get(o).floatValue(),
                TextChunker.MAX_CHUNK_CHARS.get(o));
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
        player.start(sink);
        boolean spokeAll = true;
        for (TextChunker.Chunk chunk : TextChunker.chunks(clean, maxChunkChars)) {
            if (player.isCancelled()) {
                return;
            }
            String phrase = clean.substring(chunk.start(), chunk.end());
            boundaries.beginPhrase(phrase, chunk.start());
            PhraseSpeakable speakable = new PhraseSpeakable(phrase, player);
            voice.speak(speakable);
            if (player.isCancelled()) {
                return;
            }
            if (speakable.failed()) {
                // FreeTTS has already printed its reason to System.err; the rest of the text is still worth saying.
                LOG.warn("FreeTTS could not synthesise characters {}..{} of the text; skipped them",
                        chunk.start(), chunk.end());
                spokeAll = false;
                continue;
            }
            player.mark(chunk.end());
        }
        if (spokeAll && !player.isCancelled() && !text.isEmpty()) {
            player.mark(text.length());
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            voice.deallocate();
        }
    }
}
