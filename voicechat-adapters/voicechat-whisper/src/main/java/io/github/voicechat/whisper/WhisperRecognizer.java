package io.github.voicechat.whisper;

import io.github.givimad.whisperjni.WhisperFullParams;
import io.github.givimad.whisperjni.WhisperJNI;
import io.github.givimad.whisperjni.WhisperSamplingStrategy;
import io.github.givimad.whisperjni.WhisperState;
import io.github.voicechat.models.ModelHandle;
import io.github.voicechat.spi.EngineException;
import io.github.voicechat.spi.SpeechRecognizer;
import io.github.voicechat.spi.Transcript;
import io.github.voicechat.spi.WordTiming;
import io.github.voicechat.whisper.internal.NativeWhisper;
import io.github.voicechat.whisper.internal.UtteranceBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.Lock;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Whisper speech recognition (whisper.cpp through whisper-jni) of one utterance at a time, at 16 kHz.
 *
 * <p>Whisper is not streaming: {@link #accept} buffers the audio (a grow-only array reused across utterances) and
 * {@link #finish()} transcribes it. An utterance longer than {@link WhisperOptions#windowSeconds()} (30 s by default,
 * Whisper's context) is cut into windows that are transcribed as soon as they fill, on the thread calling
 * {@code accept}, so memory stays bounded and {@code finish()} only pays for the last window. A window shorter than
 * 1.1 s is padded with silence to 1.1 s, because whisper.cpp returns nothing for input under a second.
 *
 * <p>The transcript's {@link Transcript#words()} holds one entry per Whisper <em>segment</em> (a phrase with its
 * start and end; whisper-jni gives no token-level times), with confidence NaN; {@link #lastSegments()} returns the
 * same as {@link WhisperSegment}s. Non-speech annotations that Whisper emits as a whole segment
 * ({@code [BLANK_AUDIO]}, {@code (music)}) are dropped.
 *
 * <p>Each recognizer owns one whisper.cpp decoding state on a possibly shared {@link WhisperModel}. Create with
 * {@link #open} (owns its model), {@link #create(WhisperModel, WhisperOptions)} (shares one) or
 * {@link #create(ModelHandle, WhisperOptions)} (shares a model managed by a {@code ModelManager}). Used by one
 * thread at a time; {@link #close()} is idempotent and frees the state (and the model, when owned).
 */
public final class WhisperRecognizer implements SpeechRecognizer {

    /** The rate of the audio it accepts. */
    public static final int SAMPLE_RATE_HZ = 16_000;
    /**
     * whisper.cpp 1.7.1 returns no segments for input under 1000 ms of mel frames ("input is too short"); exactly
     * 16 000 samples still falls short by a frame or two (measured), so windows are padded with silence to 1.1 s.
     */
    static final int MIN_WINDOW_SAMPLES = SAMPLE_RATE_HZ * 11 / 10;

    private static final Pattern ANNOTATION = Pattern.compile("^\\s*(\\[[^\\]]*\\]|\\([^)]*\\)|\\*[^*]*\\*)\\s*$");

    private final WhisperModel model;
    private final WhisperOptions options;
    private final Runnable onClose;
    private final UtteranceBuffer buffer;
    private final List<WhisperSegment> segments = new ArrayList<>();
    private List<WhisperSegment> lastSegments = List.of();
    private WhisperState state;
    private float[] padded;
    private boolean closed;

    private WhisperRecognizer(WhisperModel model, WhisperOptions options, Runnable onClose) {
        this.model = model;
        this.options = options.forModel(model.id(), model.multilingual());
        this.onClose = onClose;
        this.buffer = new UtteranceBuffer(this.options.windowSeconds() * SAMPLE_RATE_HZ, 5 * SAMPLE_RATE_HZ);
        this.state = model.newState();
    }

    /**
     * A recognizer that loads {@code modelFile} for itself and frees it on {@link #close()}.
     *
     * @param modelId   the model id, for messages
     * @param modelFile the ggml file
     * @param options   how to decode
     * @return the recognizer
     * @throws EngineException          if the file is missing or unusable or the native library cannot load
     * @throws IllegalArgumentException if the options do not fit the model (e.g. translate on an English-only model)
     */
    public static WhisperRecognizer open(String modelId, Path modelFile, WhisperOptions options) {
        Objects.requireNonNull(options, "options");
        WhisperModel m = WhisperModel.load(modelId, modelFile, options.gpu());
        try {
            return new WhisperRecognizer(m, options, m::close);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /**
     * A recognizer with its own decoding state on a shared model; closing it leaves the model loaded.
     *
     * @param model   the loaded model
     * @param options how to decode
     * @return the recognizer
     * @throws IllegalArgumentException if the options do not fit the model
     */
    public static WhisperRecognizer create(WhisperModel model, WhisperOptions options) {
        return new WhisperRecognizer(Objects.requireNonNull(model, "model"), Objects.requireNonNull(options, "options"),
                () -> { });
    }

    /**
     * A recognizer on a model held through a {@code ModelManager} handle, which {@link #close()} releases.
     *
     * @param handle  an open handle to the model
     * @param options how to decode
     * @return the recognizer
     * @throws IllegalArgumentException if the options do not fit the model
     */
    public static WhisperRecognizer create(ModelHandle<WhisperModel> handle, WhisperOptions options) {
        Objects.requireNonNull(handle, "handle");
        try {
            return new WhisperRecognizer(handle.model(), Objects.requireNonNull(options, "options"), handle::close);
        } catch (RuntimeException e) {
            handle.close();
            throw e;
        }
    }

    @Override
    public int sampleRateHz() {
        return SAMPLE_RATE_HZ;
    }

    /** {@return the options in force, with the language resolved for the model} */
    public WhisperOptions options() {
        return options;
    }

    /** {@return the model this recognizer decodes with} */
    public WhisperModel model() {
        return model;
    }

    /**
     * {@inheritDoc}
     *
     * <p>May transcribe a full window before returning (see the class comment).
     */
    @Override
    public void accept(float[] samples, int offset, int length) {
        ensureOpen();
        buffer.append(samples, offset, length, this::transcribeWindow);
    }

    @Override
    public Transcript finish() {
        ensureOpen();
        try {
            buffer.flush(this::transcribeWindow);
            lastSegments = List.copyOf(segments);
        } finally {
            segments.clear();
            buffer.clear();
        }
        return toTranscript(lastSegments);
    }

    @Override
    public void cancel() {
        if (closed) {
            return;
        }
        buffer.clear();
        segments.clear();
    }

    /** {@return the segments of the last {@link #finish()}, in order} */
    public List<WhisperSegment> lastSegments() {
        return lastSegments;
    }

    /** {@return the samples of the current utterance not yet transcribed} */
    public int bufferedSamples() {
        return buffer.length();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        buffer.clear();
        segments.clear();
        WhisperState s = state;
        state = null;
        try {
            model.releaseState(s);
        } finally {
            onClose.run();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("whisper recognizer (" + model.id() + ") is closed");
        }
    }

    private void transcribeWindow(float[] samples, int length, long startSample) {
        float[] input = samples;
        int n = length;
        if (n < MIN_WINDOW_SAMPLES) {
            if (padded == null) {
                padded = new float[MIN_WINDOW_SAMPLES];
            }
            System.arraycopy(samples, 0, padded, 0, n);
            java.util.Arrays.fill(padded, n, MIN_WINDOW_SAMPLES, 0f);
            input = padded;
            n = MIN_WINDOW_SAMPLES;
        }
        double offsetMs = startSample * 1000.0 / SAMPLE_RATE_HZ;
        double limitMs = (startSample + length) * 1000.0 / SAMPLE_RATE_HZ;
        for (WhisperSegment s : runFull(model, state, options, input, n)) {
            // Times past the real audio (inside the padding) are clamped to its end.
            double start = Math.min(offsetMs + s.startMs(), limitMs);
            double end = Math.max(start, Math.min(offsetMs + s.endMs(), limitMs));
            segments.add(new WhisperSegment(s.text(), start, end));
        }
    }

    /**
     * One whisper.cpp {@code full} run on {@code samples[0, n)} with this model's state; segments are timed from the
     * window start, annotations dropped.
     */
    static List<WhisperSegment> runFull(WhisperModel model, WhisperState state, WhisperOptions o, float[] samples,
                                        int n) {
        WhisperFullParams p = toParams(o);
        WhisperJNI whisper = model.whisper();
        Lock r = NativeWhisper.readLock();
        r.lock();
        try {
            int rc = whisper.fullWithState(model.context(), state, p, samples, n);
            if (rc != 0) {
                throw new EngineException("whisper.cpp failed to transcribe " + n + " samples with model " + model.id()
                        + " (whisper_full returned " + rc + ")");
            }
            int count = whisper.fullNSegmentsFromState(state);
            List<WhisperSegment> out = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                String text = whisper.fullGetSegmentTextFromState(state, i);
                long t0 = whisper.fullGetSegmentTimestamp0FromState(state, i);
                long t1 = whisper.fullGetSegmentTimestamp1FromState(state, i);
                if (text == null || text.isBlank() || ANNOTATION.matcher(text).matches()) {
                    continue;
                }
                double startMs = Math.max(0, t0) * 10.0;
                out.add(new WhisperSegment(text.strip(), startMs, Math.max(startMs, t1 * 10.0)));
            }
            return out;
        } finally {
            r.unlock();
        }
    }

    /** whisper-jni parameters for these options; printing to stdout is off (a library is a guest). */
    static WhisperFullParams toParams(WhisperOptions o) {
        WhisperFullParams p = new WhisperFullParams(o.beamSize() > 0
                ? WhisperSamplingStrategy.BEAN_SEARCH : WhisperSamplingStrategy.GREEDY);
        p.nThreads = o.threads();
        p.language = o.language();
        p.translate = o.translate();
        p.initialPrompt = o.initialPrompt();
        p.temperature = o.temperature();
        p.temperatureInc = o.temperatureInc();
        p.noTimestamps = !o.timestamps();
        p.greedyBestOf = o.bestOf();
        if (o.beamSize() > 0) {
            p.beamSearchBeamSize = o.beamSize();
        }
        p.noContext = true;
        p.detectLanguage = false;
        p.printProgress = false;
        p.printRealtime = false;
        p.printTimestamps = false;
        p.printSpecial = false;
        return p;
    }

    static Transcript toTranscript(List<WhisperSegment> segs) {
        if (segs.isEmpty()) {
            return Transcript.EMPTY;
        }
        String text = segs.stream().map(WhisperSegment::text).collect(Collectors.joining(" "))
                .replaceAll("\\s+", " ");
        List<WordTiming> timings = new ArrayList<>(segs.size());
        for (WhisperSegment s : segs) {
            timings.add(new WordTiming(s.text(), s.startMs(), s.endMs(), Float.NaN));
        }
        return new Transcript(text, timings, Float.NaN);
    }

    @Override
    public String toString() {
        return "WhisperRecognizer[" + model.id() + ", " + options + (closed ? ", closed" : "") + "]";
    }
}
