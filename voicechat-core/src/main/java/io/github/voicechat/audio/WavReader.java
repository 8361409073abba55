package io.github.voicechat.audio;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Streaming reader of RIFF/WAVE files holding PCM16 or float32 audio (plain or WAVE_FORMAT_EXTENSIBLE), mono or
 * stereo.
 *
 * <p>Every header field is checked before any audio is read, and the message of the {@link WavFormatException} says
 * which field, what was expected and what was found. A header that promises more audio than the file holds (a
 * two-hour header on a one-second file) is refused up front when the file length is known, and reported as
 * truncated when a stream ends early, so nothing is silently cut.
 */
public final class WavReader implements AutoCloseable {

    /** Larger fmt chunks than this are not real WAV headers (the extensible one is 40 bytes). */
    private static final int MAX_FMT_CHUNK_BYTES = 1024;
    /** Unknown chunks (LIST, fact, ...) above this size before the data chunk mean a corrupt or hostile header. */
    private static final long MAX_SKIPPED_CHUNK_BYTES = 16L << 20;
    /** Streaming writers that cannot seek back put these in the data size: read until end of stream. */
    private static final long SIZE_UNKNOWN = 0xFFFF_FFFFL;

    private static final int WAVE_FORMAT_PCM = 1;
    private static final int WAVE_FORMAT_IEEE_FLOAT = 3;
    private static final int WAVE_FORMAT_EXTENSIBLE = 0xFFFE;

    private final InputStream in;
    private final String name;
    private final AudioFormat format;
    private final long dataBytes; // -1 when unknown
    /** Whether dataBytes was checked against a known file length (a stream's header is only a promise). */
    private final boolean lengthVerified;
    /** Byte offset of the first audio byte in the file. */
    private final long dataStart;
    private final java.util.List<String> warnings = new java.util.ArrayList<>();
    private long dataBytesRead;
    private byte[] scratch = new byte[0];

    private WavReader(InputStream in, String name, long knownLength) throws IOException {
        this.in = in;
        this.name = name;
        this.lengthVerified = knownLength >= 0;
        if (knownLength == 0) {
            throw new WavFormatException(name + ": not a WAV file: it is empty (0 bytes)");
        }
        byte[] riff = new byte[12];
        int got = readFully(riff, 0, 12);
        if (got < 12) {
            throw new WavFormatException(name + ": not a WAV file: " + got + " bytes, shorter than a RIFF header (12)");
        }
        if (!ascii(riff, 0, "RIFF")) {
            throw new WavFormatException(name + ": not a WAV file: expected 'RIFF' at byte 0, found '"
                    + printable(riff, 0, 4) + "'");
        }
        if (!ascii(riff, 8, "WAVE")) {
            throw new WavFormatException(name + ": not a WAV file: expected 'WAVE' at byte 8, found '"
                    + printable(riff, 8, 4) + "'");
        }
        long position = 12;
        AudioFormat fmt = null;
        long data = -1;
        byte[] chunkHeader = new byte[8];
        while (true) {
            got = readFully(chunkHeader, 0, 8);
            if (got < 8) {
                throw new WavFormatException(name + ": truncated: no 'data' chunk"
                        + (fmt == null ? " and no 'fmt ' chunk" : "") + " before the end at byte " + (position + got));
            }
            position += 8;
            String id = printable(chunkHeader, 0, 4);
            long size = le32(chunkHeader, 4);
            if (id.equals("fmt ")) {
                if (size < 16 || size > MAX_FMT_CHUNK_BYTES) {
                    throw new WavFormatException(name + ": 'fmt ' chunk must be 16.." + MAX_FMT_CHUNK_BYTES
                            + " bytes, header says " + size);
                }
                byte[] f = new byte[(int) size];
                got = readFully(f, 0, f.length);
                if (got < f.length) {
                    throw new WavFormatException(name + ": truncated: 'fmt ' chunk declares " + size
                            + " bytes but only " + got + " follow");
                }
                position += size;
                if ((size & 1) == 1) {
                    position += skip(1);
                }
                fmt = parseFmt(f);
            } else if (id.equals("data")) {
                if (fmt == null) {
                    throw new WavFormatException(name + ": 'data' chunk at byte " + (position - 8)
                            + " comes before any 'fmt ' chunk");
                }
                data = size;
                break;
            } else {
                if (size > MAX_SKIPPED_CHUNK_BYTES) {
                    throw new WavFormatException(name + ": chunk '" + id + "' declares " + size
                            + " bytes, more than the " + MAX_SKIPPED_CHUNK_BYTES + " allowed before audio");
                }
                long padded = size + (size & 1);
                long skipped = skip(padded);
                if (skipped < padded) {
                    throw new WavFormatException(name + ": truncated: chunk '" + id + "' declares " + size
                            + " bytes but only " + skipped + " follow");
                }
                position += padded;
            }
        }
        this.format = fmt;
        this.dataStart = position;
        if (data == 0 && knownLength > position) {
            // A writer killed before it fixed its header (or a streaming one) leaves 0 with the audio after it.
            // Dropping that audio would give an empty result with no error; read it to the end and say so.
            long follow = knownLength - position;
            warnings.add(name + ": the header says the audio is 0 bytes long but " + follow + " bytes ("
                    + String.format(java.util.Locale.ROOT, "%.3f", fmt.millisFor(follow / fmt.bytesPerFrame()) / 1000)
                    + " s) follow; reading them to the end of the file");
        }
        if (data == SIZE_UNKNOWN || (data == 0 && knownLength != position)) {
            // Streaming writers leave the size unknown (0xFFFFFFFF, or 0): read to the end.
            this.dataBytes = -1;
        } else {
            if (data % fmt.bytesPerFrame() != 0) {
                throw new WavFormatException(name + ": truncated: 'data' chunk of " + data
                        + " bytes is not a whole number of " + fmt.bytesPerFrame() + "-byte sample frames");
            }
            if (knownLength >= 0 && position + data > knownLength) {
                long present = Math.max(0, knownLength - position);
                throw new WavFormatException(name + ": truncated: header declares " + data + " bytes of audio ("
                        + String.format(java.util.Locale.ROOT, "%.3f", fmt.millisFor(data / fmt.bytesPerFrame()) / 1000)
                        + " s) but the file holds only " + present + " ("
                        + String.format(java.util.Locale.ROOT, "%.3f", fmt.millisFor(present / fmt.bytesPerFrame()) / 1000)
                        + " s)");
            }
            this.dataBytes = data;
        }
    }

