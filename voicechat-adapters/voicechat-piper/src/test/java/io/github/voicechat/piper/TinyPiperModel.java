package io.github.voicechat.piper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Writes a tiny ONNX network with Piper's interface, encoded by hand in protobuf (no ONNX library needed): inputs
 * {@code input} int64 [1, N], {@code input_lengths} int64 [1], {@code scales} float [3] and optionally {@code sid}
 * int64 [1]; output {@code output} float [1, 1, N * K] with {@code K = (int) (100 * length_scale)}. Every id is
 * held for K samples at the value {@code id * noise_scale * 0.001 + noise_w * 0.0001 (+ sid * 0.01)}, so a test
 * can read back from the audio exactly which ids and scales reached the network. {@code input_lengths} sets the
 * expanded length, so a wrong length makes ONNX Runtime fail.
 */
final class TinyPiperModel {
    static final float SAMPLES_PER_ID_AT_SCALE_1 = 100f;

    private TinyPiperModel() {
    }

    /** The value the network outputs for one id. */
    static float value(long id, float noiseScale, float noiseW, int sid, boolean multiSpeaker) {
        float v = (float) id;
        v = v * noiseScale;
        v = v * 0.001f;
        v = v + noiseW * 0.0001f;
        if (multiSpeaker) {
            v = v + ((float) sid) * 0.01f;
        }
        return v;
    }

    static int samplesPerId(float lengthScale) {
        return (int) (lengthScale * SAMPLES_PER_ID_AT_SCALE_1);
    }

    /** Writes {@code <dir>/<name>.onnx} and {@code <dir>/<name>.onnx.json}; returns the .onnx path. */
    static Path write(Path dir, String name, boolean multiSpeaker, int sampleRateHz) throws IOException {
        Path onnx = dir.resolve(name + ".onnx");
        Files.write(onnx, model(multiSpeaker, List.of("input", "input_lengths", "scales")));
        Files.writeString(dir.resolve(name + ".onnx.json"), voiceJson(multiSpeaker, sampleRateHz, "en-us"));
        return onnx;
    }

    /** A voice JSON in the documented format with piper-phonemize's default phoneme id map. */
    static String voiceJson(boolean multiSpeaker, int sampleRateHz, String espeakVoice) {
        String ids = DEFAULT_ID_MAP.entrySet().stream()
                .map(e -> "\"" + jsonEscape(e.getKey()) + "\": [" + e.getValue() + "]")
                .collect(Collectors.joining(",\n    "));
        return "{\n"
                + "  \"audio\": {\"sample_rate\": " + sampleRateHz + ", \"quality\": \"medium\"},\n"
                + "  \"espeak\": {\"voice\": \"" + espeakVoice + "\"},\n"
                + "  \"inference\": {\"noise_scale\": 0.667, \"length_scale\": 1, \"noise_w\": 0.8},\n"
                + "  \"phoneme_type\": \"espeak\",\n"
                + "  \"phoneme_map\": {},\n"
                + "  \"num_symbols\": 256,\n"
                + "  \"num_speakers\": " + (multiSpeaker ? 2 : 1) + ",\n"
                + "  \"speaker_id_map\": " + (multiSpeaker ? "{\"alice\": 0, \"bob\": 1}" : "{}") + ",\n"
                + "  \"piper_version\": \"1.0.0\",\n"
                + "  \"phoneme_id_map\": {\n    " + ids + "\n  }\n"
                + "}\n";
    }

    static String jsonEscape(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7e) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** piper-phonemize's DEFAULT_PHONEME_ID_MAP (src/phoneme_ids.hpp), ids 0..158, in its order. */
    static final Map<String, Integer> DEFAULT_ID_MAP;

