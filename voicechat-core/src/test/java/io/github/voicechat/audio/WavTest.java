package io.github.voicechat.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link WavReader}, {@link WavWriter} and {@link AudioData}: exact round trips, streaming, downmix, and every
 * malformed header refused with its exact message. Test files are built byte by byte with {@link Riff}.
 */
class WavTest {

    private static final int PCM = 1;
    private static final int FLOAT = 3;
    private static final int EXTENSIBLE = 0xFFFE;
    private static final float PCM16_STEP = 1f / 32768;

    @TempDir
    Path dir;

    // ---------------------------------------------------------------- byte-level helpers

    /** Builds a RIFF file chunk by chunk, little-endian. */
    static final class Riff {
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();

        /** A chunk whose size field is its body length, padded to an even length as RIFF requires. */
        Riff chunk(String id, byte[] content) {
            return chunk(id, content.length & 0xFFFF_FFFFL, content, true);
        }

        /** A chunk whose size field says {@code declared} whatever {@code content} holds. */
        Riff chunk(String id, long declared, byte[] content, boolean pad) {
            body.writeBytes(id.getBytes(StandardCharsets.US_ASCII));
            body.writeBytes(le32(declared));
            body.writeBytes(content);
            if (pad && (content.length & 1) == 1) {
                body.write(0);
            }
            return this;
        }

        byte[] bytes() {
            return bytes("RIFF", "WAVE");
        }

        byte[] bytes(String riff, String wave) {
            byte[] b = body.toByteArray();
            ByteBuffer out = ByteBuffer.allocate(12 + b.length).order(ByteOrder.LITTLE_ENDIAN);
            out.put(riff.getBytes(StandardCharsets.US_ASCII)).putInt(4 + b.length)
                    .put(wave.getBytes(StandardCharsets.US_ASCII)).put(b);
            return out.array();
        }
    }

    static byte[] le32(long v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array();
    }

    /** A plain 16-byte fmt chunk body. */
    static byte[] fmt(int tag, int channels, long rateHz, int blockAlign, int bits) {
        return ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putShort((short) tag).putShort((short) channels)
                .putInt((int) rateHz).putInt((int) (rateHz * blockAlign)).putShort((short) blockAlign)
                .putShort((short) bits).array();
    }

    /** A correct 16-byte fmt body for PCM16 or float32. */
    static byte[] fmt(SampleEncoding enc, int channels, int rateHz) {
        int bytes = enc.bytesPerSample();
        return fmt(enc == SampleEncoding.PCM16 ? PCM : FLOAT, channels, rateHz, channels * bytes, bytes * 8);
    }

