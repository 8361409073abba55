package io.github.voicechat.whisper;

import io.github.voicechat.spi.EngineOption;
import io.github.voicechat.spi.EngineOptions;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Decoding options of a {@link WhisperRecognizer}, validated before anything reaches native code.
 *
 * <p>As engine options ({@code --asr-option key=value} on the command line): {@link #OPTIONS}. {@code temperatureInc}
 * is the fallback: when a window's decoding fails whisper.cpp's compression-ratio or log-probability checks it
 * retries at {@code temperature + k * temperatureInc}; 0 disables the fallback.
 *
 * @param language        ISO 639-1 code or {@code auto}; null = the model's default ({@code en} for {@code .en}
 *                        models, {@code auto} otherwise)
 * @param translate       translate to English (multilingual models only)
 * @param initialPrompt   text given to the decoder as previous context, or null
 * @param temperature     initial sampling temperature, 0 to 1
 * @param temperatureInc  fallback temperature step, 0 to 1; 0 = no fallback
 * @param threads         CPU threads for one transcription, 1 to 64
 * @param timestamps      whether segments carry their own times
 * @param beamSize        0 for greedy decoding, else the beam width (2 to 16)
 * @param bestOf          candidates per temperature when sampling (1 to 16)
 * @param windowSeconds   longest window given to Whisper at once, 1 to 30 s
 * @param gpu             ask whisper.cpp for a GPU backend (ignored by CPU-only native builds)
 */
