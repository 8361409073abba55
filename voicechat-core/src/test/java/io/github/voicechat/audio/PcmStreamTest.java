package io.github.voicechat.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link AudioSources#pcm16} and {@link AudioSinks#pcm16}: raw little-endian PCM16 over a stream (a socket, a pipe). */
class PcmStreamTest {

    private static byte[] le(short... samples) {
        byte[] b = new byte[2 * samples.length];
        for (int i = 0; i < samples.length; i++) {
            b[2 * i] = (byte) samples[i];
            b[2 * i + 1] = (byte) (samples[i] >> 8);
        }
        return b;
    }

    @Test
    void readsLittleEndianSamplesThenTheEnd() throws IOException {
        try (AudioSource src = AudioSources.pcm16(new ByteArrayInputStream(le((short) 0, (short) 16384,
                (short) -32768, (short) 32767)), 16_000)) {
            assertThat(src.sampleRateHz()).isEqualTo(16_000);
            assertThat(src.isRealtime()).isFalse();
            float[] buf = new float[8];
            assertThat(src.read(buf, 2, 8 - 2)).isEqualTo(4);
            assertThat(buf).startsWith(0f, 0f, 0f, 0.5f, -1f, 32767 / 32768f);
            assertThat(src.read(buf, 0, 8)).isEqualTo(-1);
        }
    }

    /** TCP may split a sample between two reads: the source never returns half a sample. */
    @Test
    void aSampleSplitAcrossTwoChunksIsReadWhole() throws Exception {
        byte[] bytes = le((short) 1000, (short) -2000, (short) 3000);
        InputStream oneByteAtATime = new InputStream() {
            private int next;

            @Override
            public int read() {
                return next < bytes.length ? bytes[next++] & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (next >= bytes.length) {
                    return -1;
                }
                if (len == 0) {
                    return 0;
                }
                b[off] = bytes[next++];
                return 1;
            }
        };
        try (AudioSource src = AudioSources.pcm16(oneByteAtATime, 8_000)) {
            float[] buf = new float[3];
            int got = 0;
            int n;
            while ((n = src.read(buf, got, buf.length - got)) > 0) {
                assertThat(n).isEqualTo(1);
                got += n;
            }
            assertThat(got).isEqualTo(3);
            assertThat(buf).containsExactly(1000 / 32768f, -2000 / 32768f, 3000 / 32768f);
        }
    }

    @Test
    void aStreamEndingInsideASampleIsAnError() throws IOException {
        byte[] truncated = {0x10, 0x20, 0x30};
        try (AudioSource src = AudioSources.pcm16(new ByteArrayInputStream(truncated), 16_000)) {
            float[] buf = new float[4];
            assertThatThrownBy(() -> {
                int got = 0;
                while (got >= 0) {
                    got = src.read(buf, 0, buf.length);
                }
            }).isInstanceOf(IOException.class).hasMessageContaining("ended in the middle of a sample");
        }
    }

    @Test
    void readBlocksUntilTheWriterSendsAndEndsWhenItCloses() throws Exception {
        PipedOutputStream writer = new PipedOutputStream();
        PipedInputStream reader = new PipedInputStream(writer, 64);
        try (AudioSource src = AudioSources.pcm16(reader, 16_000)) {
            float[] buf = new float[4];
            CompletableFuture<Integer> first = CompletableFuture.supplyAsync(() -> {
                try {
                    return src.read(buf, 0, buf.length);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, runnable -> new Thread(runnable, "pcm-reader").start());
            assertThat(first).isNotDone();
            writer.write(le((short) 8192, (short) -8192));
            writer.flush();
            assertThat(first.get(1, TimeUnit.MINUTES)).isEqualTo(2);
            assertThat(buf).startsWith(0.25f, -0.25f);
            writer.close();
            assertThat(src.read(buf, 0, buf.length)).isEqualTo(-1);
        }
    }

    @Test
    void closingTheSourceClosesTheStream() throws IOException {
        boolean[] closed = {false};
        InputStream in = new ByteArrayInputStream(new byte[0]) {
            @Override
            public void close() {
                closed[0] = true;
            }
        };
        AudioSources.pcm16(in, 16_000).close();
        assertThat(closed[0]).isTrue();
    }

    @Test
    void aRateNoStreamCanHaveIsRefusedUpFront() {
        assertThatThrownBy(() -> AudioSources.pcm16(new ByteArrayInputStream(new byte[0]), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sample rate");
        assertThatThrownBy(() -> AudioSinks.pcm16(new ByteArrayOutputStream(), -16_000))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sample rate");
    }

    @Test
    void theSinkWritesWhatTheSourceReadsBack() throws IOException {
        float[] samples = {0f, 0.25f, -0.5f, 0.999f, -1f};
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (AudioSink sink = AudioSinks.pcm16(bytes, 24_000)) {
            assertThat(sink.sampleRateHz()).isEqualTo(24_000);
            sink.write(samples, 1, 4);
        }
        assertThat(bytes.size()).isEqualTo(8);
        try (AudioSource src = AudioSources.pcm16(new ByteArrayInputStream(bytes.toByteArray()), 24_000)) {
            float[] back = new float[4];
            assertThat(src.read(back, 0, 4)).isEqualTo(4);
            for (int i = 0; i < 4; i++) {
                assertThat(back[i]).isEqualTo(Pcm.toFloat(Pcm.toPcm16(samples[i + 1])));
            }
        }
    }
}