    /**
     * Opens a WAV file; the file length is known, so an oversized header is refused before any read.
     *
     * @param path the file
     * @return a reader positioned at the first sample
     * @throws IOException if the file cannot be read, or {@link WavFormatException} if its header is not one this
     *                     reader takes
     */
    public static WavReader open(Path path) throws IOException {
        long length = Files.size(path);
        InputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 16);
        try {
            return new WavReader(in, path.toString(), length);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /**
     * Reads a WAV from a stream whose length is unknown.
     *
     * @param in   the stream, closed with the reader
     * @param name what error messages call it
     * @return a reader positioned at the first sample
     * @throws IOException if the stream fails, or {@link WavFormatException} if its header is not one this reader
     *                     takes
     */
    public static WavReader open(InputStream in, String name) throws IOException {
        return new WavReader(in instanceof BufferedInputStream ? in : new BufferedInputStream(in, 1 << 16), name, -1);
    }

    /**
     * Reads a whole file.
     *
     * @param path the file
     * @return its samples and format
     * @throws IOException if the file cannot be read, or {@link WavFormatException} if it is malformed or truncated
     */
    public static AudioData read(Path path) throws IOException {
        try (WavReader r = open(path)) {
            return r.readAll();
        }
    }

    /** {@return the format the header declares} */
    public AudioFormat format() {
        return format;
    }

    /**
     * {@return what was odd but readable about the file, one sentence each naming the file: a data size of 0 with
     * audio after it, which is read to the end of the file; empty for a well-formed file}
     */
    public java.util.List<String> warnings() {
        return java.util.List.copyOf(warnings);
    }

    /** {@return the samples per channel promised by the header, or -1 if the header leaves it open} */
    public long lengthSamples() {
        return dataBytes < 0 ? -1 : dataBytes / format.bytesPerFrame();
    }

    /**
     * Reads up to {@code maxSamples} samples per channel, downmixed to mono, into {@code dst}.
     *
     * @param dst        where the samples go
     * @param offset     index in {@code dst} of the first one
     * @param maxSamples the most samples to read
     * @return samples read, or -1 at the end of the audio
     * @throws WavFormatException if the stream ends before the header's promised length
     */
    public int readMono(float[] dst, int offset, int maxSamples) throws IOException {
        int channels = format.channels();
        int frameBytes = format.bytesPerFrame();
        int wantFrames = maxSamples;
        if (dataBytes >= 0) {
            long leftFrames = (dataBytes - dataBytesRead) / frameBytes;
            if (leftFrames == 0) {
                return -1;
            }
            wantFrames = (int) Math.min(wantFrames, leftFrames);
        }
        int bytes = wantFrames * frameBytes;
        if (scratch.length < bytes) {
            scratch = new byte[bytes];
        }
        int got = readFully(scratch, 0, bytes);
        int frames = got / frameBytes;
        if (got < bytes || got % frameBytes != 0) {
            if (dataBytes >= 0) {
                throw new WavFormatException(name + ": truncated: header declares " + dataBytes
                        + " bytes of audio but the stream ended after " + (dataBytesRead + got));
            }
            if (frames == 0) {
                return -1;
            }
        }
        decodeMono(scratch, frames, channels, dst, offset);
        dataBytesRead += (long) frames * frameBytes;
        return frames;
    }

    /**
     * Reads everything that is left, per channel.
     *
     * @return the remaining samples
     * @throws IOException if the stream fails, or {@link WavFormatException} if it ends before the header's length
     */
    public AudioData readAll() throws IOException {
        int channels = format.channels();
        long promised = lengthSamples();
        if (promised > Integer.MAX_VALUE - 8) {
            throw new WavFormatException(name + ": " + promised + " samples do not fit in memory as one clip");
        }
        // Trust the promise for allocation only once checked against the file length: a lying stream header must end
        // in "truncated", not in an OutOfMemoryError. The buffers grow below as audio actually arrives.
        int capacity = promised < 0 ? 1 << 16 : lengthVerified ? (int) promised : (int) Math.min(promised, 1 << 16);
        float[][] out = new float[channels][capacity];
        int n = 0;
        int frameBytes = format.bytesPerFrame();
        byte[] buf = new byte[frameBytes * 4096];
        while (true) {
            int wantFrames = 4096;
            if (dataBytes >= 0) {
                long left = (dataBytes - dataBytesRead) / frameBytes;
                if (left == 0) {
                    break;
                }
                wantFrames = (int) Math.min(wantFrames, left);
            }
            int got = readFully(buf, 0, wantFrames * frameBytes);
            int frames = got / frameBytes;
            if (got < wantFrames * frameBytes && dataBytes >= 0) {
                throw new WavFormatException(name + ": truncated: header declares " + dataBytes
                        + " bytes of audio but the stream ended after " + (dataBytesRead + got));
            }
            if (n + frames > out[0].length) {
                for (int c = 0; c < channels; c++) {
                    out[c] = java.util.Arrays.copyOf(out[c], Math.max(n + frames, out[c].length * 2));
                }
            }
            for (int i = 0; i < frames; i++) {
                for (int c = 0; c < channels; c++) {
                    out[c][n + i] = decode(buf, i, c);
                }
            }
            n += frames;
            dataBytesRead += (long) frames * frameBytes;
            if (got < wantFrames * frameBytes) {
                break;
            }
        }
        for (int c = 0; c < channels; c++) {
            if (out[c].length != n) {
                out[c] = java.util.Arrays.copyOf(out[c], n);
            }
        }
        return new AudioData(format, out);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private void decodeMono(byte[] src, int frames, int channels, float[] dst, int offset) throws WavFormatException {
        if (channels == 1) {
            for (int i = 0; i < frames; i++) {
                dst[offset + i] = decode(src, i, 0);
            }
            return;
        }
        float inv = 1f / channels;
        for (int i = 0; i < frames; i++) {
            float sum = 0;
            for (int c = 0; c < channels; c++) {
                sum += decode(src, i, c);
            }
            dst[offset + i] = sum * inv;
        }
    }

    /**
     * Sample {@code channel} of frame {@code frame} in {@code b}, which holds the frames that follow
     * {@link #dataBytesRead}. A float that is NaN or infinite is refused with its place in the file, since every
     * engine would otherwise refuse it later with an index into some chunk.
     */
    private float decode(byte[] b, int frame, int channel) throws WavFormatException {
        int bps = format.encoding().bytesPerSample();
        int i = (frame * format.channels() + channel) * bps;
        if (format.encoding() == SampleEncoding.PCM16) {
            return (short) ((b[i] & 0xff) | (b[i + 1] << 8)) / 32768f;
        }
        float v = Float.intBitsToFloat((int) le32(b, i));
        if (!Float.isFinite(v)) {
            long sample = dataBytesRead / format.bytesPerFrame() + frame;
            throw new WavFormatException(name + ": sample " + sample + (format.channels() > 1 ? " of channel "
                    + (channel + 1) : "") + " (at " + String.format(java.util.Locale.ROOT, "%.3f",
                    format.millisFor(sample) / 1000) + " s, byte " + (dataStart + dataBytesRead + i) + ") is " + v
                    + "; audio samples must be finite");
        }
        return v;
    }

    private AudioFormat parseFmt(byte[] f) throws WavFormatException {
        int tag = le16(f, 0);
        int channels = le16(f, 2);
        long rate = le32(f, 4);
        int blockAlign = le16(f, 12);
        int bits = le16(f, 14);
        if (tag == WAVE_FORMAT_EXTENSIBLE) {
            if (f.length < 40) {
                throw new WavFormatException(name + ": WAVE_FORMAT_EXTENSIBLE needs a 40-byte 'fmt ' chunk, found "
                        + f.length);
            }
            tag = le16(f, 24); // first two bytes of the sub-format GUID carry the format tag
        }
        SampleEncoding encoding;
        if (tag == WAVE_FORMAT_PCM) {
            if (bits != 16) {
                throw new WavFormatException(name + ": PCM must be 16 bits per sample, found " + bits);
            }
            encoding = SampleEncoding.PCM16;
        } else if (tag == WAVE_FORMAT_IEEE_FLOAT) {
            if (bits != 32) {
                throw new WavFormatException(name + ": float audio must be 32 bits per sample, found " + bits);
            }
            encoding = SampleEncoding.FLOAT32;
        } else {
            throw new WavFormatException(name + ": not PCM: format tag is " + tag + " (" + tagName(tag)
                    + "); expected 1 (PCM16) or 3 (float32)");
        }
        if (channels < 1 || channels > 2) {
            throw new WavFormatException(name + ": channels must be 1 or 2, header says " + channels);
        }
        if (rate == 0 || rate > AudioFormat.MAX_SAMPLE_RATE_HZ) {
            throw new WavFormatException(name + ": sample rate must be 1.." + AudioFormat.MAX_SAMPLE_RATE_HZ
                    + " Hz, header says " + rate + " Hz");
        }
        AudioFormat af = new AudioFormat((int) rate, channels, encoding);
        if (blockAlign != af.bytesPerFrame()) {
            throw new WavFormatException(name + ": block align must be " + af.bytesPerFrame() + " for " + channels
                    + " channel(s) of " + bits + " bits, header says " + blockAlign);
        }
        return af;
    }

    private static String tagName(int tag) {
        switch (tag) {
            case 2: return "ADPCM";
            case 6: return "A-law";
            case 7: return "mu-law";
            case 0x11: return "IMA ADPCM";
            case 0x55: return "MP3";
            default: return "unsupported";
        }
    }

    private int readFully(byte[] b, int off, int len) throws IOException {
        int total = 0;
        while (total < len) {
            int n = in.read(b, off + total, len - total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    private long skip(long n) throws IOException {
        long total = 0;
        while (total < n) {
            long s = in.skip(n - total);
            if (s <= 0) {
                if (in.read() < 0) {
                    break;
                }
                s = 1;
            }
            total += s;
        }
        return total;
    }

    private static boolean ascii(byte[] b, int off, String s) {
        for (int i = 0; i < s.length(); i++) {
            if (b[off + i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static String printable(byte[] b, int off, int len) {
        StringBuilder sb = new StringBuilder();
        for (int i = off; i < off + len; i++) {
            int c = b[i] & 0xff;
            sb.append(c >= 32 && c < 127 ? (char) c : '?');
        }
        return sb.toString();
    }

    private static int le16(byte[] b, int i) {
        return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8;
    }

    private static long le32(byte[] b, int i) {
        return (b[i] & 0xffL) | (b[i + 1] & 0xffL) << 8 | (b[i + 2] & 0xffL) << 16 | (b[i + 3] & 0xffL) << 24;
    }
}
