package io.github.voicechat.audio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes a RIFF/WAVE file incrementally (PCM16 or float32, mono or stereo) and fixes the sizes in the header on
 * {@link #close()}, so a session can be recorded while it runs.
 */
public final class WavWriter implements AutoCloseable {

    private static final int HEADER_BYTES = 44;
    /** RIFF sizes are 32-bit; stop before the header would lie. */
    private static final long MAX_DATA_BYTES = 0xFFFF_FFFFL - 36;

    private final FileChannel channel;
    private final AudioFormat format;
    private final ByteBuffer buffer;
    private long dataBytes;
    private boolean closed;

    private WavWriter(FileChannel channel, AudioFormat format) throws IOException {
        this.channel = channel;
        this.format = format;
        this.buffer = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        channel.write(header(0), 0);
        channel.position(HEADER_BYTES);
    }

    /**
     * Creates (or truncates) {@code path} for audio in {@code format}.
     *
     * @param path   the file
     * @param format the rate, channels and encoding to write
     * @return a writer; the header is complete once it is closed
     * @throws IOException if the file cannot be created
     */
    public static WavWriter create(Path path, AudioFormat format) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        try {
            return new WavWriter(ch, format);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * Writes a whole clip in its own format.
     *
     * @param path the file
     * @param data the clip
     * @throws IOException if the file cannot be written
     */
    public static void write(Path path, AudioData data) throws IOException {
        try (WavWriter w = create(path, data.format())) {
            w.writeChannels(data.channels(), 0, data.lengthSamples());
        }
    }

    /**
     * Writes mono float samples as PCM16.
     *
     * @param path         the file
     * @param sampleRateHz the samples' rate
     * @param samples      the samples
     * @throws IOException if the file cannot be written
     */
    public static void writeMono(Path path, int sampleRateHz, float[] samples) throws IOException {
        write(path, AudioData.mono(sampleRateHz, samples));
    }

    /** {@return the format being written} */
    public AudioFormat format() {
        return format;
    }

    /** {@return the samples per channel written so far} */
    public long lengthSamples() {
        return dataBytes / format.bytesPerFrame();
    }

    /**
     * Writes interleaved samples: {@code frames} sample frames of {@code channels} samples each.
     *
     * @param samples the samples, channel by channel within each frame
     * @param offset  index of the first sample
     * @param frames  how many sample frames
     * @throws IOException if the file cannot be written, or the data would exceed the 4 GiB a WAV can hold
     */
    public void writeInterleaved(float[] samples, int offset, int frames) throws IOException {
        int channels = format.channels();
        for (int i = 0; i < frames * channels; i++) {
            put(samples[offset + i]);
        }
        dataBytes += (long) frames * format.bytesPerFrame();
        checkSize();
    }

    /**
     * Writes {@code length} samples from each channel array starting at {@code offset}.
     *
     * @param channels one array per channel
     * @param offset   index of the first sample in each
     * @param length   how many samples per channel
     * @throws IOException if the file cannot be written, or the data would exceed the 4 GiB a WAV can hold
     */
    public void writeChannels(float[][] channels, int offset, int length) throws IOException {
        if (channels.length != format.channels()) {
            throw new IllegalArgumentException("writer has " + format.channels() + " channels, given "
                    + channels.length);
        }
        for (int i = offset; i < offset + length; i++) {
            for (float[] ch : channels) {
                put(ch[i]);
            }
        }
        dataBytes += (long) length * format.bytesPerFrame();
        checkSize();
    }

    /**
     * Writes mono samples; the writer must be mono.
     *
     * @param samples the samples
     * @param offset  index of the first one
     * @param length  how many
     * @throws IOException if the file cannot be written, or the data would exceed the 4 GiB a WAV can hold
     */
    public void writeMono(float[] samples, int offset, int length) throws IOException {
        if (format.channels() != 1) {
            throw new IllegalArgumentException("writer has " + format.channels() + " channels; use writeChannels");
        }
        writeInterleaved(samples, offset, length);
    }

    private void put(float v) throws IOException {
        if (buffer.remaining() < 4) {
            drain();
        }
        if (format.encoding() == SampleEncoding.PCM16) {
            buffer.putShort(Pcm.toPcm16(v));
        } else {
            buffer.putFloat(v);
        }
    }

    private void checkSize() throws IOException {
        if (dataBytes > MAX_DATA_BYTES) {
            throw new IOException("WAV data would exceed the 4 GiB RIFF limit (" + dataBytes + " bytes)");
        }
    }

    private void drain() throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        buffer.clear();
    }

    private ByteBuffer header(long data) {
        ByteBuffer h = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        h.put(new byte[] {'R', 'I', 'F', 'F'}).putInt((int) (36 + data)).put(new byte[] {'W', 'A', 'V', 'E'});
        h.put(new byte[] {'f', 'm', 't', ' '}).putInt(16);
        h.putShort((short) (format.encoding() == SampleEncoding.PCM16 ? 1 : 3));
        h.putShort((short) format.channels());
        h.putInt(format.sampleRateHz());
        h.putInt(format.sampleRateHz() * format.bytesPerFrame());
        h.putShort((short) format.bytesPerFrame());
        h.putShort((short) (format.encoding().bytesPerSample() * 8));
        h.put(new byte[] {'d', 'a', 't', 'a'}).putInt((int) data);
        h.flip();
        return h;
    }

    /**
     * Flushes buffered samples; the header is fixed only at close.
     *
     * @throws IOException if the file cannot be written
     */
    public void flush() throws IOException {
        drain();
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            drain();
            channel.write(header(dataBytes), 0);
        } finally {
            channel.close();
        }
    }
}
