package io.github.voicechat.whisper.internal;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads and checks the structure of a whisper.cpp ggml model file in Java before whisper.cpp sees it.
 *
 * <p>whisper.cpp trusts its input: a file with the right magic but damaged hyperparameters makes ggml allocate
 * absurd tensors and abort the process, which would take the JVM with it. So the header, the mel filter table, the
 * vocabulary and every tensor record (name, shape, type, data length) are checked against the file size here, plus
 * two things whisper-jni 1.7.1's whisper.cpp aborts on (found with generated models): a vocabulary without the
 * single-space token (its blank suppression looks it up with {@code std::map::at}), and convolution kernels that are
 * not f16 (its {@code im2col} asserts f16).
 *
 * <p>Layout (all little-endian): magic {@code 0x67676d6c}; eleven int32 hyperparameters (n_vocab, n_audio_ctx,
 * n_audio_state, n_audio_head, n_audio_layer, n_text_ctx, n_text_state, n_text_head, n_text_layer, n_mels, ftype);
 * mel filters (int32 n_mel, int32 n_fft, n_mel*n_fft float32); vocabulary (int32 count, then per token a uint32
 * length and its bytes); tensors until the end (int32 n_dims, int32 name length, int32 type, n_dims int32 extents,
 * the name, the data).
 */
public final class GgmlModelFile {

    public static final int MAGIC = 0x67676d6c;

    /** The hyperparameters of a checked model file. */
    public record HParams(int nVocab, int nAudioCtx, int nAudioState, int nAudioHead, int nAudioLayer, int nTextCtx,
                          int nTextState, int nTextHead, int nTextLayer, int nMels, int ftype) {
        /** whisper.cpp's own rule: English-only vocabularies have 51864 tokens, multilingual ones more. */
        public boolean multilingual() {
            return nVocab >= 51865;
        }
    }

    private GgmlModelFile() {
    }