    static {
        String symbols = "_^$ !'(),-.:;?abcdefhijklmnopqrstuvwxyzæçðøħŋœǀǁǂǃɐɑɒɓɔɕɖɗɘəɚɛɜɞɟɠɡɢɣɤɥɦɧɨɪɫɬɭɮɯɰɱɲɳɴɵɶɸɹɺɻɽɾʀʁʂʃʄʈʉʊʋʌʍʎʏʐʑʒʔʕʘʙʛʜʝʟʡʢʲˈˌːˑ˞βθχᵻⱱ"
                + "0123456789\u0327\u0303\u032a\u032f\u0329ʰˤε↓#\"↑\u033a\u033bgʦX\u031d\u030a";
        Map<String, Integer> m = new java.util.LinkedHashMap<>();
        int id = 0;
        for (int i = 0; i < symbols.length(); ) {
            int cp = symbols.codePointAt(i);
            m.put(new String(Character.toChars(cp)), id++);
            i += Character.charCount(cp);
        }
        if (id != 159) {
            throw new AssertionError("default map must have 159 symbols, has " + id);
        }
        DEFAULT_ID_MAP = java.util.Collections.unmodifiableMap(m);
    }

    // ---- ONNX graph -------------------------------------------------------------------------------------------

    private static final int FLOAT = 1;
    private static final int INT64 = 7;

    /** The serialised ModelProto; {@code inputNames} lets a test build a network with the wrong interface. */
    static byte[] model(boolean multiSpeaker, List<String> inputNames) {
        String in = inputNames.get(0);
        String lengths = inputNames.get(1);
        String scales = inputNames.get(2);
        List<byte[]> nodes = new ArrayList<>();
        List<byte[]> inits = new ArrayList<>();
        inits.add(int64Tensor("shape_1n1", new long[] {3}, 1, -1, 1));
        inits.add(int64Tensor("shape_11n", new long[] {3}, 1, 1, -1));
        inits.add(int64Tensor("shape_1", new long[] {1}, 1));
        inits.add(int64Tensor("one", new long[] {1}, 1));
        inits.add(int64Tensor("i0", new long[] {}, 0));
        inits.add(int64Tensor("i1", new long[] {}, 1));
        inits.add(int64Tensor("i2", new long[] {}, 2));
        inits.add(floatTensor("k0", SAMPLES_PER_ID_AT_SCALE_1));
        inits.add(floatTensor("c_milli", 0.001f));
        inits.add(floatTensor("c_tenth_milli", 0.0001f));
        inits.add(floatTensor("c_centi", 0.01f));
        nodes.add(node("Reshape", List.of(in, "shape_1n1"), "ids3"));
        nodes.add(node("Cast", List.of("ids3"), "idsF", intAttr("to", FLOAT)));
        nodes.add(node("Gather", List.of(scales, "i0"), "ns"));
        nodes.add(node("Gather", List.of(scales, "i1"), "ls"));
        nodes.add(node("Gather", List.of(scales, "i2"), "nw"));
        nodes.add(node("Mul", List.of("idsF", "ns"), "v1"));
        nodes.add(node("Mul", List.of("v1", "c_milli"), "v2"));
        nodes.add(node("Mul", List.of("nw", "c_tenth_milli"), "nwS"));
        nodes.add(node("Add", List.of("v2", "nwS"), "v3"));
        String value = "v3";
        if (multiSpeaker) {
            nodes.add(node("Cast", List.of("sid"), "sidF", intAttr("to", FLOAT)));
            nodes.add(node("Mul", List.of("sidF", "c_centi"), "sidS"));
            nodes.add(node("Add", List.of("v3", "sidS"), "v4"));
            value = "v4";
        }
        nodes.add(node("Mul", List.of("ls", "k0"), "kF"));
        nodes.add(node("Cast", List.of("kF"), "kI", intAttr("to", INT64)));
        nodes.add(node("Reshape", List.of("kI", "shape_1"), "k1"));
        nodes.add(node("Concat", List.of("one", lengths, "k1"), "eshape", intAttr("axis", 0)));
        nodes.add(node("Expand", List.of(value, "eshape"), "expanded"));
        nodes.add(node("Reshape", List.of("expanded", "shape_11n"), "output"));

        ByteArrayOutputStream graph = new ByteArrayOutputStream();
        for (byte[] n : nodes) {
            field(graph, 1, n);
        }
        field(graph, 2, "tiny_piper".getBytes(StandardCharsets.UTF_8));
        for (byte[] t : inits) {
            field(graph, 5, t);
        }
        field(graph, 11, valueInfo(in, INT64, 1L, "phonemes"));
        field(graph, 11, valueInfo(lengths, INT64, 1L));
        field(graph, 11, valueInfo(scales, FLOAT, 3L));
        if (multiSpeaker) {
            field(graph, 11, valueInfo("sid", INT64, 1L));
        }
        field(graph, 12, valueInfo("output", FLOAT, 1L, 1L, "time"));

        ByteArrayOutputStream opset = new ByteArrayOutputStream();
        field(opset, 1, new byte[0]);
        varintField(opset, 2, 13);

        ByteArrayOutputStream model = new ByteArrayOutputStream();
        varintField(model, 1, 8); // ir_version
        field(model, 2, "voicechat-test".getBytes(StandardCharsets.UTF_8));
        field(model, 7, graph.toByteArray());
        field(model, 8, opset.toByteArray());
        return model.toByteArray();
    }

