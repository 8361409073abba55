package io.github.voicechat.audio;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/** Ready-made {@link AudioSource}s: WAV files, raw PCM streams, memory and the default microphone. */
public final class AudioSources {

    private AudioSources() {
    }

    /**
     * {@return a source reading a WAV file} PCM16 or float32, mono or with its channels averaged. Not real-time: a
     * session paces it at real time on the real clock, and reads it as fast as the engines allow on a
     * {@link io.github.voicechat.time.VirtualClock}.
     *
     * @param path the file
     * @throws IOException if it cannot be read, or {@link WavFormatException} if it is not a WAV file it can read
     */
    public static AudioSource wav(Path path) throws IOException {
        WavReader reader = WavReader.open(path);
        return new AudioSource() {
            @Override
            public int sampleRateHz() {
                return reader.format().sampleRateHz();
            }

            @Override
            public int read(float[] buffer, int offset, int length) throws IOException {
                return length == 0 ? 0 : reader.readMono(buffer, offset, length);
            }

            @Override
            public void close() throws IOException {
                reader.close();
            }
        };
    }

    /**
     * {@return a source reading samples held in memory} The array is not copied.
     *
     * @param sampleRateHz the samples' rate
     * @param samples      mono float samples
     */
    public static AudioSource memory(int sampleRateHz, float[] samples) {
        new AudioFormat(sampleRateHz, 1, SampleEncoding.FLOAT32); // validates the rate
        return new AudioSource() {
            private int position;

            @Override
            public int sampleRateHz() {
                return sampleRateHz;
            }

            @Override
            public int read(float[] buffer, int offset, int length) {
                if (position >= samples.length) {
                    return -1;
                }
                int n = Math.min(length, samples.length - position);
                System.arraycopy(samples, position, buffer, offset, n);
                position += n;
                return n;
            }

            @Override
            public void close() {
                position = samples.length;
            }
        };
    }

    /**
     * {@return a source reading raw little-endian PCM16 mono at {@code sampleRateHz}} (e.g. a socket or a pipe). It
     * blocks while the stream has no data and ends with the stream; closing it closes {@code in}.
     *
     * @param in           the bytes
     * @param sampleRateHz their sample rate
     */
    public static AudioSource pcm16(InputStream in, int sampleRateHz) {
        new AudioFormat(sampleRateHz, 1, SampleEncoding.PCM16);
        DataInputStream data = new DataInputStream(in);
        return new AudioSource() {
            private byte[] bytes = new byte[0];

            @Override
            public int sampleRateHz() {
                return sampleRateHz;
            }

            @Override
            public int read(float[] buffer, int offset, int length) throws IOException {
                if (bytes.length < 2 * length) {
                    bytes = new byte[2 * length];
                }
                int got = data.read(bytes, 0, 2 * length);
                if (got < 0) {
                    return -1;
                }
                if ((got & 1) == 1) { // never split a sample
                    int b = data.read();
                    if (b < 0) {
                        throw new IOException("PCM16 stream ended in the middle of a sample");
                    }
                    bytes[got++] = (byte) b;
                }
                Pcm.pcm16LeToFloat(bytes, 0, buffer, offset, got / 2);
                return got / 2;
            }

            @Override
            public void close() throws IOException {
                data.close();
            }
        };
    }

    /**
     * The default microphone through javax.sound, 16-bit mono at {@code sampleRateHz}. The device opens now (so a
     * missing one fails at once) and starts capturing at the first read; if the reader falls more than 200 ms behind,
     * the oldest audio is dropped, so the session's input never lags the room by more than that (see
     * {@code MicrophoneSource}). A device that goes away mid-session is an {@link IOException} from {@code read}.
     *
     * @param sampleRateHz the rate to capture at
     * @return the microphone
     * @throws IOException with a clear message when no capture device exists (headless servers, containers)
     */
    public static AudioSource microphone(int sampleRateHz) throws IOException {
        return MicrophoneSource.open(sampleRateHz, 300, 200);
    }
}
