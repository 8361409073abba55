package io.github.voicechat.piper;

import io.github.voicechat.audio.AudioFormat;
import io.github.voicechat.audio.Resampler;
import io.github.voicechat.piper.internal.Espeak;
import io.github.voicechat.piper.internal.EspeakPhonemizer;
import io.github.voicechat.piper.internal.EspeakPhonemizer.Sentence;
import io.github.voicechat.piper.internal.PhonemeIds;
import io.github.voicechat.onnx.OnnxDevice;
import io.github.voicechat.onnx.OnnxSessions;
import io.github.voicechat.spi.EngineException;
import io.github.voicechat.spi.EngineOption;
import io.github.voicechat.spi.EngineOptions;
import io.github.voicechat.spi.SpeechSynthesizer;
import io.github.voicechat.spi.SynthesisSink;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
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
 * <p>Options: {@link #OPTIONS}; the three scales default to the voice's {@code inference} values.
 *
 * <p>One instance is used by one thread at a time.
 */
public final class PiperSynthesizer implements SpeechSynthesizer {
    /** {@code length_scale}: phoneme duration factor. */
    public static final EngineOption<Double> LENGTH_SCALE = EngineOption.number("length_scale", null, 0.01, 10,
            "phoneme duration factor, above 1 is slower (default: the voice's)");
    /** {@code noise_scale}: generator noise. */
    public static final EngineOption<Double> NOISE_SCALE = EngineOption.number("noise_scale", null, 0, 10,
            "generator noise (default: the voice's)");
    /** {@code noise_w}: phoneme width noise. */
    public static final EngineOption<Double> NOISE_W = EngineOption.number("noise_w", null, 0, 10,
            "phoneme width noise (default: the voice's)");
    /** {@code speaker}: name or id, for multi-speaker voices. */
    public static final EngineOption<String> SPEAKER = EngineOption.text("speaker", null, 200,
            "speaker name or id, for multi-speaker voices");
    /** {@code normalize}: scale each sentence to full range. */
    public static final EngineOption<Boolean> NORMALIZE = EngineOption.bool("normalize", true,
            "scale each sentence to full range, as Piper does");
    /** {@code volume}: gain after normalising. */
    public static final EngineOption<Double> VOLUME = EngineOption.number("volume", 1.0, 0, 10, "gain after that");
    /** {@code sentence_silence_ms}: silence between sentences. */
    public static final EngineOption<Integer> SENTENCE_SILENCE_MS = EngineOption.integer("sentence_silence_ms", 0, 0,
            5000, "silence between sentences");
    /** {@code output_rate_hz}: resample to this rate. */
    public static final EngineOption<Integer> OUTPUT_RATE_HZ = EngineOption.integerOf("output_rate_hz", null,
            Arrays.stream(AudioFormat.STANDARD_RATES_HZ).boxed().toList(),
            "resample to this rate (default: the voice's, leaving the one resampling to the pipeline)");
    /** {@code device}: where the network runs; the CPU by default. */
    public static final EngineOption<OnnxDevice> DEVICE = OnnxSessions.deviceOption(OnnxDevice.CPU);
    /** {@code threads}: ONNX Runtime intra-op threads. */
    public static final EngineOption<Integer> THREADS = EngineOption.integer("threads", 0, 0, 64,
            "ONNX Runtime intra-op threads; 0 = its default (one per core)");
    /** The options this synthesizer reads. */
    public static final List<EngineOption<?>> OPTIONS = List.of(LENGTH_SCALE, NOISE_SCALE, NOISE_W, SPEAKER,
            NORMALIZE, VOLUME, SENTENCE_SILENCE_MS, OUTPUT_RATE_HZ, DEVICE, THREADS);

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
        this.noiseScale = NOISE_SCALE.find(options).map(Double::floatValue).orElse(c.noiseScale());
        this.lengthScale = LENGTH_SCALE.find(options).map(Double::floatValue).orElse(c.lengthScale());
        this.noiseW = NOISE_W.find(options).map(Double::floatValue).orElse(c.noiseW());
        String speaker = SPEAKER.get(options);
        if (speaker != null && c.numSpeakers() <= 1 && !speaker.equals("0")) {
            throw new IllegalArgumentException(SPEAKER.key() + " '" + speaker + "' given, but this voice has one"
                    + " speaker");
        }
        this.speakerId = speaker == null ? 0 : c.speakerId(speaker);
        this.normalize = NORMALIZE.get(options);
        this.volume = VOLUME.get(options).floatValue();
        this.silenceSamples = (int) ((long) SENTENCE_SILENCE_MS.get(options) * c.sampleRateHz() / 1000);
        this.outputRateHz = OUTPUT_RATE_HZ.find(options).orElse(c.sampleRateHz());
        this.resampler = outputRateHz == c.sampleRateHz() ? null : Resampler.create(c.sampleRateHz(), outputRateHz);
    }

    /**
     * Loads a voice and owns it (closing the synthesizer closes it).
     *
     * @param onnx    the voice's network
     * @param json    its {@code .onnx.json}
     * @param options {@link #OPTIONS}, by key
     * @return the synthesizer
     * @throws IllegalArgumentException on an unknown key, an ill-typed or an out-of-range option ({@link #OPTIONS})
     * @throws io.github.voicechat.spi.EngineException when the files are missing or unreadable, libespeak-ng is
     *                                                 absent, or ONNX Runtime cannot load the network
     */
    public static PiperSynthesizer open(Path onnx, Path json, EngineOptions options) {
        EngineOptions o = options.check("piper " + onnx.getFileName(), OPTIONS);
        PiperVoice v = PiperVoice.load(onnx, json, DEVICE.get(o), THREADS.get(o));
        try {
            return new PiperSynthesizer(v, true, o).checkPhonemizer();
        } catch (RuntimeException e) {
            v.close();
            throw e;
        }
    }

    /**
     * A synthesizer on a shared voice (e.g. from a {@link io.github.voicechat.models.ModelManager} handle); closing
     * it leaves the voice open. The voice is loaded already, so {@link #DEVICE} and {@link #THREADS} are refused.
     *
     * @param voice   the loaded voice
     * @param options {@link #OPTIONS} but {@code device} and {@code threads}, by key
     * @return the synthesizer
     * @throws IllegalArgumentException on an unknown key, an ill-typed or an out-of-range option
     */
    public static PiperSynthesizer create(PiperVoice voice, EngineOptions options) {
        List<EngineOption<?>> perSynthesizer = new ArrayList<>(OPTIONS);
        perSynthesizer.removeAll(List.of(DEVICE, THREADS));
        return new PiperSynthesizer(voice, false, options.check("piper voice " + voice, perSynthesizer))
                .checkPhonemizer();
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

    /** {@return the voice this synthesizer speaks with} */
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