    private static byte[] node(String op, List<String> inputs, String output, byte[]... attributes) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (String i : inputs) {
            field(b, 1, i.getBytes(StandardCharsets.UTF_8));
        }
        field(b, 2, output.getBytes(StandardCharsets.UTF_8));
        field(b, 3, (op + "_" + output).getBytes(StandardCharsets.UTF_8));
        field(b, 4, op.getBytes(StandardCharsets.UTF_8));
        for (byte[] a : attributes) {
            field(b, 5, a);
        }
        return b.toByteArray();
    }

    private static byte[] intAttr(String name, long value) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        field(b, 1, name.getBytes(StandardCharsets.UTF_8));
        varintField(b, 3, value);
        varintField(b, 20, 2); // AttributeType INT
        return b.toByteArray();
    }

    private static byte[] int64Tensor(String name, long[] dims, long... values) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (long d : dims) {
            varintField(b, 1, d);
        }
        varintField(b, 2, INT64);
        ByteArrayOutputStream packed = new ByteArrayOutputStream();
        for (long v : values) {
            varint(packed, v);
        }
        field(b, 7, packed.toByteArray());
        field(b, 8, name.getBytes(StandardCharsets.UTF_8));
        return b.toByteArray();
    }

    /** A float scalar. */
    private static byte[] floatTensor(String name, float value) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        varintField(b, 2, FLOAT);
        int bits = Float.floatToIntBits(value);
        field(b, 4, new byte[] {(byte) bits, (byte) (bits >>> 8), (byte) (bits >>> 16), (byte) (bits >>> 24)});
        field(b, 8, name.getBytes(StandardCharsets.UTF_8));
        return b.toByteArray();
    }

    /** A tensor ValueInfoProto; each dim is a Long (dim_value) or a String (dim_param). */
    private static byte[] valueInfo(String name, int elemType, Object... dims) {
        ByteArrayOutputStream shape = new ByteArrayOutputStream();
        for (Object d : dims) {
            ByteArrayOutputStream dim = new ByteArrayOutputStream();
            if (d instanceof Long v) {
                varintField(dim, 1, v);
            } else {
                field(dim, 2, d.toString().getBytes(StandardCharsets.UTF_8));
            }
            field(shape, 1, dim.toByteArray());
        }
        ByteArrayOutputStream tensor = new ByteArrayOutputStream();
        varintField(tensor, 1, elemType);
        field(tensor, 2, shape.toByteArray());
        ByteArrayOutputStream type = new ByteArrayOutputStream();
        field(type, 1, tensor.toByteArray());
        ByteArrayOutputStream vi = new ByteArrayOutputStream();
        field(vi, 1, name.getBytes(StandardCharsets.UTF_8));
        field(vi, 2, type.toByteArray());
        return vi.toByteArray();
    }

    // ---- protobuf wire format -------------------------------------------------------------------------------------

    private static void field(ByteArrayOutputStream out, int number, byte[] bytes) {
        varint(out, ((long) number << 3) | 2);
        varint(out, bytes.length);
        out.writeBytes(bytes);
    }

    private static void varintField(ByteArrayOutputStream out, int number, long value) {
        varint(out, (long) number << 3);
        varint(out, value);
    }

    private static void varint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }
}
