package io.github.voicechat.testkit;

import io.github.voicechat.spi.SpeechSynthesizer;
import io.github.voicechat.spi.SynthesisSink;
import io.github.voicechat.time.SessionTime;
import java.time.Duration;

/**
 * The predecessor's mock TTS: a 440 Hz sine in 20 ms frames at 48 kHz, {@code msPerWord} of tone per word, with a
 * text mark after each word so tests can check exactly which words were played before an interruption.
 *
 * <p>It can model a synthesizer's speed in session time ({@link SessionTime}): a delay before the first frame of
 * each call and a real-time factor (each 20 ms frame takes {@code 20 ms x rtf} to make). On a virtual clock both are
 * exact; an RTF above 1 makes the playout run dry, as a slow engine would.
 */
public final class SineSynthesizer implements SpeechSynthesizer {

    /** The rate it produces. */
    public static final int SAMPLE_RATE_HZ = 48_000;
    /** The length of every piece it delivers: 20 ms. */
    public static final int FRAME_SAMPLES = SAMPLE_RATE_HZ / 50;
    /** The tone. */
    public static final double FREQUENCY_HZ = 440.0;

    private final int msPerWord;
    private final float amplitude;
    private final float[] frame = new float[FRAME_SAMPLES];
    private long phaseSamples;
    private volatile long firstAudioNanos;
    private volatile double realTimeFactor;
    private volatile boolean closed;

    /** 200 ms per word at amplitude 0.3. */
    public SineSynthesizer() {
        this(200, 0.3f);
    }

    /**
     * A synthesizer with its own pace and level.
     *
     * @param msPerWord tone per word, a positive multiple of 20 ms
     * @param amplitude the sine's peak
     */
    public SineSynthesizer(int msPerWord, float amplitude) {
        if (msPerWord <= 0 || msPerWord % 20 != 0) {
            throw new IllegalArgumentException("msPerWord must be a positive multiple of 20 ms, was " + msPerWord);
        }
        this.msPerWord = msPerWord;
        this.amplitude = amplitude;
    }

    /**
     * Waits {@code delay} of session time before the first frame of each call.
     *
     * @param delay the time to first audio
     * @return this synthesizer
     */
    public SineSynthesizer firstAudioDelay(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("first-audio delay must not be negative, was " + delay);
        }
        this.firstAudioNanos = delay.toNanos();
        return this;
    }

    /**
     * Spends {@code rtf} x 20 ms of session time on each 20 ms frame.
     *
     * @param rtf the real-time factor, 0..100
     * @return this synthesizer
     */
    public SineSynthesizer realTimeFactor(double rtf) {
        if (!(rtf >= 0 && rtf <= 100)) {
            throw new IllegalArgumentException("real-time factor must be 0..100, was " + rtf);
        }
        this.realTimeFactor = rtf;
        return this;
    }

    /**
     * {@return the samples of audio this synthesizer produces for {@code text}}
     *
     * @param text what it would say
     */
    public long samplesFor(String text) {
        return (long) words(text) * msPerWord * SAMPLE_RATE_HZ / 1000;
    }

    /** {@return the tone per word, in milliseconds} */
    public int msPerWord() {
        return msPerWord;
    }

    @Override
    public int sampleRateHz() {
        return SAMPLE_RATE_HZ;
    }

    @Override
    public void synthesize(String text, SynthesisSink sink) {
        if (text == null) {
            throw new IllegalArgumentException("text must not be null");
        }
        if (closed) {
            throw new IllegalStateException("synthesizer is closed");
        }
        int framesPerWord = msPerWord / 20;
        long frameNanos = Math.round(20_000_000L * realTimeFactor);
        long wait = firstAudioNanos + frameNanos;
        int i = 0;
        while (i < text.length()) {
            while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i >= text.length()) {
                break;
            }
            while (i < text.length() && !Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            for (int f = 0; f < framesPerWord; f++) {
                if (!spend(wait)) {
                    return;
                }
                wait = frameNanos;
                for (int s = 0; s < FRAME_SAMPLES; s++) {
                    frame[s] = (float) (amplitude * Math.sin(2 * Math.PI * FREQUENCY_HZ * phaseSamples++ / SAMPLE_RATE_HZ));
                }
                if (!sink.audio(frame, 0, FRAME_SAMPLES) || sink.isCancelled()) {
                    return;
                }
            }
            sink.textMark(i);
        }
    }

    /** Takes {@code nanos} of session time; false if interrupted (the caller stops, as when cancelled). */
    private static boolean spend(long nanos) {
        if (nanos <= 0) {
            return true;
        }
        try {
            SessionTime.sleepNanos(nanos);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static int words(String text) {
        String t = text.strip();
        return t.isEmpty() ? 0 : t.split("\\s+").length;
    }

    @Override
    public void close() {
        closed = true;
    }
}
