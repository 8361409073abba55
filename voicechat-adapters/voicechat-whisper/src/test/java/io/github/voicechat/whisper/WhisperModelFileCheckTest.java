package io.github.voicechat.whisper;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.voicechat.whisper.internal.GgmlModelFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link GgmlModelFile#check} on header fields that abort whisper.cpp's process, each a JVM abort found by
 * WhisperModelFileFuzzTest and refused in Java since:
 * <ul>
 *   <li>file types: whisper.cpp passes the header's ftype to ggml_ftype_to_ggml_type, which aborts on a type that
 *       names no tensor type (input {@code ftype-without-a-tensor-type});</li>
 *   <li>vocabulary sizes: whisper.cpp counts its language tokens from n_vocab and names each with whisper_lang_str,
 *       which returns NULL past its 100 languages; building a std::string from it throws std::logic_error out of the
 *       loader, and the process terminates (input {@code n-vocab-with-more-languages-than-whisper-knows}).</li>
 * </ul>
 */
class WhisperModelFileCheckTest {

    private static final int N_VOCAB_OFFSET = 4; // magic, then the first int32 hyperparameter
    private static final int FTYPE_OFFSET = 4 + 4 * 10; // magic, then the 11th int32 hyperparameter

    @Test
    void fileTypesWithoutATensorTypeAreRefusedNamingTheFile(@TempDir Path tmp) throws IOException {
        Path file = tmp.resolve("ggml-ftype.bin");
        new TinyWhisperModel(List.of(" hello", " world", " "), 0, 30f).write(file);
        assertThatCode(() -> GgmlModelFile.check(file)).doesNotThrowAnyException();
        byte[] pristine = Files.readAllBytes(file);
        for (int ftype : new int[] {4, 5, 6, 1004, 2006, -1, 21}) {
            byte[] b = pristine.clone();
            ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(FTYPE_OFFSET, ftype);
            Files.write(file, b);
            assertThatThrownBy(() -> GgmlModelFile.check(file)).as("ftype %d", ftype)
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining(file.toString())
                    .hasMessageContaining("ftype");
        }
    }

    @Test
    void vocabularySizesWithLanguagesWhisperCppDoesNotKnowAreRefusedNamingTheFile(@TempDir Path tmp)
            throws IOException {
        Path file = tmp.resolve("ggml-n-vocab.bin");
        new TinyWhisperModel(List.of(" hello", " world", " "), 0, 30f).write(file);
        byte[] pristine = Files.readAllBytes(file);
        // English-only, multilingual v1/v2 (99 languages), large-v3 (100): the sizes of the published models.
        for (int nVocab : new int[] {51864, 51865, 51866}) {
            Files.write(file, withInt(pristine, N_VOCAB_OFFSET, nVocab));
            assertThatCode(() -> GgmlModelFile.check(file)).as("n_vocab %d", nVocab).doesNotThrowAnyException();
        }
        // 51867 would be a 101st language; 51869 is the fuzzer's input; the rest the old bound's edge and beyond.
        for (int nVocab : new int[] {51867, 51869, 51966, 51967, 51863, 0, -1, Integer.MAX_VALUE}) {
            Files.write(file, withInt(pristine, N_VOCAB_OFFSET, nVocab));
            assertThatThrownBy(() -> GgmlModelFile.check(file)).as("n_vocab %d", nVocab)
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining(file.toString())
                    .hasMessageContaining("n_vocab 51864..51866 expected")
                    .hasMessageContaining("found " + nVocab);
        }
    }

    private static byte[] withInt(byte[] pristine, int offset, int value) {
        byte[] b = pristine.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(offset, value);
        return b;
    }
}
