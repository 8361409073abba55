package io.github.voicechat.whisper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a whisper.cpp ggml model with Whisper's real vocabulary size and context lengths but a hidden size of 8,
 * so whisper.cpp loads it and runs its whole pipeline (mel spectrogram, encoder, decoder, token sampling, segment
 * building) in milliseconds. Every weight is zero except two: the decoder's final layer-norm bias {@code b} and the
 * token embedding of one chosen token {@code t}, both along the first axis. With zero blocks the decoder output is
 * exactly {@code b} whatever the audio, so the logits ({@code token_embedding x b}) are {@code logit} for
 * {@code t} and 0 for every other token: greedy decoding must pick {@code t} whenever it is allowed to pick text.
 * That makes the transcript predictable from the weights alone, which is what the adapter tests check.
 *
 * <p>Layout as whisper.cpp's {@code whisper_model_load} reads it (and {@code convert-pt-to-ggml.py} writes it):
 * magic, 11 int32 hyperparameters, an 80 x 201 mel filter table (zeros here), the vocabulary (the first tokens given
 * by the test; whisper.cpp names the rest itself), then each tensor as n_dims, name length, type (0 = f32), extents
 * (innermost first), name, data.
 */
final class TinyWhisperModel {

    static final int N_VOCAB = 51864;   // English-only vocabulary size: whisper.cpp derives special token ids from it
    static final int N_AUDIO_CTX = 1500; // 30 s of audio after the stride-2 convolution
    static final int N_STATE = 8;
    static final int N_HEAD = 1;
    static final int N_LAYER = 4;        // 4 layers: whisper.cpp reports it as a "tiny" model
    static final int N_TEXT_CTX = 64;    // at most 64/2 - 4 = 28 tokens per window
    static final int N_MELS = 80;

    private final List<String> vocab;
    private final int targetToken;
    private final float logit;

    /**
     * @param vocab       the first vocabulary entries (token 0 upwards), e.g. {@code " hello"}
     * @param targetToken the token the decoder favours
     * @param logit       its logit; every other token has 0
     */
    TinyWhisperModel(List<String> vocab, int targetToken, float logit) {
        this.vocab = List.copyOf(vocab);
        this.targetToken = targetToken;
        this.logit = logit;
    }

