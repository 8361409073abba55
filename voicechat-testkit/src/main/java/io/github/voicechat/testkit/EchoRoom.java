package io.github.voicechat.testkit;

import io.github.voicechat.audio.AudioSink;
import io.github.voicechat.audio.AudioSource;
import io.github.voicechat.audio.Resampler;
import java.util.Arrays;

/**
 * A simulated room for echo tests: what the session plays into {@link #speaker()} comes back into
 * {@link #microphone()} after {@code delayMs}, attenuated by {@code gainDb}, with a short reverberant tail, mixed
 * with the user's own recording.
 *
 * <p>The session plays each tick's frame before it captures the next input frame, so the microphone can always be
 * computed from audio already played (any delay of at least 0 ms works on the virtual clock).
 */
public final class EchoRoom {

    private final int micRateHz;
    private final float[] user;
    private final int delaySamples;
    private final float gain;
    private final int[] tapDelays;
    private final float[] tapGains;
    private final Resampler down;
    private final int speakerRateHz;
    private float[] played = new float[1 << 16]; // at the mic rate, aligned: played[i] is heard at i + delay
    private int playedLength;
    private int downDrop;
    private final float[] downBuffer;
    private int micPosition;

    /**
     * @param micRateHz     rate of the microphone and of {@code user}
     * @param user          what the user says, at {@code micRateHz}
     * @param speakerRateHz rate the session plays at
     * @param delayMs       acoustic delay from speaker to microphone
     * @param gainDb        level of the direct echo relative to what was played (e.g. -6)
     */
    public EchoRoom(int micRateHz, float[] user, int speakerRateHz, int delayMs, double gainDb) {
        this.micRateHz = micRateHz;
        this.user = user;
        this.speakerRateHz = speakerRateHz;
        this.delaySamples = micRateHz * delayMs / 1000;
        this.gain = (float) Math.pow(10, gainDb / 20);
        // Three reflections: a little reverb, decaying.
        this.tapDelays = new int[] {micRateHz * 7 / 1000, micRateHz * 19 / 1000, micRateHz * 37 / 1000};
        this.tapGains = new float[] {0.35f, 0.2f, 0.1f};
        this.down = Resampler.create(speakerRateHz, micRateHz);
        this.downDrop = down.delaySamples();
        this.downBuffer = new float[down.maxOutputSamples(speakerRateHz) + 16];
    }

    /** {@return the loudspeaker: feed it what the session plays} */
    public AudioSink speaker() {
        return new AudioSink() {
            @Override
            public int sampleRateHz() {
                return speakerRateHz;
            }

            @Override
            public synchronized void write(float[] samples, int offset, int length) {
                int n = down.process(samples, offset, length, downBuffer, 0);
                int skip = Math.min(downDrop, n);
                downDrop -= skip;
                append(downBuffer, skip, n - skip);
            }

            @Override
            public void close() {
            }
        };
    }

    private synchronized void append(float[] src, int offset, int length) {
        if (playedLength + length > played.length) {
            played = Arrays.copyOf(played, Math.max(playedLength + length, played.length * 2));
        }
        System.arraycopy(src, offset, played, playedLength, length);
        playedLength += length;
    }

    private synchronized float echoAt(int i) {
        float v = 0;
        int direct = i - delaySamples;
        if (direct >= 0 && direct < playedLength) {
            v += played[direct];
        }
        for (int t = 0; t < tapDelays.length; t++) {
            int j = direct - tapDelays[t];
            if (j >= 0 && j < playedLength) {
                v += tapGains[t] * played[j];
            }
        }
        return gain * v;
    }

    /** {@return the microphone: the user plus the echo of what was played} It ends with the user's recording. */
    public AudioSource microphone() {
        return new AudioSource() {
            @Override
            public int sampleRateHz() {
                return micRateHz;
            }

            @Override
            public int read(float[] buffer, int offset, int length) {
                if (micPosition >= user.length) {
                    return -1;
                }
                // One tick at a time, so the echo is computed from audio already played.
                int n = Math.min(Math.min(length, micRateHz / 50), user.length - micPosition);
                for (int i = 0; i < n; i++) {
                    buffer[offset + i] = user[micPosition + i] + echoAt(micPosition + i);
                }
                micPosition += n;
                return n;
            }

            @Override
            public void close() {
            }
        };
    }
}