    /** A 40-byte WAVE_FORMAT_EXTENSIBLE body whose sub-format GUID starts with {@code subTag}. */
    static byte[] fmtExtensible(int subTag, int channels, int rateHz, int bits) {
        int blockAlign = channels * bits / 8;
        return ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN).putShort((short) EXTENSIBLE)
                .putShort((short) channels).putInt(rateHz).putInt(rateHz * blockAlign).putShort((short) blockAlign)
                .putShort((short) bits).putShort((short) 22).putShort((short) bits)
                .putInt(channels == 1 ? 0x4 : 0x3)
                .putShort((short) subTag).put(new byte[] {0, 0, 0, 0, 0x10, 0, (byte) 0x80, 0, 0, (byte) 0xAA, 0,
                        0x38, (byte) 0x9B, 0x71})
                .array();
    }

    /** Interleaved sample bytes in the given encoding; PCM16 values go through {@link Pcm#toPcm16}. */
    static byte[] samples(SampleEncoding enc, float... interleaved) {
        ByteBuffer b = ByteBuffer.allocate(interleaved.length * enc.bytesPerSample()).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : interleaved) {
            if (enc == SampleEncoding.PCM16) {
                b.putShort(Pcm.toPcm16(v));
            } else {
                b.putFloat(v);
            }
        }
        return b.array();
    }

    private Path file(byte[] bytes) throws IOException {
        Path p = Files.createTempFile(dir, "t", ".wav");
        Files.write(p, bytes);
        return p;
    }

    private static float[] random(Random rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = rnd.nextFloat() * 2 - 1;
        }
        return x;
    }

    /** What a float becomes after a PCM16 round trip. */
    private static float pcm16(float v) {
        return Pcm.toPcm16(v) / 32768f;
    }

    /** Asserts that both open paths (file and stream) refuse the header with exactly this message. */
    private void assertHeaderRejected(byte[] bytes, String message) throws IOException {
        Path p = file(bytes);
        assertThatThrownBy(() -> WavReader.open(p)).isInstanceOf(WavFormatException.class)
                .hasMessage(p + ": " + message);
        assertThatThrownBy(() -> WavReader.open(new ByteArrayInputStream(bytes), "stream.wav"))
                .isInstanceOf(WavFormatException.class).hasMessage("stream.wav: " + message);
    }

    // ---------------------------------------------------------------- round trips

    @ParameterizedTest(name = "{0} Hz, {1} ch, {2}")
    @CsvSource({
        "8000,1,PCM16", "16000,1,PCM16", "22050,2,PCM16", "44100,1,PCM16", "48000,2,PCM16", "384000,1,PCM16",
        "8000,2,FLOAT32", "16000,1,FLOAT32", "24000,2,FLOAT32", "44100,1,FLOAT32", "48000,2,FLOAT32", "1,1,FLOAT32"
    })
    void roundTripIsExactForFloatAndWithinOneStepForPcm16(int rateHz, int channels, SampleEncoding enc)
            throws IOException {
        Random rnd = new Random(rateHz * 31L + channels);
        int n = 3001;
        float[][] ch = new float[channels][];
        for (int c = 0; c < channels; c++) {
            ch[c] = random(rnd, n);
        }
        ch[0][0] = 1f;     // clips to 32767 in PCM16
        ch[0][1] = -1f;
        ch[0][2] = 0f;
        AudioFormat format = new AudioFormat(rateHz, channels, enc);
        Path p = dir.resolve("rt.wav");
        WavWriter.write(p, new AudioData(format, ch));

        int frameBytes = channels * enc.bytesPerSample();
        assertThat(Files.size(p)).isEqualTo(44L + (long) n * frameBytes);
        AudioData back = WavReader.read(p);
        assertThat(back.format()).isEqualTo(format);
        assertThat(back.lengthSamples()).isEqualTo(n);
        assertThat(back.durationMs()).isEqualTo(n * 1000.0 / rateHz);
        for (int c = 0; c < channels; c++) {
            if (enc == SampleEncoding.FLOAT32) {
                assertThat(back.channels()[c]).containsExactly(ch[c]);
            } else {
                for (int i = 0; i < n; i++) {
                    assertThat(back.channels()[c][i]).isEqualTo(pcm16(ch[c][i]));
                    assertThat(back.channels()[c][i]).isCloseTo(ch[c][i], within(PCM16_STEP));
                }
            }
        }
        if (enc == SampleEncoding.PCM16) {
            assertThat(back.channels()[0][0]).isEqualTo(32767f / 32768);
            assertThat(back.channels()[0][1]).isEqualTo(-1f);
        }
    }

    @Test
    void writerHeaderIsTheCanonical44Bytes() throws IOException {
        Path p = dir.resolve("h.wav");
        float[] x = {0.5f, -0.25f, 0f};
        WavWriter.writeMono(p, 16_000, x);
        byte[] expected = new Riff().chunk("fmt ", fmt(SampleEncoding.PCM16, 1, 16_000))
                .chunk("data", samples(SampleEncoding.PCM16, x)).bytes();
        assertThat(Files.readAllBytes(p)).containsExactly(expected);
    }

    @Test
    void streamingWriteInUnevenChunksThenStreamingRead() throws IOException {
        Random rnd = new Random(7);
        int n = 100_003;
        float[] l = random(rnd, n);
        float[] r = random(rnd, n);
        AudioFormat format = new AudioFormat(48_000, 2, SampleEncoding.FLOAT32);
        Path p = dir.resolve("stream.wav");
        try (WavWriter w = WavWriter.create(p, format)) {
            assertThat(w.format()).isEqualTo(format);
            int i = 0;
            int k = 0;
            while (i < n) {
                int len = Math.min(n - i, rnd.nextInt(20_000));
                if (k++ % 2 == 0) {
                    w.writeChannels(new float[][] {l, r}, i, len);
                } else {
                    float[] inter = new float[2 * len];
                    for (int j = 0; j < len; j++) {
                        inter[2 * j] = l[i + j];
                        inter[2 * j + 1] = r[i + j];
                    }
                    w.writeInterleaved(inter, 0, len);
                }
                i += len;
                assertThat(w.lengthSamples()).isEqualTo(i);
                w.flush();
            }
        }
        try (WavReader reader = WavReader.open(p)) {
            assertThat(reader.format()).isEqualTo(format);
            assertThat(reader.lengthSamples()).isEqualTo(n);
            float[] mono = new float[n + 10];
            int got = 0;
            int step = 1;
            int read;
            while ((read = reader.readMono(mono, got, step)) >= 0) {
                assertThat(read).isEqualTo(Math.min(step, n - got));
                got += read;
                step = step * 3 + 1;
            }
            assertThat(got).isEqualTo(n);
            for (int i = 0; i < n; i++) {
                assertThat(mono[i]).isEqualTo((l[i] + r[i]) * 0.5f);
            }
            assertThat(reader.readMono(mono, 0, 10)).isEqualTo(-1);
        }
    }

    @Test
    void readMonoDownmixesStereoPcm16AndAudioDataMonoAgrees() throws IOException {
        float[] l = {0.5f, -1f, 0.25f, 1f};
        float[] r = {-0.5f, -1f, 0.75f, 0f};
        Path p = dir.resolve("st.wav");
        WavWriter.write(p, new AudioData(new AudioFormat(16_000, 2, SampleEncoding.PCM16), new float[][] {l, r}));
        float[] mono = new float[4];
        try (WavReader reader = WavReader.open(p)) {
            assertThat(reader.readMono(mono, 0, 100)).isEqualTo(4);
            assertThat(reader.readMono(mono, 0, 100)).isEqualTo(-1);
        }
        assertThat(mono).containsExactly(0f, -1f, 0.5f, (32767f / 32768) * 0.5f);
        assertThat(WavReader.read(p).mono()).containsExactly(mono);
    }

    @Test
    void monoWriterRefusesChannelMismatch() throws IOException {
        try (WavWriter w = WavWriter.create(dir.resolve("m.wav"), AudioFormat.monoPcm16(16_000))) {
            assertThatThrownBy(() -> w.writeChannels(new float[2][4], 0, 4))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("writer has 1 channels, given 2");
        }
        try (WavWriter w = WavWriter.create(dir.resolve("s.wav"), new AudioFormat(16_000, 2, SampleEncoding.PCM16))) {
            assertThatThrownBy(() -> w.writeMono(new float[4], 0, 4))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("writer has 2 channels; use writeChannels");
        }
    }

    @Test
    void emptyClipRoundTrips() throws IOException {
        Path p = dir.resolve("e.wav");
        WavWriter.writeMono(p, 8000, new float[0]);
        assertThat(Files.size(p)).isEqualTo(44);
        AudioData d = WavReader.read(p);
        assertThat(d.lengthSamples()).isZero();
        assertThat(d.format()).isEqualTo(AudioFormat.monoPcm16(8000));
    }

    @Test
    void audioDataValidatesChannels() {
        assertThatThrownBy(() -> new AudioData(new AudioFormat(8000, 2, SampleEncoding.PCM16), new float[1][3]))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("format says 2 channels but 1 were given");
        assertThatThrownBy(() -> new AudioData(new AudioFormat(8000, 2, SampleEncoding.PCM16),
                new float[][] {new float[3], new float[4]}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("channels differ in length: 4 vs 3");
        float[] x = {0.1f};
        AudioData mono = AudioData.mono(22_050, x);
        assertThat(mono.mono()).isSameAs(x);
        assertThat(mono.sampleRateHz()).isEqualTo(22_050);
        assertThat(mono.format()).isEqualTo(AudioFormat.monoPcm16(22_050));
    }

    // ---------------------------------------------------------------- accepted variants

    @ParameterizedTest(name = "extensible sub-format {0}")
    @CsvSource({"1,16,PCM16", "3,32,FLOAT32"})
    void waveFormatExtensibleWithPcmOrFloatSubFormatIsAccepted(int subTag, int bits, SampleEncoding enc)
            throws IOException {
        float[] x = {0.5f, -0.25f, 0.125f, -1f};
        byte[] bytes = new Riff().chunk("fmt ", fmtExtensible(subTag, 2, 44_100, bits))
                .chunk("data", samples(enc, x)).bytes();
        AudioData d = WavReader.read(file(bytes));
        assertThat(d.format()).isEqualTo(new AudioFormat(44_100, 2, enc));
        assertThat(d.channels()[0]).containsExactly(0.5f, 0.125f);
        assertThat(d.channels()[1]).containsExactly(-0.25f, -1f);
    }

    @Test
    void oddSizedUnknownChunksAreSkippedWithTheirPadByte() throws IOException {
        float[] x = {0.25f, -0.5f, 0.75f};
        byte[] bytes = new Riff().chunk("LIST", new byte[] {1, 2, 3, 4, 5})
                .chunk("fmt ", fmt(SampleEncoding.FLOAT32, 1, 16_000))
                .chunk("fact", new byte[] {9})
                .chunk("data", samples(SampleEncoding.FLOAT32, x)).bytes();
        assertThat(bytes.length).isEqualTo(12 + 14 + 24 + 10 + 20);
        assertThat(WavReader.read(file(bytes)).channels()[0]).containsExactly(x);
        try (WavReader r = WavReader.open(new ByteArrayInputStream(bytes), "s")) {
            assertThat(r.readAll().channels()[0]).containsExactly(x);
        }
    }

    @Test
    void oddSizedFmtChunkIsPadded() throws IOException {
        byte[] fmt18 = Arrays.copyOf(fmt(SampleEncoding.PCM16, 1, 8000), 17);
        float[] x = {0.5f, -0.5f};
        byte[] bytes = new Riff().chunk("fmt ", fmt18).chunk("data", samples(SampleEncoding.PCM16, x)).bytes();
        assertThat(WavReader.read(file(bytes)).channels()[0]).containsExactly(x);
    }

    @Test
    void streamingSizeFfffffffIsReadToTheEnd() throws IOException {
        Random rnd = new Random(3);
        float[] x = random(rnd, 70_001); // more than one 4096-frame read, and not a multiple of it
        byte[] bytes = new Riff().chunk("fmt ", fmt(SampleEncoding.PCM16, 1, 16_000))
                .chunk("data", 0xFFFF_FFFFL, samples(SampleEncoding.PCM16, x), false).bytes();
        float[] expected = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            expected[i] = pcm16(x[i]);
        }
        try (WavReader r = WavReader.open(new ByteArrayInputStream(bytes), "pipe")) {
            assertThat(r.lengthSamples()).isEqualTo(-1);
            assertThat(r.readAll().channels()[0]).containsExactly(expected);
        }
        Path p = file(bytes);
        try (WavReader r = WavReader.open(p)) {
            assertThat(r.lengthSamples()).isEqualTo(-1);
            float[] mono = new float[x.length];
            int got = 0;
            int read;
            while ((read = r.readMono(mono, got, Math.min(1000, x.length - got + 1))) > 0) {
                got += read;
            }
            assertThat(read).isEqualTo(-1);
            assertThat(got).isEqualTo(x.length);
            assertThat(mono).containsExactly(expected);
        }
    }

    @Test
    void streamingSizeZeroWithUnknownLengthIsReadToTheEnd() throws IOException {
        float[] x = {0.5f, -0.5f, 0.25f};
        byte[] bytes = new Riff().chunk("fmt ", fmt(SampleEncoding.FLOAT32, 1, 16_000))
                .chunk("data", 0, samples(SampleEncoding.FLOAT32, x), false).bytes();
        try (WavReader r = WavReader.open(new ByteArrayInputStream(bytes), "pipe")) {
            assertThat(r.lengthSamples()).isEqualTo(-1);
            assertThat(r.readAll().channels()[0]).containsExactly(x);
        }
        // With a known file length too (a writer killed before it fixed its header): the audio after it is read, and
        // the reader says so. It used to be taken at its word, giving an empty clip and no error.
        Path p = file(bytes);
        try (WavReader r = WavReader.open(p)) {
            assertThat(r.readAll().channels()[0]).containsExactly(x);
            assertThat(r.warnings()).containsExactly(p + ": the header says the audio is 0 bytes long but 12 bytes"
                    + " (0.000 s) follow; reading them to the end of the file");
        }
        // A size of 0 with nothing after it is an empty clip, and nothing odd.
        byte[] empty = new Riff().chunk("fmt ", fmt(SampleEncoding.PCM16, 1, 16_000)).chunk("data", new byte[0]).bytes();
        try (WavReader r = WavReader.open(file(empty))) {
            assertThat(r.readAll().lengthSamples()).isZero();
            assertThat(r.warnings()).isEmpty();
        }
    }

    // ---------------------------------------------------------------- refused headers

    @Test
    void emptyFile() throws IOException {
        Path p = file(new byte[0]);
        assertThatThrownBy(() -> WavReader.open(p)).isInstanceOf(WavFormatException.class)
                .hasMessage(p + ": not a WAV file: it is empty (0 bytes)");
        assertThatThrownBy(() -> WavReader.open(new ByteArrayInputStream(new byte[0]), "s"))
                .isInstanceOf(WavFormatException.class)
                .hasMessage("s: not a WAV file: 0 bytes, shorter than a RIFF header (12)");
    }

    @Test
    void shorterThanRiffHeader() throws IOException {
        assertHeaderRejected("RIFF\0\0\0".getBytes(StandardCharsets.US_ASCII),
                "not a WAV file: 7 bytes, shorter than a RIFF header (12)");
        assertHeaderRejected(new byte[11], "not a WAV file: 11 bytes, shorter than a RIFF header (12)");
    }

    @Test
    void notRiff() throws IOException {
        Riff r = new Riff().chunk("fmt ", fmt(SampleEncoding.PCM16, 1, 16_000)).chunk("data", new byte[2]);
        assertHeaderRejected(r.bytes("RIFX", "WAVE"), "not a WAV file: expected 'RIFF' at byte 0, found 'RIFX'");
        assertHeaderRejected(r.bytes("ID3\u0004", "WAVE"), "not a WAV file: expected 'RIFF' at byte 0, found 'ID3?'");
    }

    @Test
    void notWave() throws IOException {
        Riff r = new Riff().chunk("fmt ", fmt(SampleEncoding.PCM16, 1, 16_000)).chunk("data", new byte[2]);
        assertHeaderRejected(r.bytes("RIFF", "AVI "), "not a WAV file: expected 'WAVE' at byte 8, found 'AVI '");
    }

    @Test
    void noFmtChunkBeforeData() throws IOException {
        assertHeaderRejected(new Riff().chunk("data", new byte[4]).chunk("fmt ", fmt(SampleEncoding.PCM16, 1, 8000))
                .bytes(), "'data' chunk at byte 12 comes before any 'fmt ' chunk");
        assertHeaderRejected(new Riff().chunk("LIST", new byte[3]).chunk("data", new byte[4]).bytes(),
                "'data' chunk at byte 24 comes before any 'fmt ' chunk");
        assertHeaderRejected(new Riff().chunk("LIST", new byte[4]).bytes(),
                "truncated: no 'data' chunk and no 'fmt ' chunk before the end at byte 24");
        assertHeaderRejected(new Riff().chunk("fmt ", fmt(SampleEncoding.PCM16, 1, 8000)).bytes(),
                "truncated: no 'data' chunk before the end at byte 36");
        assertHeaderRejected(new Riff().bytes(), "truncated: no 'data' chunk and no 'fmt ' chunk before the end at byte 12");
    }

    @Test
    void fmtChunkTooSmallTooLargeOrTruncated() throws IOException {
        assertHeaderRejected(new Riff().chunk("fmt ", new byte[14]).chunk("data", new byte[2]).bytes(),
                "'fmt ' chunk must be 16..1024 bytes, header says 14");
        assertHeaderRejected(new Riff().chunk("fmt ", new byte[1025]).chunk("data", new byte[2]).bytes(),
                "'fmt ' chunk must be 16..1024 bytes, header says 1025");
        assertHeaderRejected(new Riff().chunk("fmt ", 0xFFFF_FFF0L, new byte[16], false).bytes(),
                "'fmt ' chunk must be 16..1024 bytes, header says 4294967280");
        assertHeaderRejected(new Riff().chunk("fmt ", 16, new byte[10], false).bytes(),
                "truncated: 'fmt ' chunk declares 16 bytes but only 10 follow");
    }

    @ParameterizedTest(name = "tag {0} ({1})")
    @CsvSource({"7,mu-law", "2,ADPCM", "85,MP3", "6,A-law", "17,IMA ADPCM", "0,unsupported"})
    void nonPcmFormatTags(int tag, String name) throws IOException {
        String message = "not PCM: format tag is " + tag + " (" + name + "); expected 1 (PCM16) or 3 (float32)";
        assertHeaderRejected(new Riff().chunk("fmt ", fmt(tag, 1, 8000, 1, 8)).chunk("data", new byte[8]).bytes(),
                message);
        assertHeaderRejected(new Riff().chunk("fmt ", fmtExtensible(tag, 1, 8000, 8)).chunk("data", new byte[8])
                .bytes(), message);
    }

    @Test
    void extensibleNeedsFortyBytes() throws IOException {
        byte[] f = Arrays.copyOf(fmt(EXTENSIBLE, 1, 8000, 2, 16), 18);
        assertHeaderRejected(new Riff().chunk("fmt ", f).chunk("data", new byte[2]).bytes(),
                "WAVE_FORMAT_EXTENSIBLE needs a 40-byte 'fmt ' chunk, found 18");
    }

    @ParameterizedTest(name = "tag {0} with {1} bits")
    @CsvSource({"1,8", "1,24", "1,32", "3,64", "3,16"})
    void unsupportedBitDepths(int tag, int bits) throws IOException {
        String message = tag == PCM ? "PCM must be 16 bits per sample, found " + bits
                : "float audio must be 32 bits per sample, found " + bits;
        assertHeaderRejected(new Riff().chunk("fmt ", fmt(tag, 1, 16_000, bits / 8, bits))
                .chunk("data", new byte[bits / 8 * 2]).bytes(), message);
        assertHeaderRejected(new Riff().chunk("fmt ", fmtExtensible(tag, 1, 16_000, bits))
                .chunk("data", new byte[bits / 8 * 2]).bytes(), message);
    }

    @ParameterizedTest(name = "{0} channels")
    @CsvSource({"0", "3", "8", "65535"})
    void unsupportedChannelCounts(int channels) throws IOException {
        assertHeaderRejected(new Riff().chunk("fmt ", fmt(PCM, channels, 16_000, 2 * channels, 16))
                .chunk("data", new byte[12]).bytes(), "channels must be 1 or 2, header says " + channels);
    }

    @ParameterizedTest(name = "{0} Hz")
    @CsvSource({"0", "384001", "4294967295"})
    void sampleRateOutOfRange(long rateHz) throws IOException {
        assertHeaderRejected(new Riff().chunk("fmt ", fmt(PCM, 1, rateHz, 2, 16)).chunk("data", new byte[2]).bytes(),
                "sample rate must be 1..384000 Hz, header says " + rateHz + " Hz");
    }

    @Test
    void wrongBlockAlign() throws IOException {
        assertHeaderRejected(new Riff().chunk("fmt ", fmt(PCM, 2, 16_000, 2, 16)).chunk("data", new byte[8]).bytes(),
                "block align must be 4 for 2 channel(s) of 16 bits, header says 2");
        assertHeaderRejected(new Riff().chunk("fmt ", fmt(FLOAT, 1, 16_000, 8, 32)).chunk("data", new byte[8]).bytes(),
                "block align must be 4 for 1 channel(s) of 32 bits, header says 8");
    }

    @Test
    void dataSizeNotAWholeNumberOfFrames() throws IOException {
        assertHeaderRejected(new Riff().chunk("fmt ", fmt(SampleEncoding.PCM16, 2, 16_000))
                .chunk("data", new byte[6]).bytes(),
                "truncated: 'data' chunk of 6 bytes is not a whole number of 4-byte sample frames");
        assertHeaderRejected(new Riff().chunk("fmt ", fmt(SampleEncoding.PCM16, 1, 16_000))
                .chunk("data", new byte[7]).bytes(),
                "truncated: 'data' chunk of 7 bytes is not a whole number of 2-byte sample frames");
    }

    @Test
    void twoHourHeaderOnAOneSecondFileNamesBothDurations() throws IOException {
        long declared = 2L * 3600 * 16_000 * 2;
        Path p = file(new Riff().chunk("fmt ", fmt(SampleEncoding.PCM16, 1, 16_000))
                .chunk("data", declared, new byte[32_000], false).bytes());
        assertThatThrownBy(() -> WavReader.open(p)).isInstanceOf(WavFormatException.class)
                .hasMessage(p + ": truncated: header declares 230400000 bytes of audio (7200.000 s) but the file holds"
                        + " only 32000 (1.000 s)");
    }

    @Test
    void truncatedStreamIsReportedAtReadTime() throws IOException {
        // Header promises 1 s; the stream holds 0.5 s.
        byte[] bytes = new Riff().chunk("fmt ", fmt(SampleEncoding.PCM16, 1, 16_000))
                .chunk("data", 32_000, new byte[16_000], false).bytes();
        try (WavReader r = WavReader.open(new ByteArrayInputStream(bytes), "cut.wav")) {
            assertThat(r.lengthSamples()).isEqualTo(16_000);
            assertThatThrownBy(r::readAll).isInstanceOf(WavFormatException.class)
                    .hasMessage("cut.wav: truncated: header declares 32000 bytes of audio but the stream ended after"
                            + " 16000");
        }
        try (WavReader r = WavReader.open(new ByteArrayInputStream(bytes), "cut.wav")) {
            float[] dst = new float[1000];
            for (int i = 0; i < 8; i++) {
                assertThat(r.readMono(dst, 0, 1000)).isEqualTo(1000);
            }
            assertThatThrownBy(() -> r.readMono(dst, 0, 1000)).isInstanceOf(WavFormatException.class)
                    .hasMessage("cut.wav: truncated: header declares 32000 bytes of audio but the stream ended after"
                            + " 16000");
        }
        // The same bytes as a file are refused at open, before any audio is read.
        Path p = file(bytes);
        assertThatThrownBy(() -> WavReader.open(p)).isInstanceOf(WavFormatException.class)
                .hasMessage(p + ": truncated: header declares 32000 bytes of audio (1.000 s) but the file holds only"
                        + " 16000 (0.500 s)");
    }

    @Test
    void lyingStreamHeaderDoesNotAllocateThePromisedLength() throws IOException {
        // Stereo PCM16 promising ~4 GiB (2 x 2^30 floats, 8 GiB if allocated up front): the reader must report
        // truncation, not allocate for the promise.
        long declared = 0xFFFF_FFFCL;
        byte[] bytes = new Riff().chunk("fmt ", fmt(SampleEncoding.PCM16, 2, 48_000))
                .chunk("data", declared, new byte[80], false).bytes();
        try (WavReader r = WavReader.open(new ByteArrayInputStream(bytes), "liar.wav")) {
            assertThat(r.lengthSamples()).isEqualTo(declared / 4);
            assertThatThrownBy(r::readAll).isInstanceOf(WavFormatException.class)
                    .hasMessage("liar.wav: truncated: header declares 4294967292 bytes of audio but the stream ended"
                            + " after 80");
        }
    }

    @Test
    void hugeUnknownChunkIsRefused() throws IOException {
        assertHeaderRejected(new Riff().chunk("junk", 1L << 30, new byte[16], false).bytes(),
                "chunk 'junk' declares 1073741824 bytes, more than the 16777216 allowed before audio");
        assertHeaderRejected(new Riff().chunk("fmt ", fmt(SampleEncoding.PCM16, 1, 8000))
                .chunk("LIST", 100, new byte[4], false).bytes(),
                "truncated: chunk 'LIST' declares 100 bytes but only 4 follow");
    }

    @Test
    void aNonFiniteFloatIsRefusedWithItsPlaceInTheFile() throws IOException {
        float[] x = new float[2 * 70_000];
        x[2 * 69_999 + 1] = Float.NaN; // channel 2 of the last frame, in the 18th read of 4096 frames
        byte[] bytes = new Riff().chunk("fmt ", fmt(SampleEncoding.FLOAT32, 2, 16_000))
                .chunk("data", samples(SampleEncoding.FLOAT32, x)).bytes();
        Path p = file(bytes);
        String where = "sample 69999 of channel 2 (at 4.375 s, byte " + (44 + 8 * 69_999 + 4) + ") is NaN; audio"
                + " samples must be finite";
        assertThatThrownBy(() -> WavReader.read(p)).isInstanceOf(WavFormatException.class).hasMessage(p + ": " + where);
        try (WavReader r = WavReader.open(p)) {
            float[] mono = new float[1000];
            assertThatThrownBy(() -> {
                while (r.readMono(mono, 0, 1000) > 0) {
                    // read on until the bad sample
                }
            }).isInstanceOf(WavFormatException.class).hasMessage(p + ": " + where);
        }
        float[] inf = {0f, Float.NEGATIVE_INFINITY};
        Path q = file(new Riff().chunk("fmt ", fmt(SampleEncoding.FLOAT32, 1, 8_000))
                .chunk("data", samples(SampleEncoding.FLOAT32, inf)).bytes());
        assertThatThrownBy(() -> WavReader.read(q)).hasMessage(q + ": sample 1 (at 0.000 s, byte 48) is -Infinity;"
                + " audio samples must be finite");
    }

    // ---------------------------------------------------------------- crash-safe writing

    private List<Path> partials() throws IOException {
        try (var s = Files.list(dir)) {
            return s.filter(f -> f.getFileName().toString().endsWith(".part")).toList();
        }
    }

    @Test
    void theTargetIsUntouchedUntilCloseMovesTheFinishedFileIntoPlace() throws IOException {
        Path target = dir.resolve("out.wav");
        Files.writeString(target, "the previous recording");
        float[] x = random(new Random(5), 48_000);
        WavWriter w = WavWriter.create(target, AudioFormat.monoPcm16(16_000));
        w.writeMono(x, 0, x.length);
        w.flush();
        // A process killed here leaves the old file as it was, and a readable partial recording beside it.
        assertThat(Files.readString(target)).isEqualTo("the previous recording");
        assertThat(partials()).containsExactly(w.partialPath());
        assertThat(w.partialPath().getFileName().toString()).startsWith("out.wav.").endsWith(".part");
        try (WavReader r = WavReader.open(w.partialPath())) {
            assertThat(r.lengthSamples()).isEqualTo(48_000);
            assertThat(r.warnings()).isEmpty();
        }
        w.close();
        assertThat(partials()).isEmpty();
        assertThat(WavReader.read(target).lengthSamples()).isEqualTo(48_000);
    }

    @Test
    void theHeaderFollowsTheAudioWhileStreamingWithoutFlush() throws IOException {
        Path target = dir.resolve("long.wav");
        AudioFormat stereoFloat = new AudioFormat(48_000, 2, SampleEncoding.FLOAT32);
        float[] x = random(new Random(6), 2 * 30_001);
        WavWriter w = WavWriter.create(target, stereoFloat);
        w.writeInterleaved(x, 0, 30_001); // 240 008 bytes: three 64 KiB buffers reached the file, the rest is buffered
        try (WavReader r = WavReader.open(w.partialPath())) {
            long frames = r.lengthSamples();
            assertThat(frames).isEqualTo(3L * 65_536 / 8);
            float[][] ch = r.readAll().channels();
            for (int i = 0; i < frames; i++) {
                assertThat(ch[0][i]).isEqualTo(x[2 * i]);
                assertThat(ch[1][i]).isEqualTo(x[2 * i + 1]);
            }
        }
        w.close();
        assertThat(WavReader.read(target).lengthSamples()).isEqualTo(30_001);
    }

    @Test
    void aHalfWrittenFrameIsLeftOutOfTheHeader() throws IOException {
        // PCM16 samples go into the 64 KiB buffer 2 bytes at a time and it is written out when fewer than 4 bytes are
        // left: at 65 534 bytes, inside the 16 384th stereo frame. The header covers the 16 383 whole ones.
        AudioFormat stereo = new AudioFormat(8_000, 2, SampleEncoding.PCM16);
        WavWriter w = WavWriter.create(dir.resolve("odd.wav"), stereo);
        w.writeChannels(new float[][] {random(new Random(8), 16_384), random(new Random(9), 16_384)}, 0, 16_384);
        try (WavReader r = WavReader.open(w.partialPath())) {
            assertThat(r.lengthSamples()).isEqualTo(16_383);
        }
        w.discard();
    }

    @Test
    void discardKeepsTheTargetAndRemovesThePartialFile() throws IOException {
        Path target = dir.resolve("keep.wav");
        WavWriter.writeMono(target, 8_000, new float[] {0.5f});
        byte[] before = Files.readAllBytes(target);
        WavWriter w = WavWriter.create(target, AudioFormat.monoPcm16(8_000));
        w.writeMono(new float[100], 0, 100);
        w.discard();
        assertThat(Files.readAllBytes(target)).isEqualTo(before);
        assertThat(partials()).isEmpty();
    }

    @Test
    void badOutputPathsAreNamedWithTheirProblem() throws IOException {
        Path folder = Files.createDirectory(dir.resolve("a-folder"));
        assertThatThrownBy(() -> WavWriter.create(folder, AudioFormat.monoPcm16(8_000)))
                .isInstanceOf(IOException.class).hasMessage(folder + ": is a directory, not a file to write");
        Path missing = dir.resolve("no/such/folder/x.wav");
        assertThatThrownBy(() -> WavWriter.create(missing, AudioFormat.monoPcm16(8_000)))
                .isInstanceOf(java.nio.file.NoSuchFileException.class)
                .hasMessage(missing + ": its folder " + dir.resolve("no/such/folder") + " does not exist");
        assertThat(partials()).isEmpty();
    }
}
