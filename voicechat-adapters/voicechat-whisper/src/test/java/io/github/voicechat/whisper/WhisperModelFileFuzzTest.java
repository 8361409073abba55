package io.github.voicechat.whisper;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.voicechat.spi.EngineException;
import io.github.voicechat.whisper.internal.GgmlModelFile;
import io.github.voicechat.whisper.internal.NativeWhisper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

/**
 * Damaged whisper.cpp model files into {@link GgmlModelFile#check} and, when it lets one through, into whisper.cpp
 * itself ({@link WhisperModel#load}, then a transcription of a second of silence).
 *
 * <p>Each input is a list of edits to a valid {@link TinyWhisperModel} file (1.2 MB, too big to mutate byte by byte):
 * hyperparameters, the mel table's size, the vocabulary's count and token lengths, tensor headers (dimensions, name
 * length, type, extents, name bytes), raw bytes anywhere, a truncation. whisper.cpp trusts its input, and a file it
 * misreads makes ggml abort the process, so what must hold is: the check refuses with an {@link IOException} naming
 * the file, or whisper.cpp loads and runs the file, or refuses it with an {@link EngineException}; the JVM never
 * dies. A file whose structure (everything but the weights) was already loaded in this run is not loaded again, so
 * native time goes to new structures. Regression inputs: {@code WhisperModelFileFuzzTestInputs/}; fuzzing:
 * benchmarks/FUZZING.md.
 */
class WhisperModelFileFuzzTest {

    private static Path dir;
    private static Path file;
    private static byte[] pristine;
    /** Offsets of the structural int32 fields of the pristine file, by kind. */
    private static final List<Integer> HPARAMS = new ArrayList<>();
    private static final List<Integer> VOCAB = new ArrayList<>();
    private static final List<Integer> TENSOR_FIELDS = new ArrayList<>();
    private static final List<Integer> TENSOR_NAMES = new ArrayList<>();
    private static final Set<String> LOADED_STRUCTURES = new HashSet<>();

