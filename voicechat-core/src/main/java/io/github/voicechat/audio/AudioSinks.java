package io.github.voicechat.audio;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Arrays;

/** Ready-made {@link AudioSink}s: WAV files, raw PCM streams, memory, nowhere and the default speaker. */
public final class AudioSinks {

    private AudioSinks() {
    }

    /**
     * {@return a sink that discards audio} A session recorded to a WAV needs no other output.
     *
     * @param sampleRateHz the rate the sink claims to take
     */
    public static AudioSink discard(int sampleRateHz) {
        new AudioFormat(sampleRateHz, 1, SampleEncoding.FLOAT32);
        return new AudioSink() {
            @Override
            public int sampleRateHz() {
                return sampleRateHz;
            }

            @Override
            public void write(float[] samples, int offset, int length) {
            }

            @Override
            public void close() {
            }
        };
    }

    /**
     * {@return a sink writing a mono PCM16 WAV file} The file is complete once the sink is closed.
     *
     * @param path         the file to write
     * @param sampleRateHz the file's sample rate
     * @throws IOException if the file cannot be created
     */
    public static AudioSink wav(Path path, int sampleRateHz) throws IOException {
        WavWriter writer = WavWriter.create(path, AudioFormat.monoPcm16(sampleRateHz));
        return new AudioSink() {
            @Override
            public int sampleRateHz() {
                return sampleRateHz;
            }

            @Override
            public void write(float[] samples, int offset, int length) throws IOException {
                writer.writeMono(samples, offset, length);
            }

            @Override
            public void close() throws IOException {
                writer.close();
            }
        };
    }

    /**
     * {@return a sink writing raw little-endian PCM16 mono to {@code out}} (e.g. a socket); closing it closes
     * {@code out}.
     *
     * @param out          where the bytes go
     * @param sampleRateHz the rate of the samples written
     */
    public static AudioSink pcm16(OutputStream out, int sampleRateHz) {
        new AudioFormat(sampleRateHz, 1, SampleEncoding.PCM16);
        return new AudioSink() {
            private byte[] bytes = new byte[0];

            @Override
            public int sampleRateHz() {
                return sampleRateHz;
            }

            @Override
            public void write(float[] samples, int offset, int length) throws IOException {
                if (bytes.length < 2 * length) {
                    bytes = new byte[2 * length];
                }
                Pcm.floatToPcm16Le(samples, offset, bytes, 0, length);
                out.write(bytes, 0, 2 * length);
            }

            @Override
            public void close() throws IOException {
                out.close();
            }
        };
    }

    /**
     * {@return a sink that collects everything written} For tests and post-processing.
     *
     * @param sampleRateHz the rate the sink takes
     */
    public static MemorySink memory(int sampleRateHz) {
        return new MemorySink(sampleRateHz);
    }

    /** An in-memory sink; {@link #samples()} returns a copy of what was written. */
    public static final class MemorySink implements AudioSink {
        private final int sampleRateHz;
        private float[] data = new float[1 << 14];
        private int length;

        private MemorySink(int sampleRateHz) {
            new AudioFormat(sampleRateHz, 1, SampleEncoding.FLOAT32);
            this.sampleRateHz = sampleRateHz;
        }

        @Override
        public int sampleRateHz() {
            return sampleRateHz;
        }

        @Override
        public synchronized void write(float[] samples, int offset, int count) {
            if (length + count > data.length) {
                data = Arrays.copyOf(data, Math.max(length + count, data.length * 2));
            }
            System.arraycopy(samples, offset, data, length, count);
            length += count;
        }

        /** {@return a copy of everything written so far} */
        public synchronized float[] samples() {
            return Arrays.copyOf(data, length);
        }

        /** {@return the number of samples written so far} */
        public synchronized int length() {
            return length;
        }

        @Override
        public void close() {
        }
    }

    /** The speaker's queue by default: enough to ride out scheduling hiccups, small enough to hear a pause at once. */
    public static final int SPEAKER_BUFFER_MS = 60;

    /**
     * The default speaker through javax.sound, 16-bit mono, with a {@value #SPEAKER_BUFFER_MS} ms queue. It reports
     * its queue ({@link AudioSink#playbackDelaySamples()}), can drop it ({@link AudioSink#discardQueued()}), and a
     * device that goes away mid-session is an {@link IOException} from {@code write}.
     *
     * @param sampleRateHz the rate to play at
     * @return the speaker
     * @throws IOException with a clear message when no playback device exists
     */
    public static AudioSink speaker(int sampleRateHz) throws IOException {
        return speaker(sampleRateHz, SPEAKER_BUFFER_MS);
    }

    /**
     * {@link #speaker(int)} with a queue of {@code bufferMs}.
     *
     * @param sampleRateHz the rate to play at
     * @param bufferMs     the speaker's queue, 10..1000 ms
     * @return the speaker
     * @throws IOException with a clear message when no playback device exists
     */
    public static AudioSink speaker(int sampleRateHz, int bufferMs) throws IOException {
        return SpeakerSink.open(sampleRateHz, bufferMs);
    }
}