public record WhisperOptions(String language, boolean translate, String initialPrompt, float temperature,
                             float temperatureInc, int threads, boolean timestamps, int beamSize, int bestOf,
                             int windowSeconds, boolean gpu) {

    /** {@code language}: see {@link #language()}. */
    public static final EngineOption<String> LANGUAGE = EngineOption.text("language", null, 8, "ISO 639-1 code"
            + " (en, de, ...) or auto to detect (default: en for .en models, auto otherwise)");
    /** {@code translate}: see {@link #translate()}. */
    public static final EngineOption<Boolean> TRANSLATE = EngineOption.bool("translate", false,
            "output English (multilingual models only)");
    /** {@code prompt}: see {@link #initialPrompt()}. */
    public static final EngineOption<String> PROMPT = EngineOption.text("prompt", null, 2000,
            "initial prompt: vocabulary and style hints");
    /** {@code temperature}: see {@link #temperature()}. */
    public static final EngineOption<Double> TEMPERATURE = EngineOption.number("temperature", 0.0, 0, 1,
            "initial sampling temperature; 0 = greedy");
    /** {@code temperatureInc}: see {@link #temperatureInc()}. */
    public static final EngineOption<Double> TEMPERATURE_INC = EngineOption.number("temperatureInc", 0.2, 0, 1,
            "fallback temperature step; 0 disables the fallback");
    /** {@code threads}: see {@link #threads()}. */
    public static final EngineOption<Integer> THREADS = EngineOption.integer("threads", null, 1, 64,
            "CPU threads for one transcription (default half the cores, 1 to 8)");
    /** {@code timestamps}: see {@link #timestamps()}. */
    public static final EngineOption<Boolean> TIMESTAMPS = EngineOption.bool("timestamps", true,
            "segment times; false decodes one segment per window, slightly faster");
    /** {@code beamSize}: see {@link #beamSize()}. */
    public static final EngineOption<Integer> BEAM_SIZE = EngineOption.integer("beamSize", 0, 0, 16,
            "0 = greedy, 2..16 = beam search");
    /** {@code bestOf}: see {@link #bestOf()}. */
    public static final EngineOption<Integer> BEST_OF = EngineOption.integer("bestOf", 5, 1, 16,
            "candidates sampled per fallback temperature");
    /** {@code windowSeconds}: see {@link #windowSeconds()}. */
    public static final EngineOption<Integer> WINDOW_SECONDS = EngineOption.integer("windowSeconds", 30, 1, 30,
            "longer utterances are transcribed in windows of this length as they arrive (Whisper sees 30 s at most)");
    /** {@code gpu}: see {@link #gpu()}. */
    public static final EngineOption<Boolean> GPU = EngineOption.bool("gpu", true,
            "use a GPU backend if the native build has one");
    /** The options {@link #parse} reads. */
    public static final List<EngineOption<?>> OPTIONS = List.of(LANGUAGE, TRANSLATE, PROMPT, TEMPERATURE,
            TEMPERATURE_INC, THREADS, TIMESTAMPS, BEAM_SIZE, BEST_OF, WINDOW_SECONDS, GPU);

    /**
     * Checks every value against the range of its option.
     *
     * @param language       ISO 639-1 code or {@code auto}; null = the model's default ({@code en} for {@code .en}
     *                       models, {@code auto} otherwise)
     * @param translate      translate to English (multilingual models only)
     * @param initialPrompt  text given to the decoder as previous context, or null
     * @param temperature    initial sampling temperature, 0 to 1
     * @param temperatureInc fallback temperature step, 0 to 1; 0 = no fallback
     * @param threads        CPU threads for one transcription, 1 to 64
     * @param timestamps     whether segments carry their own times
     * @param beamSize       0 for greedy decoding, else the beam width (2 to 16)
     * @param bestOf         candidates per temperature when sampling (1 to 16)
     * @param windowSeconds  longest window given to Whisper at once, 1 to 30 s
     * @param gpu            ask whisper.cpp for a GPU backend (ignored by CPU-only native builds)
     */
    public WhisperOptions {
        if (language != null) {
            language = language.strip().toLowerCase(Locale.ROOT);
            if (!language.equals("auto") && !language.matches("[a-z]{2,3}")) {
                throw new IllegalArgumentException("option language must be a 2- or 3-letter ISO 639 code (en, de,"
                        + " haw) or 'auto', was '" + language + "'");
            }
        }
        if (initialPrompt != null && initialPrompt.isBlank()) {
            initialPrompt = null;
        }
        // The declared options' ranges, whether the values came as text or through the with... methods.
        TEMPERATURE.requireValid((double) temperature);
        TEMPERATURE_INC.requireValid((double) temperatureInc);
        THREADS.requireValid(threads);
        BEAM_SIZE.requireValid(beamSize);
        if (beamSize == 1) {
            throw new IllegalArgumentException("option beamSize must be 0 (greedy) or 2..16, was 1");
        }
        BEST_OF.requireValid(bestOf);
        WINDOW_SECONDS.requireValid(windowSeconds);
    }

    /** {@return the defaults: model language, no translation, greedy at 0 with 0.2 fallback steps, timestamps, 30 s windows} */
    public static WhisperOptions defaults() {
        return parse(EngineOptions.EMPTY);
    }

    /** {@return half the available processors, at least 1 and at most 8} Whisper.cpp gains little beyond that. */
    public static int defaultThreads() {
        return Math.max(1, Math.min(8, Runtime.getRuntime().availableProcessors() / 2));
    }

    /**
     * Reads options from engine options.
     *
     * @param options {@link #OPTIONS}, by key
     * @return the options
     * @throws IllegalArgumentException on an unknown key (naming the valid ones), a malformed or out-of-range value
     */
    public static WhisperOptions parse(EngineOptions options) {
        EngineOptions o = Objects.requireNonNull(options, "options").check("whisper", OPTIONS);
        return new WhisperOptions(LANGUAGE.get(o), TRANSLATE.get(o), PROMPT.get(o), TEMPERATURE.get(o).floatValue(),
                TEMPERATURE_INC.get(o).floatValue(), THREADS.find(o).orElseGet(WhisperOptions::defaultThreads),
                TIMESTAMPS.get(o), BEAM_SIZE.get(o), BEST_OF.get(o), WINDOW_SECONDS.get(o), GPU.get(o));
    }

    /**
     * These options checked against a model: an English-only model cannot translate or take another language.
     *
     * @param modelId      the model, for messages
     * @param multilingual whether it knows several languages
     * @return the options with {@link #language()} resolved (never null)
     * @throws IllegalArgumentException if they do not fit the model
     */
    public WhisperOptions forModel(String modelId, boolean multilingual) {
        String lang = language == null ? (multilingual ? "auto" : "en") : language;
        if (!multilingual) {
            if (!lang.equals("en")) {
                throw new IllegalArgumentException("model " + modelId + " is English-only: option language must be"
                        + " 'en', was '" + lang + "'; use a multilingual model (e.g. whisper-base) for other languages");
            }
            if (translate) {
                throw new IllegalArgumentException("model " + modelId + " is English-only and cannot translate;"
                        + " use a multilingual model (e.g. whisper-base) with translate=true");
            }
        }
        return new WhisperOptions(lang, translate, initialPrompt, temperature, temperatureInc, threads, timestamps,
                beamSize, bestOf, windowSeconds, gpu);
    }

    /**
     * Sets the language.
     *
     * @param newLanguage an ISO 639 code, {@code auto}, or null for the model's
     * @return a copy with that changed
     */
    public WhisperOptions withLanguage(String newLanguage) {
        return new WhisperOptions(newLanguage, translate, initialPrompt, temperature, temperatureInc, threads,
                timestamps, beamSize, bestOf, windowSeconds, gpu);
    }

    /**
     * Sets the CPU threads for one transcription.
     *
     * @param newThreads 1 to 64
     * @return a copy with that changed
     */
    public WhisperOptions withThreads(int newThreads) {
        return new WhisperOptions(language, translate, initialPrompt, temperature, temperatureInc, newThreads,
                timestamps, beamSize, bestOf, windowSeconds, gpu);
    }

    /**
     * Sets the initial prompt.
     *
     * @param prompt vocabulary and style hints, or null for none
     * @return a copy with that changed
     */
    public WhisperOptions withInitialPrompt(String prompt) {
        return new WhisperOptions(language, translate, prompt, temperature, temperatureInc, threads, timestamps,
                beamSize, bestOf, windowSeconds, gpu);
    }

    /**
     * Sets whether segments carry times.
     *
     * @param on false decodes one segment per window, slightly faster
     * @return a copy with that changed
     */
    public WhisperOptions withTimestamps(boolean on) {
        return new WhisperOptions(language, translate, initialPrompt, temperature, temperatureInc, threads, on,
                beamSize, bestOf, windowSeconds, gpu);
    }

    /**
     * Sets the window longer utterances are transcribed in as they arrive.
     *
     * @param seconds 1 to 30
     * @return a copy with that changed
     */
    public WhisperOptions withWindowSeconds(int seconds) {
        return new WhisperOptions(language, translate, initialPrompt, temperature, temperatureInc, threads,
                timestamps, beamSize, bestOf, seconds, gpu);
    }

    /**
     * Sets the sampling temperature and its fallback step.
     *
     * @param t   the initial temperature, 0 (greedy) to 1
     * @param inc the fallback step, 0 (no fallback) to 1
     * @return a copy with that changed
     */
    public WhisperOptions withTemperature(float t, float inc) {
        return new WhisperOptions(language, translate, initialPrompt, t, inc, threads, timestamps, beamSize, bestOf,
                windowSeconds, gpu);
    }
}