    void write(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            Out out = new Out(ch);
            out.i32(0x67676d6c);
            for (int v : new int[] {N_VOCAB, N_AUDIO_CTX, N_STATE, N_HEAD, N_LAYER, N_TEXT_CTX, N_STATE, N_HEAD,
                    N_LAYER, N_MELS, 1}) { // ftype 1: f16 matrices, as in the published models
                out.i32(v);
            }
            out.i32(N_MELS);
            out.i32(201);
            out.zeros(4L * N_MELS * 201);
            out.i32(vocab.size());
            for (String w : vocab) {
                byte[] b = w.getBytes(StandardCharsets.UTF_8);
                out.i32(b.length);
                out.bytes(b);
            }
            int s = N_STATE;
            out.zeroTensor("encoder.positional_embedding", s, N_AUDIO_CTX);
            out.zeroTensor("encoder.conv1.weight", 3, N_MELS, s);
            out.zeroTensor("encoder.conv1.bias", 1, s);
            out.zeroTensor("encoder.conv2.weight", 3, s, s);
            out.zeroTensor("encoder.conv2.bias", 1, s);
            out.zeroTensor("encoder.ln_post.weight", s);
            out.zeroTensor("encoder.ln_post.bias", s);
            for (int i = 0; i < N_LAYER; i++) {
                String p = "encoder.blocks." + i + ".";
                block(out, p, false);
            }
            out.zeroTensor("decoder.positional_embedding", s, N_TEXT_CTX);
            float[] te = new float[s * N_VOCAB];
            te[targetToken * s] = 1f; // token t's embedding: the first unit vector
            out.tensor("decoder.token_embedding.weight", te, s, N_VOCAB);
            out.zeroTensor("decoder.ln.weight", s);
            float[] lnBias = new float[s];
            lnBias[0] = logit;
            out.tensor("decoder.ln.bias", lnBias, s);
            for (int i = 0; i < N_LAYER; i++) {
                block(out, "decoder.blocks." + i + ".", true);
            }
            out.flush();
        }
    }

    private static void block(Out out, String p, boolean cross) throws IOException {
        int s = N_STATE;
        out.zeroTensor(p + "mlp_ln.weight", s);
        out.zeroTensor(p + "mlp_ln.bias", s);
        out.zeroTensor(p + "mlp.0.weight", s, 4 * s);
        out.zeroTensor(p + "mlp.0.bias", 4 * s);
        out.zeroTensor(p + "mlp.2.weight", 4 * s, s);
        out.zeroTensor(p + "mlp.2.bias", s);
        attention(out, p + "attn_ln", p + "attn");
        if (cross) {
            attention(out, p + "cross_attn_ln", p + "cross_attn");
        }
    }

    private static void attention(Out out, String ln, String attn) throws IOException {
        int s = N_STATE;
        out.zeroTensor(ln + ".weight", s);
        out.zeroTensor(ln + ".bias", s);
        out.zeroTensor(attn + ".query.weight", s, s);
        out.zeroTensor(attn + ".query.bias", s);
        out.zeroTensor(attn + ".key.weight", s, s);
        out.zeroTensor(attn + ".value.weight", s, s);
        out.zeroTensor(attn + ".value.bias", s);
        out.zeroTensor(attn + ".out.weight", s, s);
        out.zeroTensor(attn + ".out.bias", s);
    }

    private static final class Out {
        private final FileChannel ch;
        private final ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

        Out(FileChannel ch) {
            this.ch = ch;
        }

        void i32(int v) throws IOException {
            room(4);
            buf.putInt(v);
        }

        void bytes(byte[] b) throws IOException {
            for (byte x : b) {
                room(1);
                buf.put(x);
            }
        }

        void zeros(long n) throws IOException {
            for (long i = 0; i < n; i++) {
                room(1);
                buf.put((byte) 0);
            }
        }

        void header(String name, int type, int... ne) throws IOException {
            byte[] nb = name.getBytes(StandardCharsets.US_ASCII);
            i32(ne.length);
            i32(nb.length);
            i32(type);
            for (int e : ne) {
                i32(e);
            }
            bytes(nb);
        }

        /**
         * A zero tensor. Matrices (the ".weight"s with 2 or 3 dimensions) are f16 like in the published models:
         * whisper.cpp builds them with the model's ftype, and its convolution accepts only f16 kernels.
         */
        void zeroTensor(String name, int... ne) throws IOException {
            boolean f16 = isMatrix(name, ne);
            header(name, f16 ? 1 : 0, ne);
            long n = 1;
            for (int e : ne) {
                n *= e;
            }
            zeros((f16 ? 2 : 4) * n);
        }

        void tensor(String name, float[] data, int... ne) throws IOException {
            boolean f16 = isMatrix(name, ne);
            header(name, f16 ? 1 : 0, ne);
            for (float f : data) {
                if (f16) {
                    room(2);
                    buf.putShort(toHalf(f));
                } else {
                    room(4);
                    buf.putFloat(f);
                }
            }
        }

        /** IEEE half precision of a value in the normal f16 range (or zero); Java 17 has no Float.floatToFloat16. */
        static short toHalf(float f) {
            if (f == 0f) {
                return 0;
            }
            int bits = Float.floatToIntBits(f);
            int sign = (bits >>> 16) & 0x8000;
            int exp = ((bits >>> 23) & 0xff) - 127 + 15;
            if (exp <= 0 || exp >= 31) {
                throw new IllegalArgumentException(f + " is outside the normal f16 range");
            }
            int mantissa = (bits >>> 13) & 0x3ff;
            return (short) (sign | (exp << 10) | mantissa);
        }

        private static boolean isMatrix(String name, int[] ne) {
            return ne.length >= 2 && name.endsWith(".weight");
        }

        private void room(int n) throws IOException {
            if (buf.remaining() < n) {
                flush();
            }
        }

        void flush() throws IOException {
            buf.flip();
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            buf.clear();
        }
    }
}
