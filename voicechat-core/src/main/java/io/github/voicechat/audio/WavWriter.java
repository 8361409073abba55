package io.github.voicechat.audio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a RIFF/WAVE file incrementally (PCM16 or float32, mono or stereo), so a session can be recorded while it
 * runs, without ever destroying what was there.
 *
 * <ul>
 *   <li>The audio goes to a partial file beside the target ({@code NAME.RANDOM.part}, same folder, so the final move
 *       is a rename on one file system); {@link #close()} completes it, forces it to disk and moves it over the target
 *       atomically. A process killed before that leaves the old target untouched.</li>
 *   <li>The header's sizes are rewritten every time buffered audio reaches the file (every 64 KiB, about 0.34 s of
 *       48 kHz stereo), so a killed recording's partial file is a valid WAV of everything but its last buffer.</li>
 *   <li>{@link #discard()} drops the partial file and leaves the target as it was; so does a failed {@code close}.</li>
 *   <li>A target that exists and is not a regular file ({@code /dev/null}, a FIFO, {@code /dev/full}) is written
 *       through, from the start, with the data size left open (0xFFFFFFFF, the streaming convention): moving a file
 *       over it would replace the device itself, which as root means {@code /dev/null} becoming a regular file.</li>
 * </ul>
 */
public final class WavWriter implements AutoCloseable {

    private static final int HEADER_BYTES = 44;
    /** RIFF sizes are 32-bit; stop before the header would lie. */
    private static final long MAX_DATA_BYTES = 0xFFFF_FFFFL - 36;
    /** Audio is buffered this much before it reaches the file (and the header is updated). */
    private static final int BUFFER_BYTES = 1 << 16;
    /** The data size a header says when it cannot be rewritten later: read to the end. */
    private static final long SIZE_UNKNOWN = 0xFFFF_FFFFL;

    private final Path target;
    private final Path partial;
    private final FileChannel channel;
    private final AudioFormat format;
    private final ByteBuffer buffer;
    /** Writing through to a device or pipe: no partial file, no move, no header rewrite (it may not seek). */
    private final boolean direct;
    /** Bytes of audio accepted, buffered ones included. */
    private long dataBytes;
    /** Bytes of audio in the file, which the header on disk describes. */
    private long dataBytesInFile;
    private boolean closed;

    private WavWriter(Path target, Path partial, FileChannel channel, AudioFormat format) throws IOException {
        this.target = target;
        this.partial = partial;
        this.channel = channel;
        this.format = format;
        this.direct = partial.equals(target);
        this.buffer = ByteBuffer.allocate(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        if (direct) {
            writeFully(header(SIZE_UNKNOWN));
        } else {
            channel.write(header(0), 0);
            channel.position(HEADER_BYTES);
        }
    }

    /**
     * Starts writing audio in {@code format} that {@link #close()} will move to {@code path}, replacing any file
     * there; until then {@code path} is not touched.
     *
     * @param path   the file
     * @param format the rate, channels and encoding to write
     * @return a writer; the file appears, complete, once it is closed
     * @throws IOException naming the path when it is a directory or its folder does not exist or is not writable
     */
    public static WavWriter create(Path path, AudioFormat format) throws IOException {
        if (Files.exists(path) && !Files.isRegularFile(path) && !Files.isDirectory(path)) {
            FileChannel device = FileChannel.open(path, StandardOpenOption.WRITE);
            try {
                return new WavWriter(path, path, device, format);
            } catch (IOException e) {
                device.close();
                throw String.valueOf(e.getMessage()).contains(path.toString()) ? e
                        : new IOException(path + ": could not be written: " + e.getMessage(), e);
            } catch (RuntimeException e) {
                device.close();
                throw e;
            }
        }
        Path partial = partialFor(path);
        FileChannel ch = FileChannel.open(partial, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            return new WavWriter(path, partial, ch, format);
        } catch (IOException | RuntimeException e) {
            ch.close();
            Files.deleteIfExists(partial);
            throw e;
        }
    }

    /** Checks {@code path} as an output file and picks a fresh partial file name beside it. */
    private static Path partialFor(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            throw new IOException(path + ": is a directory, not a file to write");
        }
        Path folder = path.toAbsolutePath().getParent();
        if (folder == null || !Files.isDirectory(folder)) {
            throw new NoSuchFileException(path.toString(), null, "its folder " + folder + " does not exist");
        }
        if (!Files.isWritable(folder)) {
            throw new IOException(path + ": cannot write in " + folder + " (permission denied)");
        }
        String name = path.getFileName().toString();
        for (int attempt = 0; ; attempt++) {
            Path candidate = folder.resolve(name + "." + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16)
                    + ".part");
            if (!Files.exists(candidate) || attempt > 100) {
                return candidate;
            }
        }
    }

    /**
     * Writes a whole clip in its own format, atomically.
     *
     * @param path the file
     * @param data the clip
     * @throws IOException if the file cannot be written
     */
    public static void write(Path path, AudioData data) throws IOException {
        WavWriter w = create(path, data.format());
        try {
            w.writeChannels(data.channels(), 0, data.lengthSamples());
        } catch (IOException | RuntimeException | Error e) {
            w.discard();
            throw e;
        }
        w.close();
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

    /** {@return where {@link #close()} puts the file} */
    public Path path() {
        return target;
    }

    /** {@return where the audio is until {@link #close()}: a valid WAV of what reached the file so far} */
    public Path partialPath() {
        return partial;
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

    /** Writes the buffered audio to the file, then the header that describes it. */
    private void drain() throws IOException {
        if (buffer.position() == 0) {
            return;
        }
        buffer.flip();
        long bytes = buffer.remaining();
        try {
            writeFully(buffer);
        } catch (IOException e) {
            // "No space left on device" alone does not say which file: name the one the user asked for.
            throw String.valueOf(e.getMessage()).contains(target.toString()) ? e
                    : new IOException(target + ": " + e.getMessage(), e);
        }
        buffer.clear();
        dataBytesInFile += bytes;
        if (direct) {
            return;
        }
        // A drain can fall inside a sample frame (samples go in 2 or 4 bytes at a time); the header covers whole ones.
        channel.write(header(dataBytesInFile - dataBytesInFile % format.bytesPerFrame()), 0);
    }

    private void writeFully(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    private ByteBuffer header(long data) {
        ByteBuffer h = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        long riff = data == SIZE_UNKNOWN ? SIZE_UNKNOWN : 36 + data;
        h.put(new byte[] {'R', 'I', 'F', 'F'}).putInt((int) riff).put(new byte[] {'W', 'A', 'V', 'E'});
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
     * Writes buffered samples and the header that covers them to the partial file.
     *
     * @throws IOException if the file cannot be written, or the writer is closed
     */
    public void flush() throws IOException {
        if (closed) {
            throw new IOException("WAV writer for " + target + " is closed");
        }
        drain();
    }

    /**
     * Completes the file and moves it over the target atomically. If that fails, the partial file is deleted, the
     * target is left as it was, and the exception names the target.
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            drain();
            if (direct) {
                channel.close();
                return;
            }
            channel.write(header(dataBytesInFile), 0);
            channel.force(true);
            channel.close();
            moveIntoPlace();
        } catch (IOException e) {
            discard();
            throw String.valueOf(e.getMessage()).contains(target.toString()) ? e
                    : new IOException(target + ": could not be written: " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            discard();
            throw e;
        }
    }

    /**
     * Stops writing and deletes the partial file; the target keeps what it had.
     *
     * @throws IOException if the partial file cannot be deleted
     */
    public void discard() throws IOException {
        closed = true;
        closeQuietly();
        if (!direct) {
            Files.deleteIfExists(partial);
        }
    }

    private void moveIntoPlace() throws IOException {
        try {
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
            // Same folder, so this is only reached on file systems without an atomic rename (some network mounts).
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private void closeQuietly() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // already failing or discarding: the partial file is deleted next
        }
    }
}