    /**
     * Checks the file's structure.
     *
     * @return its hyperparameters and tensor count
     * @throws IOException with a message naming the file, what was expected and what was found
     */
    public static Checked check(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Reader r = new Reader(ch, file);
            int magic = r.i32();
            if (magic != MAGIC) {
                throw r.bad(String.format("magic 0x%08x expected (a whisper.cpp ggml model, ggml-*.bin), found 0x%08x",
                        MAGIC, magic));
            }
            HParams h = new HParams(r.i32(), r.i32(), r.i32(), r.i32(), r.i32(), r.i32(), r.i32(), r.i32(), r.i32(),
                    r.i32(), r.i32());
            checkHParams(r, h);
            int nMel = r.i32();
            int nFft = r.i32();
            if (nMel != h.nMels() || nFft != 201) {
                throw r.bad("mel filter table of " + h.nMels() + " x 201 expected, found " + nMel + " x " + nFft);
            }
            r.skip(4L * nMel * nFft);
            int nTokens = r.i32();
            if (nTokens < 0 || nTokens > h.nVocab()) {
                throw r.bad("vocabulary of 0.." + h.nVocab() + " tokens expected, found " + nTokens);
            }
            boolean space = false;
            for (int i = 0; i < nTokens; i++) {
                int len = r.i32();
                if (len < 0 || len > 1024) {
                    throw r.bad("token " + i + " length 0..1024 expected, found " + len);
                }
                if (len == 1) {
                    space |= r.bytes(1)[0] == ' ';
                } else {
                    r.skip(len);
                }
            }
            if (!space) {
                throw r.bad("the vocabulary has no single-space token ' ' (every Whisper vocabulary has one;"
                        + " whisper.cpp aborts without it)");
            }
            int tensors = 0;
            while (r.remaining() > 0) {
                int nDims = r.i32();
                int nameLen = r.i32();
                int type = r.i32();
                if (nDims < 1 || nDims > 4 || nameLen < 1 || nameLen > 256) {
                    throw r.bad("tensor " + tensors + ": 1..4 dimensions and a name of 1..256 bytes expected, found "
                            + nDims + " and " + nameLen);
                }
                long elements = 1;
                for (int d = 0; d < nDims; d++) {
                    int ne = r.i32();
                    if (ne < 1 || ne > 1_000_000) {
                        throw r.bad("tensor " + tensors + " extent " + d + " must be 1..1000000, found " + ne);
                    }
                    elements *= ne;
                }
                String name = new String(r.bytes(nameLen), java.nio.charset.StandardCharsets.UTF_8);
                if (name.startsWith("encoder.conv") && name.endsWith(".weight") && type != 1) {
                    throw r.bad("tensor " + name + " must be f16 (ggml type 1), found type " + type
                            + "; whisper-jni 1.7.1's convolution accepts only f16 kernels");
                }
                long bytes = dataBytes(type, elements);
                if (bytes < 0) {
                    throw r.bad("tensor " + tensors + " has unknown ggml type " + type);
                }
                r.skip(bytes);
                tensors++;
            }
            return new Checked(h, tensors);
        }
    }

    /** A checked file: its hyperparameters and how many tensors it holds (0 means whisper.cpp's empty test model). */
    public record Checked(HParams hparams, int tensors) {
    }

    private static void checkHParams(Reader r, HParams h) throws IOException {
        // whisper.cpp derives the number of language tokens from n_vocab (n_vocab - 51765, one less if multilingual)
        // and names each one by whisper_lang_str, which knows 100 languages and returns NULL past them: a larger
        // n_vocab makes its loader build a std::string from NULL, and the uncaught std::logic_error terminates the
        // process (found by WhisperModelFileFuzzTest at n_vocab 51869). 51864 is English-only, 51865 the multilingual
        // v1/v2 models (99 languages), 51866 large-v3 (100 languages).
        if (h.nVocab() < 51864 || h.nVocab() > 51866) {
            throw r.bad("n_vocab 51864..51866 expected (English-only 51864, multilingual 51865 or 51866; whisper.cpp"
                    + " knows no more than 100 languages), found " + h.nVocab());
        }
        range(r, "n_audio_ctx", h.nAudioCtx(), 1, 1500);
        range(r, "n_audio_state", h.nAudioState(), 1, 4096);
        range(r, "n_audio_head", h.nAudioHead(), 1, 64);
        range(r, "n_audio_layer", h.nAudioLayer(), 1, 64);
        range(r, "n_text_ctx", h.nTextCtx(), 8, 448);
        range(r, "n_text_state", h.nTextState(), 1, 4096);
        range(r, "n_text_head", h.nTextHead(), 1, 64);
        range(r, "n_text_layer", h.nTextLayer(), 1, 64);
        if (h.nMels() != 80 && h.nMels() != 128) {
            throw r.bad("n_mels 80 or 128 expected, found " + h.nMels());
        }
        if (h.nAudioState() != h.nTextState()) {
            throw r.bad("n_audio_state == n_text_state expected, found " + h.nAudioState() + " and " + h.nTextState());
        }
        if (h.nAudioState() % h.nAudioHead() != 0 || h.nTextState() % h.nTextHead() != 0) {
            throw r.bad("state sizes divisible by head counts expected, found " + h.nAudioState() + "/"
                    + h.nAudioHead() + " and " + h.nTextState() + "/" + h.nTextHead());
        }
        int ftype = h.ftype() % 1000; // GGML_QNT_VERSION_FACTOR
        // ggml_ftype_to_ggml_type aborts the process (GGML_ASSERT) on a file type that names no tensor type: 4
        // (Q4_1 with some F16) and 5, 6 (retired Q4_2, Q4_3) lie inside 0..20 (found by WhisperModelFileFuzzTest).
        if (ftype < 0 || ftype > 20 || (ftype >= 4 && ftype <= 6)) {
            throw r.bad("ftype 0..3 or 7..20 expected, found " + h.ftype());
        }
    }

    private static void range(Reader r, String name, int v, int min, int max) throws IOException {
        if (v < min || v > max) {
            throw r.bad(name + " " + min + ".." + max + " expected, found " + v);
        }
    }

    /**
     * Bytes of a tensor's data: ggml type sizes (f32, f16 and the block-quantised types whisper.cpp writes), or -1 for
     * a type it does not know.
     */
    public static long dataBytes(int type, long elements) {
        switch (type) {
            case 0: return elements * 4;                // F32
            case 1: return elements * 2;                // F16
            case 2: return blocks(elements, 32) * 18;   // Q4_0
            case 3: return blocks(elements, 32) * 20;   // Q4_1
            case 6: return blocks(elements, 32) * 22;   // Q5_0
            case 7: return blocks(elements, 32) * 24;   // Q5_1
            case 8: return blocks(elements, 32) * 34;   // Q8_0
            case 10: return blocks(elements, 256) * 84; // Q2_K
            case 11: return blocks(elements, 256) * 110; // Q3_K
            case 12: return blocks(elements, 256) * 144; // Q4_K
            case 13: return blocks(elements, 256) * 176; // Q5_K
            case 14: return blocks(elements, 256) * 210; // Q6_K
            default: return -1;
        }
    }

    private static long blocks(long elements, int block) {
        return (elements + block - 1) / block;
    }

    private static final class Reader {
        private final FileChannel ch;
        private final Path file;
        private final long size;
        private final ByteBuffer buf = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);

        Reader(FileChannel ch, Path file) throws IOException {
            this.ch = ch;
            this.file = file;
            this.size = ch.size();
        }

        int i32() throws IOException {
            buf.clear();
            while (buf.hasRemaining()) {
                if (ch.read(buf) < 0) {
                    throw new EOFException("model file " + file + " is truncated at byte " + ch.position()
                            + " of " + size + " (4 more bytes expected)");
                }
            }
            return buf.flip().getInt();
        }

        byte[] bytes(int n) throws IOException {
            if (n > size - ch.position()) {
                throw new EOFException("model file " + file + " is truncated: " + n + " bytes expected at byte "
                        + ch.position() + ", but the file has " + size + " bytes");
            }
            ByteBuffer b = ByteBuffer.allocate(n);
            while (b.hasRemaining()) {
                if (ch.read(b) < 0) {
                    throw new EOFException("model file " + file + " is truncated at byte " + ch.position());
                }
            }
            return b.array();
        }

        void skip(long n) throws IOException {
            long pos = ch.position();
            if (n > size - pos) {
                throw new EOFException("model file " + file + " is truncated: " + n + " bytes expected at byte "
                        + pos + ", but the file has " + size + " bytes");
            }
            ch.position(pos + n);
        }

        long remaining() throws IOException {
            return size - ch.position();
        }

        IOException bad(String what) throws IOException {
            return new IOException("model file " + file + " is not a usable whisper.cpp model: " + what
                    + " (at byte " + ch.position() + ")");
        }
    }
}
