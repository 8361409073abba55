package io.github.voicechat.piper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A Piper voice's {@code .onnx.json}, read as Piper reads it (rhasspy/piper {@code src/python_run/piper/config.py},
 * {@code PiperConfig.from_dict}): {@code num_symbols}, {@code num_speakers}, {@code audio.sample_rate},
 * {@code espeak.voice} and {@code phoneme_id_map} are required; {@code inference.noise_scale} (default 0.667),
 * {@code inference.length_scale} (1.0) and {@code inference.noise_w} (0.8), {@code phoneme_type} ({@code espeak})
 * and {@code speaker_id_map} (empty) are optional. Other fields are ignored.
 *
 * @param sampleRateHz  rate of the audio the network outputs
 * @param espeakVoice   espeak-ng voice used to phonemise ({@code en-us})
 * @param phonemeType   how text becomes phonemes
 * @param numSymbols    size of the network's phoneme-id vocabulary; every mapped id is below it
 * @param numSpeakers   1 for single-speaker voices; a multi-speaker network takes a {@code sid} input
 * @param speakerIdMap  speaker name to id, for multi-speaker voices
 * @param noiseScale    generator noise ({@code scales[0]})
 * @param lengthScale   phoneme duration factor, above 1 is slower ({@code scales[1]})
 * @param noiseW        phoneme width noise ({@code scales[2]})
 * @param phonemeIdMap  phoneme (one code point, as a string) to its ids
 */