    @BeforeAll
    static void writeModel() throws IOException {
        Assumptions.assumeTrue(NativeWhisper.unavailableReason().isEmpty(),
                () -> "whisper.cpp is not available here: " + NativeWhisper.unavailableReason().orElse(""));
        Path shm = Path.of("/dev/shm");
        dir = Files.createTempDirectory(Files.isDirectory(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir")),
                "whisper-fuzz");
        file = dir.resolve("ggml-fuzz.bin");
        new TinyWhisperModel(List.of(" hello", " world", " "), 0, 30f).write(file);
        pristine = Files.readAllBytes(file);
        map(pristine);
    }

    @AfterAll
    static void deleteModel() throws IOException {
        if (dir != null) {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }

    @FuzzTest(maxDuration = "10m")
    void checkRefusesWhatWhisperCppCannotLoad(FuzzedDataProvider data) throws IOException {
        byte[] model = edit(data);
        Files.write(file, model);
        try {
            GgmlModelFile.check(file);
        } catch (IOException refused) {
            if (refused.getMessage() == null || !refused.getMessage().contains(file.toString())) {
                throw new AssertionError("refusal does not name the file: " + refused.getMessage(), refused);
            }
            return;
        }
        if (!LOADED_STRUCTURES.add(structure(model))) {
            return;
        }
        WhisperModel loaded;
        try {
            loaded = WhisperModel.load("whisper-fuzz", file, false);
        } catch (EngineException refused) {
            return;
        }
        try {
            loaded.warmUp();
        } catch (EngineException refused) {
            // whisper.cpp reported an error for this model: a clear refusal, and the JVM lives
        } finally {
            loaded.close();
        }
    }

    private static byte[] edit(FuzzedDataProvider data) {
        byte[] b = pristine.clone();
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int edits = data.consumeInt(1, 6);
        for (int i = 0; i < edits && data.remainingBytes() > 0; i++) {
            switch (data.consumeInt(0, 6)) {
                // After a truncation, a field may lie past the end: the edit then falls on nothing.
                case 0, 1 -> putInt(buf, data.pickValue(HPARAMS), value(data));
                case 2 -> putInt(buf, data.pickValue(VOCAB), value(data));
                case 3 -> putInt(buf, data.pickValue(TENSOR_FIELDS), value(data));
                case 4 -> {
                    int at = data.pickValue(TENSOR_NAMES);
                    byte v = data.consumeByte();
                    if (at < b.length) {
                        b[at] = v;
                    }
                }
                case 5 -> {
                    if (b.length == 0) {
                        continue;
                    }
                    int at = data.consumeInt(0, b.length - 1);
                    byte[] raw = data.consumeBytes(16);
                    System.arraycopy(raw, 0, b, at, Math.min(raw.length, b.length - at));
                }
                default -> b = Arrays.copyOf(b, data.consumeInt(0, b.length));
            }
            if (b.length != buf.capacity()) {
                buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
            }
        }
        return b;
    }

    private static void putInt(ByteBuffer buf, int at, int value) {
        if (at + 4 <= buf.capacity()) {
            buf.putInt(at, value);
        }
    }

    /** Small numbers, the limits the check knows, powers of two, or anything. */
    private static int value(FuzzedDataProvider data) {
        return switch (data.consumeInt(0, 3)) {
            case 0 -> data.consumeInt(-2, 130);
            case 1 -> data.pickValue(new int[] {0, 1, 2, 8, 16, 64, 80, 128, 201, 448, 1500, 4096, 51864, 51865,
                51866, 1_000_000, Integer.MAX_VALUE, Integer.MIN_VALUE});
            case 2 -> 1 << data.consumeInt(0, 30);
            default -> data.consumeInt();
        };
    }

    /** Records where the structural fields of the pristine file are. */
    private static void map(byte[] b) {
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 11; i++) {
            HPARAMS.add(4 + 4 * i);
        }
        HPARAMS.add(48); // n_mel of the filter table
        HPARAMS.add(52); // n_fft
        int at = 56 + 4 * buf.getInt(48) * buf.getInt(52);
        VOCAB.add(at);
        int tokens = buf.getInt(at);
        at += 4;
        for (int i = 0; i < tokens; i++) {
            VOCAB.add(at);
            at += 4 + buf.getInt(at);
        }
        while (at < b.length) {
            int nDims = buf.getInt(at);
            int nameLen = buf.getInt(at + 4);
            int type = buf.getInt(at + 8);
            long elements = 1;
            for (int f = 0; f < 3 + nDims; f++) {
                TENSOR_FIELDS.add(at + 4 * f);
            }
            for (int d = 0; d < nDims; d++) {
                elements *= buf.getInt(at + 12 + 4 * d);
            }
            int name = at + 12 + 4 * nDims;
            for (int k = 0; k < nameLen; k++) {
                TENSOR_NAMES.add(name + k);
            }
            at = name + nameLen + (int) (elements * (type == 1 ? 2 : 4));
        }
    }

    /** A digest of everything but the tensors' data: files that differ only in weights load alike. */
    private static String structure(byte[] b) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int at = 56 + 4 * buf.getInt(48) * buf.getInt(52);
        sha.update(b, 0, 56);
        int tokens = buf.getInt(at);
        int vocabStart = at;
        at += 4;
        for (int i = 0; i < tokens; i++) {
            at += 4 + buf.getInt(at);
        }
        sha.update(b, vocabStart, at - vocabStart);
        while (at < b.length) {
            int nDims = buf.getInt(at);
            int nameLen = buf.getInt(at + 4);
            int type = buf.getInt(at + 8);
            long elements = 1;
            for (int d = 0; d < nDims; d++) {
                elements *= buf.getInt(at + 12 + 4 * d);
            }
            int header = 12 + 4 * nDims + nameLen;
            sha.update(b, at, header);
            at += header + (int) GgmlModelFile.dataBytes(type, elements);
        }
        sha.update(ByteBuffer.allocate(8).putLong(b.length).array());
        return java.util.HexFormat.of().formatHex(sha.digest());
    }
}
