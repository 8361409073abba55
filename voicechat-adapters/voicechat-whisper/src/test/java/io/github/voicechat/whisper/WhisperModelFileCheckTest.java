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
 * {@link GgmlModelFile#check} on file types: whisper.cpp passes the header's ftype to ggml_ftype_to_ggml_type, which
 * aborts the process on a type that names no tensor type, so the check refuses those in Java (a JVM abort found by
 * WhisperModelFileFuzzTest, input {@code ftype-without-a-tensor-type}).
 */
class WhisperModelFileCheckTest {

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
}