public record PiperVoiceConfig(int sampleRateHz, String espeakVoice, PhonemeType phonemeType, int numSymbols,
                               int numSpeakers, Map<String, Integer> speakerIdMap, float noiseScale,
                               float lengthScale, float noiseW, Map<String, long[]> phonemeIdMap) {
    /** Padding symbol, written after every phoneme. */
    public static final String PAD = "_";
    /** Beginning-of-sentence symbol. */
    public static final String BOS = "^";
    /** End-of-sentence symbol. */
    public static final String EOS = "$";

    /** Piper's {@code noise_scale} when a voice's config gives none. */
    public static final float DEFAULT_NOISE_SCALE = 0.667f;
    /** Piper's {@code length_scale} when a voice's config gives none. */
    public static final float DEFAULT_LENGTH_SCALE = 1.0f;
    /** Piper's {@code noise_w} when a voice's config gives none. */
    public static final float DEFAULT_NOISE_W = 0.8f;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Piper's {@code phoneme_type}. */
    public enum PhonemeType {
        /** IPA from espeak-ng. */
        ESPEAK,
        /** The text's own code points (NFD). */
        TEXT;

        static PhonemeType parse(String s) {
            return switch (s) {
                case "espeak" -> ESPEAK;
                case "text" -> TEXT;
                default -> throw new IllegalArgumentException("phoneme_type '" + s + "' is not supported; expected "
                        + "'espeak' or 'text'");
            };
        }
    }

    /**
     * Copies the maps and checks the values.
     *
     * @param sampleRateHz rate of the audio the network outputs
     * @param espeakVoice  espeak-ng voice used to phonemise ({@code en-us})
     * @param phonemeType  how text becomes phonemes
     * @param numSymbols   size of the network's phoneme-id vocabulary; every mapped id is below it
     * @param numSpeakers  1 for single-speaker voices; a multi-speaker network takes a {@code sid} input
     * @param speakerIdMap speaker name to id, for multi-speaker voices
     * @param noiseScale   generator noise ({@code scales[0]})
     * @param lengthScale  phoneme duration factor, above 1 is slower ({@code scales[1]})
     * @param noiseW       phoneme width noise ({@code scales[2]})
     * @param phonemeIdMap phoneme (one code point, as a string) to its ids
     */
    public PiperVoiceConfig {
        Objects.requireNonNull(phonemeType, "phonemeType");
        speakerIdMap = Collections.unmodifiableMap(new LinkedHashMap<>(speakerIdMap));
        phonemeIdMap = Collections.unmodifiableMap(new LinkedHashMap<>(phonemeIdMap));
        if (sampleRateHz <= 0 || sampleRateHz > 384_000) {
            throw new IllegalArgumentException("audio.sample_rate must be 1..384000 Hz, was " + sampleRateHz);
        }
        if (numSymbols <= 0) {
            throw new IllegalArgumentException("num_symbols must be positive, was " + numSymbols);
        }
        if (numSpeakers <= 0) {
            throw new IllegalArgumentException("num_speakers must be positive, was " + numSpeakers);
        }
        for (String special : new String[] {PAD, BOS, EOS}) {
            long[] ids = phonemeIdMap.get(special);
            if (ids == null || ids.length == 0) {
                throw new IllegalArgumentException("phoneme_id_map must map '" + special + "' (Piper's "
                        + (special.equals(PAD) ? "pad" : special.equals(BOS) ? "BOS" : "EOS") + " symbol) to an id");
            }
        }
        for (Map.Entry<String, long[]> e : phonemeIdMap.entrySet()) {
            for (long id : e.getValue()) {
                if (id < 0 || id >= numSymbols) {
                    throw new IllegalArgumentException("phoneme_id_map['" + e.getKey() + "'] has id " + id
                            + ", outside 0.." + (numSymbols - 1) + " (num_symbols " + numSymbols + ")");
                }
            }
        }
        for (Map.Entry<String, Integer> e : speakerIdMap.entrySet()) {
            if (e.getValue() < 0 || e.getValue() >= numSpeakers) {
                throw new IllegalArgumentException("speaker_id_map['" + e.getKey() + "'] is " + e.getValue()
                        + ", outside 0.." + (numSpeakers - 1) + " (num_speakers " + numSpeakers + ")");
            }
        }
        checkScale("inference.noise_scale", noiseScale);
        checkScale("inference.length_scale", lengthScale);
        checkScale("inference.noise_w", noiseW);
        if (lengthScale == 0f) {
            throw new IllegalArgumentException("inference.length_scale must be above 0, was 0");
        }
    }

    static void checkScale(String name, float v) {
        if (!Float.isFinite(v) || v < 0f || v > 10f) {
            throw new IllegalArgumentException(name + " must be a number in 0..10, was " + v);
        }
    }

    /**
     * Reads a voice's {@code .onnx.json}.
     *
     * @param json the file
     * @return the config
     * @throws IOException if it cannot be read
     * @throws IllegalArgumentException if it is malformed (the message names the field)
     */
    public static PiperVoiceConfig load(Path json) throws IOException {
        if (!Files.isRegularFile(json)) {
            throw new java.io.FileNotFoundException("Piper voice config " + json + " does not exist");
        }
        try {
            return parse(Files.readString(json));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(json + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses the JSON text of a voice's {@code .onnx.json}.
     *
     * @param json the text
     * @return the config
     * @throws IllegalArgumentException if it is malformed (the message names the field)
     */
    public static PiperVoiceConfig parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Piper voice config is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("Piper voice config must be a JSON object");
        }
        JsonNode inference = root.path("inference");
        PhonemeType type = PhonemeType.parse(root.path("phoneme_type").asText("espeak"));
        Map<String, long[]> idMap = new LinkedHashMap<>();
        JsonNode map = required(root, "phoneme_id_map");
        if (!map.isObject()) {
            throw new IllegalArgumentException("phoneme_id_map must be an object of phoneme -> [id, ...]");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode arr = e.getValue();
            if (!arr.isArray() || arr.isEmpty()) {
                throw new IllegalArgumentException("phoneme_id_map['" + e.getKey() + "'] must be a non-empty array of "
                        + "ids, was " + arr);
            }
            long[] ids = new long[arr.size()];
            for (int i = 0; i < ids.length; i++) {
                if (!arr.get(i).canConvertToLong() || !arr.get(i).isIntegralNumber()) {
                    throw new IllegalArgumentException("phoneme_id_map['" + e.getKey() + "'] must hold integers, had "
                            + arr.get(i));
                }
                ids[i] = arr.get(i).asLong();
            }
            idMap.put(e.getKey(), ids);
        }
        Map<String, Integer> speakers = new LinkedHashMap<>();
        JsonNode sm = root.path("speaker_id_map");
        for (Iterator<Map.Entry<String, JsonNode>> it = sm.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isIntegralNumber()) {
                throw new IllegalArgumentException("speaker_id_map['" + e.getKey() + "'] must be an integer, was "
                        + e.getValue());
            }
            speakers.put(e.getKey(), e.getValue().asInt());
        }
        String voice = required(required(root, "espeak"), "voice", "espeak.voice").asText();
        return new PiperVoiceConfig(
                integer(required(required(root, "audio"), "sample_rate", "audio.sample_rate"), "audio.sample_rate"),
                voice, type,
                integer(required(root, "num_symbols"), "num_symbols"),
                integer(required(root, "num_speakers"), "num_speakers"),
                speakers,
                number(inference, "noise_scale", DEFAULT_NOISE_SCALE),
                number(inference, "length_scale", DEFAULT_LENGTH_SCALE),
                number(inference, "noise_w", DEFAULT_NOISE_W),
                idMap);
    }

    private static JsonNode required(JsonNode n, String field) {
        return required(n, field, field);
    }

    private static JsonNode required(JsonNode n, String field, String path) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("Piper voice config lacks required field '" + path + "'");
        }
        return v;
    }

    private static int integer(JsonNode v, String path) {
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new IllegalArgumentException(path + " must be an integer, was " + v);
        }
        return v.asInt();
    }

    private static float number(JsonNode inference, String field, float dflt) {
        JsonNode v = inference.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isNumber()) {
            throw new IllegalArgumentException("inference." + field + " must be a number, was " + v);
        }
        return v.floatValue();
    }

    /**
     * The speaker id for {@code speaker}: a name of {@link #speakerIdMap} or a number below {@link #numSpeakers}.
     *
     * @param speaker a name or a number
     * @return the id
     * @throws IllegalArgumentException naming the valid choices
     */
    public int speakerId(String speaker) {
        Integer byName = speakerIdMap.get(speaker);
        if (byName != null) {
            return byName;
        }
        try {
            int id = Integer.parseInt(speaker.strip());
            if (id >= 0 && id < numSpeakers) {
                return id;
            }
        } catch (NumberFormatException ignored) {
            // not a number: fall through to the error
        }
        throw new IllegalArgumentException("speaker '" + speaker + "' is not a speaker of this voice: expected a name"
                + (speakerIdMap.isEmpty() ? "" : " of " + speakerIdMap.keySet()) + " or an id in 0.." + (numSpeakers - 1));
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "PiperVoiceConfig[%d Hz, espeak %s, %s, %d symbols, %d speaker(s)]",
                sampleRateHz, espeakVoice, phonemeType.name().toLowerCase(Locale.ROOT), numSymbols, numSpeakers);
    }
}
