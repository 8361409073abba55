package io.github.voicechat.whisper;

import io.github.voicechat.spi.EngineOptions;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Decoding options of a {@link WhisperRecognizer}, validated before anything reaches native code.
 *
 * <p>As engine options ({@code -o key=value} on the command line; each key may also be written with a
 * {@code whisper.} prefix, which wins when both are given): {@code language} ({@code en}, {@code de}, ... or
 * {@code auto} to detect; English-only models accept only {@code en}), {@code translate} (multilingual models only:
 * output English), {@code prompt} (initial prompt: vocabulary and style hints), {@code temperature} (0 to 1, 0 =
 * greedy), {@code temperatureInc} (fallback: when a window's decoding fails whisper.cpp's compression-ratio or
 * log-probability checks it retries at {@code temperature + k * temperatureInc}; 0 disables the fallback),
 * {@code threads}, {@code timestamps} (segment times; false decodes one segment per window, slightly faster),
 * {@code beamSize} (0 = greedy, 2..16 = beam search), {@code bestOf} (candidates sampled per fallback temperature),
 * {@code windowSeconds} (1 to 30: longer utterances are transcribed in windows of this length as they arrive),
 * {@code gpu} (use a GPU backend if the native build has one). Keys this engine does not know are left to the other
 * engines of the same command, so they are not errors.
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

    /** The option keys this engine reads (each also accepted with a {@code whisper.} prefix). */
    public static final List<String> KEYS = List.of("language", "translate", "prompt", "temperature", "temperatureInc",
            "threads", "timestamps", "beamSize", "bestOf", "windowSeconds", "gpu");

    /** Whisper's context: 30 s of audio per window. */
    public static final int MAX_WINDOW_SECONDS = 30;

    public static final float DEFAULT_TEMPERATURE_INC = 0.2f;
    public static final int DEFAULT_BEST_OF = 5;

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
        requireRange("temperature", temperature, 0f, 1f);
        requireRange("temperatureInc", temperatureInc, 0f, 1f);
        if (threads < 1 || threads > 64) {
            throw new IllegalArgumentException("option threads must be 1..64, was " + threads);
        }
        if (beamSize != 0 && (beamSize < 2 || beamSize > 16)) {
            throw new IllegalArgumentException("option beamSize must be 0 (greedy) or 2..16, was " + beamSize);
        }
        if (bestOf < 1 || bestOf > 16) {
            throw new IllegalArgumentException("option bestOf must be 1..16, was " + bestOf);
        }
        if (windowSeconds < 1 || windowSeconds > MAX_WINDOW_SECONDS) {
            throw new IllegalArgumentException("option windowSeconds must be 1.." + MAX_WINDOW_SECONDS + " (Whisper"
                    + " sees at most 30 s at once), was " + windowSeconds);
        }
    }

    /** Defaults: model language, no translation, greedy at 0 with 0.2 fallback steps, timestamps, 30 s windows. */
    public static WhisperOptions defaults() {
        return new WhisperOptions(null, false, null, 0f, DEFAULT_TEMPERATURE_INC, defaultThreads(), true, 0,
                DEFAULT_BEST_OF, MAX_WINDOW_SECONDS, true);
    }

    /** Half the available processors, at least 1 and at most 8: whisper.cpp gains little beyond that. */
    public static int defaultThreads() {
        return Math.max(1, Math.min(8, Runtime.getRuntime().availableProcessors() / 2));
    }

    /**
     * Reads options from engine options.
     *
     * @throws IllegalArgumentException on a malformed or out-of-range value, naming the key, range and value
     */
    public static WhisperOptions parse(EngineOptions options) {
        Objects.requireNonNull(options, "options");
        WhisperOptions d = defaults();
        return new WhisperOptions(
                str(options, "language", d.language),
                bool(options, "translate", d.translate),
                str(options, "prompt", d.initialPrompt),
                (float) num(options, "temperature", d.temperature),
                (float) num(options, "temperatureInc", d.temperatureInc),
                integer(options, "threads", d.threads),
                bool(options, "timestamps", d.timestamps),
                integer(options, "beamSize", d.beamSize),
                integer(options, "bestOf", d.bestOf),
                integer(options, "windowSeconds", d.windowSeconds),
                bool(options, "gpu", d.gpu));
    }

    /**
     * These options checked against a model: an English-only model cannot translate or take another language.
     *
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

    public WhisperOptions withLanguage(String newLanguage) {
        return new WhisperOptions(newLanguage, translate, initialPrompt, temperature, temperatureInc, threads,
                timestamps, beamSize, bestOf, windowSeconds, gpu);
    }

    public WhisperOptions withThreads(int newThreads) {
        return new WhisperOptions(language, translate, initialPrompt, temperature, temperatureInc, newThreads,
                timestamps, beamSize, bestOf, windowSeconds, gpu);
    }

    public WhisperOptions withInitialPrompt(String prompt) {
        return new WhisperOptions(language, translate, prompt, temperature, temperatureInc, threads, timestamps,
                beamSize, bestOf, windowSeconds, gpu);
    }

    public WhisperOptions withTimestamps(boolean on) {
        return new WhisperOptions(language, translate, initialPrompt, temperature, temperatureInc, threads, on,
                beamSize, bestOf, windowSeconds, gpu);
    }

    public WhisperOptions withWindowSeconds(int seconds) {
        return new WhisperOptions(language, translate, initialPrompt, temperature, temperatureInc, threads,
                timestamps, beamSize, bestOf, seconds, gpu);
    }

    public WhisperOptions withTemperature(float t, float inc) {
        return new WhisperOptions(language, translate, initialPrompt, t, inc, threads, timestamps, beamSize, bestOf,
                windowSeconds, gpu);
    }

    private static void requireRange(String key, float v, float min, float max) {
        if (!(v >= min && v <= max)) { // also refuses NaN
            throw new IllegalArgumentException("option " + key + " must be " + min + ".." + max + ", was " + v);
        }
    }

    private static String raw(EngineOptions o, String key) {
        return o.get("whisper." + key).or(() -> o.get(key)).orElse(null);
    }

    private static String str(EngineOptions o, String key, String def) {
        String v = raw(o, key);
        return v == null ? def : v;
    }

    private static boolean bool(EngineOptions o, String key, boolean def) {
        String v = raw(o, key);
        return v == null ? def : EngineOptions.of(java.util.Map.of(key, v)).getBoolean(key, def);
    }

    private static int integer(EngineOptions o, String key, int def) {
        String v = raw(o, key);
        return v == null ? def : EngineOptions.of(java.util.Map.of(key, v)).getInt(key, def);
    }

    private static double num(EngineOptions o, String key, double def) {
        String v = raw(o, key);
        return v == null ? def : EngineOptions.of(java.util.Map.of(key, v)).getDouble(key, def);
    }
}
