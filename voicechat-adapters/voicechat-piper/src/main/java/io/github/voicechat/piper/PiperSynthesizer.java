package io.github.voicechat.piper;

import io.github.voicechat.audio.Resampler;
import io.github.voicechat.piper.internal.Espeak;
import io.github.voicechat.piper.internal.EspeakPhonemizer;
import io.github.voicechat.piper.internal.EspeakPhonemizer.Sentence;
import io.github.voicechat.piper.internal.PhonemeIds;
import io.github.voicechat.spi.EngineException;
import io.github.voicechat.spi.EngineOptions;
import io.github.voicechat.spi.SpeechSynthesizer;
import io.github.voicechat.spi.SynthesisSink;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Text to speech with a Piper voice: espeak-ng phonemes, Piper's phoneme ids, one network run per sentence.
 *
 * <p>Streaming is by sentence: the text is phonemised in one pass (milliseconds), then each sentence is synthesised
 * and delivered before the next is started, so the first audio arrives after the first sentence's inference.
 * After each sentence's audio, {@link SynthesisSink#textMark} reports the offset just past its terminator.
 * Cancellation ({@link SynthesisSink#isCancelled()} or {@code audio(...)} returning false) is honoured between
 * sentences and between delivered pieces; one network run is not interrupted.
 *
 * <p>Options (unknown keys are ignored, since the command line passes one option set to every engine):
 * {@code length_scale}, {@code noise_scale}, {@code noise_w} (default: the voice's {@code inference} values),
 * {@code speaker} (name or id, multi-speaker voices), {@code normalize} (scale each sentence to full range as
 * Piper does, default true), {@code volume} (0..10, default 1), {@code sentence_silence_ms} (0..5000, default 0),
 * {@code output_rate_hz} (resample to this standard rate; default the voice's rate, leaving the one resampling
 * to the pipeline), {@code device} (auto, cpu, cuda; default cpu) and {@code threads} (ONNX Runtime intra-op
 * threads, default 0 = its default).
 *
 * <p>One instance is used by one thread at a time.
 */
public final class PiperSynthesizer implements SpeechSynthesizer {
    public static final String LENGTH_SCALE = "length_scale";
    public static final String NOISE_SCALE = "noise_scale";
    public static final String NOISE_W = "noise_w";
    public static final String SPEAKER = "speaker";
    public static final String NORMALIZE = "normalize";
    public static final String VOLUME = "volume";
    public static final String SENTENCE_SILENCE_MS = "sentence_silence_ms";
    public static final String OUTPUT_RATE_HZ = "output_rate_hz";
    public static final String DEVICE = "device";
    public static final String THREADS = "threads";
    /** The keys this synthesizer reads. */
    public static final Set<String> OPTION_KEYS = Set.of(LENGTH_SCALE, NOISE_SCALE, NOISE_W, SPEAKER, NORMALIZE,
            VOLUME, SENTENCE_SILENCE_MS, OUTPUT_RATE_HZ, DEVICE, THREADS);

    private static final Logger LOG = LoggerFactory.getLogger(PiperSynthesizer.class);
    /** Largest piece handed to the sink at once (about 90 ms at 22.05 kHz), so a cancel is noticed quickly. */
    private static final int PIECE_SAMPLES = 2048;

    private final PiperVoice voice;
    private final boolean ownsVoice;
    private final EspeakPhonemizer phonemizer;
    private final float noiseScale;
    private final float lengthScale;
    private final float noiseW;
    private final int speakerId;
    private final boolean normalize;
    private final float volume;
    private final int silenceSamples;
    private final int outputRateHz;
    private final Resampler resampler;
    private final Set<String> warnedMissing = new TreeSet<>();
    private boolean closed;

    private PiperSynthesizer(PiperVoice voice, boolean ownsVoice, EngineOptions options) {
        this.voice = voice;
        this.ownsVoice = ownsVoice;
        PiperVoiceConfig c = voice.config();
        this.phonemizer = c.phonemeType() == PiperVoiceConfig.PhonemeType.ESPEAK
                ? new EspeakPhonemizer(c.espeakVoice()) : null;
        this.noiseScale = scale(options, NOISE_SCALE, c.noiseScale());
        this.lengthScale = scale(options, LENGTH_SCALE, c.lengthScale());
        if (lengthScale == 0f) {
            throw new IllegalArgumentException(LENGTH_SCALE + " must be above 0, was 0");
        }
        this.noiseW = scale(options, NOISE_W, c.noiseW());
        String speaker = options.get(SPEAKER).orElse(null);
        if (speaker != null && c.numSpeakers() <= 1 && !speaker.strip().equals("0")) {
            throw new IllegalArgumentException(SPEAKER + " '" + speaker + "' given, but this voice has one speaker");
        }
        this.speakerId = speaker == null ? 0 : c.speakerId(speaker);
        this.normalize = options.getBoolean(NORMALIZE, true);
        double vol = options.getDouble(VOLUME, 1.0);
        if (!(vol >= 0 && vol <= 10)) {
            throw new IllegalArgumentException(VOLUME + " must be 0..10, was " + vol);
        }
        this.volume = (float) vol;
        int silenceMs = options.getInt(SENTENCE_SILENCE_MS, 0);
        if (silenceMs < 0 || silenceMs > 5000) {
            throw new IllegalArgumentException(SENTENCE_SILENCE_MS + " must be 0..5000, was " + silenceMs);
        }
        this.silenceSamples = (int) ((long) silenceMs * c.sampleRateHz() / 1000);
        this.outputRateHz = options.getInt(OUTPUT_RATE_HZ, c.sampleRateHz());
        this.resampler = outputRateHz == c.sampleRateHz() ? null : Resampler.create(c.sampleRateHz(), outputRateHz);
    }

    private static float scale(EngineOptions o, String key, float dflt) {
        float v = (float) o.getDouble(key, dflt);
        PiperVoiceConfig.checkScale(key, v);
        return v;
    }

    /**
     * Loads a voice and owns it (closing the synthesizer closes it).
     *
     * @throws io.github.voicechat.spi.EngineException when the files are missing or unreadable, libespeak-ng is
     *                                                 absent, or ONNX Runtime cannot load the network
     */
    public static PiperSynthesizer open(Path onnx, Path json, EngineOptions options) {
        PiperVoice v = PiperVoice.load(onnx, json, PiperVoice.Device.parse(options.getString(DEVICE, "cpu")),
                options.getInt(THREADS, 0));
        try {
            return new PiperSynthesizer(v, true, options).checkPhonemizer();
        } catch (RuntimeException e) {
            v.close();
            throw e;
        }
    }

    /** A synthesizer on a shared voice (e.g. from a {@link io.github.voicechat.models.ModelManager} handle); closing it leaves the voice open. */
    public static PiperSynthesizer create(PiperVoice voice, EngineOptions options) {
        return new PiperSynthesizer(voice, false, options).checkPhonemizer();
    }

    private PiperSynthesizer checkPhonemizer() {
        if (phonemizer != null) {
            // Fails now, with the package to install, rather than at the first sentence.
            Espeak.unavailableReason().ifPresent(r -> {
                throw new EngineException(r);
            });
        }
        return this;
    }

    public PiperVoice voice() {
        return voice;
    }

    @Override
    public int sampleRateHz() {
        return outputRateHz;
    }

    /** The phonemes of each sentence of {@code text}, as they will be synthesised. */
    List<Sentence> sentences(String text) {
        if (phonemizer != null) {
            return phonemizer.phonemize(text);
        }
        // phoneme_type "text": the code points themselves, one sentence (piper1-gpl voice.py).
        String nfd = Normalizer.normalize(text, Normalizer.Form.NFD);
        List<String> cps = new ArrayList<>();
        nfd.codePoints().forEach(cp -> cps.add(new String(Character.toChars(cp))));
        return nfd.isBlank() ? List.of() : List.of(new Sentence(cps, 0, text.length()));
    }

    /** Piper's phoneme ids of one sentence. */
    long[] phonemeIds(Sentence s) {
        return PhonemeIds.toIds(s.phonemes(), voice.config().phonemeIdMap(), p -> {
            if (warnedMissing.add(p)) {
                LOG.warn("phoneme '{}' (U+{}) is not in the voice's phoneme_id_map; skipped", p,
                        Integer.toHexString(p.codePointAt(0)).toUpperCase(java.util.Locale.ROOT));
            }
        });
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
            throw new IllegalStateException("this PiperSynthesizer is closed");
        }
        List<Sentence> sentences = sentences(text);
        int marked = -1;
        for (int i = 0; i < sentences.size(); i++) {
            if (sink.isCancelled()) {
                return;
            }
            Sentence s = sentences.get(i);
            float[] audio = voice.infer(phonemeIds(s), noiseScale, lengthScale, noiseW, speakerId);
            postProcess(audio);
            if (sink.isCancelled() || !deliver(audio, sink)) {
                return;
            }
            if (silenceSamples > 0 && i < sentences.size() - 1 && !deliver(new float[silenceSamples], sink)) {
                return;
            }
            sink.textMark(s.endChar());
            marked = s.endChar();
        }
        if (!sink.isCancelled() && marked != text.length()) {
            sink.textMark(text.length());
        }
    }

    /** Piper's SynthesisConfig defaults: peak-normalise (silence stays silence), apply volume, clip to [-1, 1]. */
    private void postProcess(float[] audio) {
        float gain = volume;
        if (normalize) {
            float peak = 0f;
            for (float v : audio) {
                float a = Math.abs(v);
                if (a > peak) {
                    peak = a;
                }
            }
            gain = peak < 1e-8f ? 0f : volume / peak;
        }
        for (int i = 0; i < audio.length; i++) {
            float v = audio[i] * gain;
            // NaN would poison the pipeline's mixing and resampling; a finite network never gives it.
            audio[i] = v != v ? 0f : Math.max(-1f, Math.min(1f, v));
        }
    }

    /** Resamples one sentence as a stream of its own (aligned, tail flushed) and hands it out in pieces. */
    private boolean deliver(float[] audio, SynthesisSink sink) {
        float[] out = audio;
        if (resampler != null) {
            int delay = resampler.delaySamples();
            float[] tmp = new float[resampler.maxOutputSamples(audio.length) + delay];
            int n = resampler.process(audio, 0, audio.length, tmp, 0);
            n += resampler.flush(tmp, n);
            out = java.util.Arrays.copyOfRange(tmp, Math.min(delay, n), n);
        }
        for (int off = 0; off < out.length; off += PIECE_SAMPLES) {
            if (sink.isCancelled() || !sink.audio(out, off, Math.min(PIECE_SAMPLES, out.length - off))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (ownsVoice) {
            voice.close();
        }
    }

    @Override
    public String toString() {
        return "PiperSynthesizer[" + voice + ", " + outputRateHz + " Hz out]";
    }
}
