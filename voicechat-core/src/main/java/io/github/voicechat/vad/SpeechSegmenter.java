package io.github.voicechat.vad;

import io.github.voicechat.audio.Framer;
import io.github.voicechat.internal.session.TurnDetector.Hysteresis;
import io.github.voicechat.spi.EngineOption;
import io.github.voicechat.spi.EngineOptions;
import io.github.voicechat.spi.VoiceActivityDetector;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns per-frame speech probabilities into speech segments, one frame at a time (streaming) or over a whole clip.
 *
 * <p>Rules, all in audio time (samples), following Silero's reference segmenter:
 * <ul>
 *   <li>Speech starts at the first frame whose probability is at least the activation threshold.</li>
 *   <li>Once speaking, a frame below the deactivation threshold starts a silence run; a frame at or above the
 *       activation threshold cancels it (frames in between neither start nor cancel one). That is a Schmitt
 *       trigger, Silero's own rule, and the one the live turn detector uses (the same class). The segment ends, at the start of the run,
 *       when the run has lasted {@code minSilenceMs}.</li>
 *   <li>A segment whose speech (start to end, before padding) is shorter than {@code minSpeechMs} is dropped.
 *       Streaming, {@link Event#SPEECH_STARTED} is reported once the speech has lasted {@code minSpeechMs}, so a
 *       started segment is never dropped afterwards.</li>
 *   <li>{@code endLatencyMs} moves each end earlier, before padding: a recurrent detector's probability stays high
 *       for a while after speech stops (Silero v6: two 32 ms chunks above 0.5 on the labelled LibriVox clips), so
 *       the silence run starts that much after the speech really ended. It never moves an end before the
 *       segment's start, does not change which segments are kept, and does not apply to speech cut by the clip's
 *       end.</li>
 *   <li>{@code speechPadMs} widens each kept segment on both sides, clamped to the start of the stream and to the
 *       end of the previous segment (segments never overlap); the end padding is clamped to the end of the frame
 *       that ended the segment (so it is at most {@code minSilenceMs} plus a frame) and, at {@link #finish}, to the
 *       end of the clip.</li>
 * </ul>
 *
 * <p>An instance is mutable, used by one thread, and allocates only when a segment ends.
 */
public final class SpeechSegmenter {

    /** What one {@link #accept} call changed. */
    public enum Event {
        /** Nothing to report. */
        NONE,
        /** Speech has lasted {@code minSpeechMs}: {@link #currentStartSample()} says where it (padded) began. */
        SPEECH_STARTED,
        /** A segment ended: {@link #lastSegment()} holds it. */
        SPEECH_ENDED
    }

    /**
     * A stretch of speech, {@code [startSample, endSample)} at {@code sampleRateHz}.
     *
     * @param startSample  the first sample of the speech (padded)
     * @param endSample    one past its last sample (padded)
     * @param sampleRateHz the rate the positions count at
     */
    public record Segment(long startSample, long endSample, int sampleRateHz) {
        /**
         * Checks {@code 0 <= startSample <= endSample} and a positive rate.
         *
         * @param startSample  the first sample of the speech (padded)
         * @param endSample    one past its last sample (padded)
         * @param sampleRateHz the rate the positions count at
         */
        public Segment {
            if (startSample < 0 || endSample < startSample) {
                throw new IllegalArgumentException(
                        "segment must satisfy 0 <= start <= end, was [" + startSample + ", " + endSample + ")");
            }
            if (sampleRateHz <= 0) {
                throw new IllegalArgumentException("sample rate must be positive, was " + sampleRateHz);
            }
        }

        /** {@return the start in seconds} */
        public double startS() {
            return (double) startSample / sampleRateHz;
        }

        /** {@return the end in seconds} */
        public double endS() {
            return (double) endSample / sampleRateHz;
        }

        /** {@return the length in milliseconds} */
        public double durationMs() {
            return (endSample - startSample) * 1000.0 / sampleRateHz;
        }

        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "[%.3f s, %.3f s)", startS(), endS());
        }
    }

    // The options of this segmenter, as given on a command line. The live turn policy
    // (io.github.voicechat.TurnPolicy#OPTIONS) reads the first four too: one key, one type, one range for both.
    // They have no default of their own here: the segmenter's and the turn policy's differ, as the descriptions say.

    /** {@code threshold}: the activation threshold. */
    public static final EngineOption<Double> THRESHOLD = EngineOption.number("threshold", null, 0.01, 1.0,
            "speech starts at this probability (default 0.5)");
    /** {@code neg_threshold}: the deactivation threshold. */
    public static final EngineOption<Double> NEG_THRESHOLD = EngineOption.number("neg_threshold", null, 0.01, 1.0,
            "once speaking, a probability below this starts a silence run (default threshold - 0.15)");
    /** {@code min_speech_ms}: speech shorter than this is dropped. */
    public static final EngineOption<Integer> MIN_SPEECH_MS = EngineOption.integer("min_speech_ms", null, 0, 10_000,
            "shorter speech is ignored (default: segmenter 250, turns 100)");
    /** At least 10 ms: a shorter silence would end speech at every quiet frame (the turn policy's floor too). */
    public static final EngineOption<Integer> MIN_SILENCE_MS = EngineOption.integer("min_silence_ms", null, 10,
            10_000, "silence that ends speech (default: segmenter 100, turns 500)");
    /** {@code speech_pad_ms}: padding on both sides of a segment. */
    public static final EngineOption<Integer> SPEECH_PAD_MS = EngineOption.integer("speech_pad_ms", null, 0, 2_000,
            "segments are widened by this on both sides (default 30)");
    /** {@code end_latency_ms}: how far each end moves earlier before padding. */
    public static final EngineOption<Integer> END_LATENCY_MS = EngineOption.integer("end_latency_ms", null, 0,
            2_000, "how much later than the speech the detector's probability falls (default 0)");
    /** The options {@link Builder#options(EngineOptions)} reads. */
    public static final List<EngineOption<?>> OPTIONS =
            List.of(THRESHOLD, NEG_THRESHOLD, MIN_SPEECH_MS, MIN_SILENCE_MS, SPEECH_PAD_MS, END_LATENCY_MS);

    /**
     * The deactivation threshold that goes with an activation threshold when only the latter is given: 0.15 below
     * it, as in Silero's reference segmenter (0.5 gives the default 0.35).
     *
     * @param activationThreshold the probability at which speech starts
     * @return the probability below which a silence run starts, at least 0.01
     */
    public static float deactivationFor(float activationThreshold) {
        return Math.max(0.01f, activationThreshold - 0.15f);
    }

    private final int sampleRateHz;
    private final float activationThreshold;
    private final float deactivationThreshold;
    private final int minSpeechMs;
    private final int minSilenceMs;
    private final int speechPadMs;
    private final int endLatencyMs;
    private final long minSpeechSamples;
    private final long minSilenceSamples;
    private final long padSamples;
    private final long endLatencySamples;

    private final Hysteresis hysteresis;
    private boolean triggered;
    private boolean confirmed;
    /** First sample of the first frame at or above activation; -1 when not speaking. */
    private long rawStart = -1;
    /** First sample of the current silence run; -1 when none. */
    private long silenceStart = -1;
    /** End of the last emitted segment (padded): the next one may not start before it. */
    private long previousEnd;
    /** End of the last frame seen: frames must not go back in time. */
    private long position;
    private Segment lastSegment;

    private SpeechSegmenter(Builder b) {
        this.sampleRateHz = b.sampleRateHz;
        this.activationThreshold = b.activationThreshold;
        this.deactivationThreshold = b.deactivationThreshold;
        this.minSpeechMs = b.minSpeechMs;
        this.minSilenceMs = b.minSilenceMs;
        this.speechPadMs = b.speechPadMs;
        this.minSpeechSamples = msToSamples(b.minSpeechMs, b.sampleRateHz);
        this.minSilenceSamples = msToSamples(b.minSilenceMs, b.sampleRateHz);
        this.padSamples = msToSamples(b.speechPadMs, b.sampleRateHz);
        this.endLatencyMs = b.endLatencyMs;
        this.endLatencySamples = msToSamples(b.endLatencyMs, b.sampleRateHz);
        this.hysteresis = new Hysteresis(b.activationThreshold, b.deactivationThreshold);
    }

    /**
     * {@return a builder with the defaults} Activation 0.5, deactivation 0.35, min speech 250 ms, min silence 100 ms,
     * pad 30 ms, end latency 0 ms.
     *
     * @param sampleRateHz the rate frame positions count at
     */
    public static Builder builder(int sampleRateHz) {
        return new Builder(sampleRateHz);
    }

    /** {@return a builder holding this segmenter's settings, for a variant} */
    public Builder toBuilder() {
        return new Builder(sampleRateHz)
                .activationThreshold(activationThreshold)
                .deactivationThreshold(deactivationThreshold)
                .minSpeechMs(minSpeechMs)
                .minSilenceMs(minSilenceMs)
                .speechPadMs(speechPadMs)
                .endLatencyMs(endLatencyMs);
    }

    private static long msToSamples(int ms, int rateHz) {
        return Math.round(ms * (double) rateHz / 1000.0);
    }

    /** {@return the rate frame positions count at} */
    public int sampleRateHz() {
        return sampleRateHz;
    }

    /** {@return the probability at or above which speech starts} */
    public float activationThreshold() {
        return activationThreshold;
    }

    /** {@return the probability below which a silence run starts} */
    public float deactivationThreshold() {
        return deactivationThreshold;
    }

    /** {@return the shortest speech kept, in milliseconds} */
    public int minSpeechMs() {
        return minSpeechMs;
    }

    /** {@return the silence that ends speech, in milliseconds} */
    public int minSilenceMs() {
        return minSilenceMs;
    }

    /** {@return the padding on both sides of a segment, in milliseconds} */
    public int speechPadMs() {
        return speechPadMs;
    }

    /** {@return how far each end moves earlier before padding, in milliseconds} */
    public int endLatencyMs() {
        return endLatencyMs;
    }

    /** {@return whether speech has started (confirmed by {@code minSpeechMs}) and not yet ended} */
    public boolean isSpeaking() {
        return confirmed;
    }

    /** {@return the padded start of the speech in progress once {@link Event#SPEECH_STARTED} was reported; else -1} */
    public long currentStartSample() {
        return confirmed ? paddedStart() : -1;
    }

    /** {@return the segment reported by the last {@link Event#SPEECH_ENDED}, or null} */
    public Segment lastSegment() {
        return lastSegment;
    }

    /**
     * Takes the speech probability of the frame {@code [frameStartSample, frameStartSample + frameSamples)}.
     *
     * @param frameStartSample the frame's first sample, not before the end of the previous frame
     * @param frameSamples     the frame's length
     * @param probability      the detector's speech probability for it, in [0, 1]
     * @return what changed
     * @throws IllegalArgumentException if the probability is outside [0, 1] or NaN, the frame is empty, or it starts
     *                                  before the end of the previous frame
     */
    public Event accept(long frameStartSample, int frameSamples, float probability) {
        if (!(probability >= 0f && probability <= 1f)) {
            throw new IllegalArgumentException("speech probability must be in [0, 1], was " + probability);
        }
        if (frameSamples <= 0) {
            throw new IllegalArgumentException("frame length must be positive, was " + frameSamples);
        }
        if (frameStartSample < position) {
            throw new IllegalArgumentException("frames must not go back in time: frame starts at sample "
                    + frameStartSample + " but the previous one ended at " + position);
        }
        long frameEnd = frameStartSample + frameSamples;
        position = frameEnd;

        boolean speech = hysteresis.isSpeech(probability);
        if (!triggered) {
            if (speech) {
                triggered = true;
                rawStart = frameStartSample;
                silenceStart = -1;
                return confirmIfLongEnough(frameEnd);
            }
            return Event.NONE;
        }
        if (speech) {
            silenceStart = -1;
        } else if (silenceStart < 0) {
            silenceStart = frameStartSample;
        }
        if (silenceStart >= 0) {
            if (frameEnd - silenceStart >= minSilenceSamples) {
                // Padding after the speech is limited to what has been heard: the next segment cannot then
                // start inside this one's padding.
                return end(silenceStart, frameEnd, true);
            }
            return Event.NONE;
        }
        return confirmIfLongEnough(frameEnd);
    }

    private Event confirmIfLongEnough(long speechEnd) {
        if (!confirmed && speechEnd - rawStart >= minSpeechSamples) {
            confirmed = true;
            return Event.SPEECH_STARTED;
        }
        return Event.NONE;
    }

    private long paddedStart() {
        return Math.max(Math.max(0, previousEnd), rawStart - padSamples);
    }

    private Event end(long rawEnd, long clipEnd, boolean bySilence) {
        boolean keep = rawEnd - rawStart >= minSpeechSamples;
        Event event = Event.NONE;
        if (keep) {
            long start = paddedStart();
            long spoken = bySilence ? Math.max(rawStart, rawEnd - endLatencySamples) : rawEnd;
            long end = Math.max(start, Math.min(spoken + padSamples, clipEnd));
            lastSegment = new Segment(start, end, sampleRateHz);
            previousEnd = end;
            event = Event.SPEECH_ENDED;
        }
        triggered = false;
        confirmed = false;
        rawStart = -1;
        silenceStart = -1;
        return event;
    }

    /**
     * Ends the stream at {@code endSample} (the clip length): speech still in progress ends there, or at the start of
     * its silence run if one began, padded but not beyond {@code endSample}.
     *
     * @param endSample the stream's length in samples, not before the end of the last frame
     * @return {@link Event#SPEECH_ENDED} if that closed a segment (see {@link #lastSegment()})
     */
    public Event finish(long endSample) {
        if (endSample < position) {
            throw new IllegalArgumentException(
                    "stream end " + endSample + " is before the end of the last frame " + position);
        }
        Event event = Event.NONE;
        if (triggered) {
            event = silenceStart >= 0 ? end(silenceStart, endSample, true) : end(endSample, endSample, false);
        }
        hysteresis.reset(); // the stream is over: what follows starts from silence
        position = endSample;
        return event;
    }

    /** Forgets everything, as at the start of a new stream at sample 0. */
    public void reset() {
        hysteresis.reset();
        triggered = false;
        confirmed = false;
        rawStart = -1;
        silenceStart = -1;
        previousEnd = 0;
        position = 0;
        lastSegment = null;
    }

    /**
     * Segments a whole clip given one probability per frame of {@code frameSamples}, frame {@code i} starting at
     * sample {@code i * frameSamples}; the clip is {@code clipSamples} long. Resets this segmenter first.
     *
     * @param probabilities one speech probability per frame
     * @param frameSamples  the frames' length
     * @param clipSamples   the clip's length
     * @return the kept segments, in order
     */
    public List<Segment> segment(float[] probabilities, int frameSamples, long clipSamples) {
        reset();
        List<Segment> out = new ArrayList<>();
        for (int i = 0; i < probabilities.length; i++) {
            if (accept((long) i * frameSamples, frameSamples, probabilities[i]) == Event.SPEECH_ENDED) {
                out.add(lastSegment);
            }
        }
        if (finish(Math.max(clipSamples, position)) == Event.SPEECH_ENDED) {
            out.add(lastSegment);
        }
        return out;
    }

    /**
     * Runs {@code vad} over a whole clip at the detector's rate, reframing it to {@link
     * VoiceActivityDetector#frameSamples()} (a last partial frame is zero-padded), and segments the result with
     * {@code segmenter}. Resets both first.
     *
     * @param vad       the detector
     * @param samples   the clip, at the detector's rate
     * @param segmenter the segmenter, at the detector's rate
     * @return the kept segments, in order, none beyond the clip
     * @throws IllegalArgumentException if the segmenter's rate is not the detector's
     */
    public static List<Segment> detect(VoiceActivityDetector vad, float[] samples, SpeechSegmenter segmenter) {
        if (segmenter.sampleRateHz() != vad.sampleRateHz()) {
            throw new IllegalArgumentException("segmenter runs at " + segmenter.sampleRateHz()
                    + " Hz but the detector at " + vad.sampleRateHz() + " Hz");
        }
        vad.reset();
        segmenter.reset();
        List<Segment> out = new ArrayList<>();
        Framer framer = new Framer(vad.frameSamples());
        Framer.FrameConsumer consumer = (frame, off, len, start) -> {
            float p = vad.speechProbability(frame, off, len);
            if (segmenter.accept(start, len, p) == Event.SPEECH_ENDED) {
                out.add(segmenter.lastSegment());
            }
        };
        framer.push(samples, 0, samples.length, consumer);
        framer.flushPadded(consumer);
        if (segmenter.finish(Math.max(samples.length, segmenter.position)) == Event.SPEECH_ENDED) {
            out.add(segmenter.lastSegment());
        }
        // A padded last frame can push a segment end past the clip; the clip is the truth.
        for (int i = 0; i < out.size(); i++) {
            Segment s = out.get(i);
            if (s.endSample() > samples.length) {
                out.set(i, new Segment(Math.min(s.startSample(), samples.length), samples.length, s.sampleRateHz()));
            }
        }
        return out;
    }

    /** Settings of a {@link SpeechSegmenter}. */
    public static final class Builder {
        private final int sampleRateHz;
        private float activationThreshold = 0.5f;
        private float deactivationThreshold = 0.35f;
        private int minSpeechMs = 250;
        private int minSilenceMs = 100;
        private int speechPadMs = 30;
        private int endLatencyMs;

        private Builder(int sampleRateHz) {
            if (sampleRateHz <= 0) {
                throw new IllegalArgumentException("sample rate must be positive, was " + sampleRateHz + " Hz");
            }
            this.sampleRateHz = sampleRateHz;
        }

        /**
         * Applies {@link #OPTIONS} as given on a command line ({@code threshold}, {@code neg_threshold},
         * {@code min_speech_ms}, {@code min_silence_ms}, {@code speech_pad_ms}, {@code end_latency_ms}); a
         * {@code threshold} without {@code neg_threshold} brings {@link #deactivationFor its deactivation}.
         *
         * @param options options by key
         * @return this builder
         * @throws IllegalArgumentException on any other key (naming the valid ones) or a bad value
         */
        public Builder options(EngineOptions options) {
            EngineOptions o = options.check("the speech segmenter", OPTIONS);
            THRESHOLD.find(o).ifPresent(t -> {
                activationThreshold(t.floatValue());
                deactivationThreshold(deactivationFor(t.floatValue()));
            });
            NEG_THRESHOLD.find(o).ifPresent(t -> deactivationThreshold(t.floatValue()));
            MIN_SPEECH_MS.find(o).ifPresent(this::minSpeechMs);
            MIN_SILENCE_MS.find(o).ifPresent(this::minSilenceMs);
            SPEECH_PAD_MS.find(o).ifPresent(this::speechPadMs);
            END_LATENCY_MS.find(o).ifPresent(this::endLatencyMs);
            return this;
        }

        /**
         * Sets the probability at or above which speech starts (and a silence run is cancelled).
         *
         * @param threshold in (0, 1]
         * @return this builder
         */
        public Builder activationThreshold(float threshold) {
            requireProbability("activation threshold", threshold);
            this.activationThreshold = threshold;
            return this;
        }

        /**
         * Sets the probability below which a silence run starts.
         *
         * @param threshold in (0, 1], not above the activation threshold when built
         * @return this builder
         */
        public Builder deactivationThreshold(float threshold) {
            requireProbability("deactivation threshold", threshold);
            this.deactivationThreshold = threshold;
            return this;
        }

        /**
         * Sets the shortest speech kept.
         *
         * @param ms milliseconds, not negative
         * @return this builder
         */
        public Builder minSpeechMs(int ms) {
            this.minSpeechMs = requireNonNegative("min speech", ms);
            return this;
        }

        /**
         * Sets the silence that ends speech.
         *
         * @param ms milliseconds, not negative
         * @return this builder
         */
        public Builder minSilenceMs(int ms) {
            this.minSilenceMs = requireNonNegative("min silence", ms);
            return this;
        }

        /**
         * Sets the padding on both sides of a segment.
         *
         * @param ms milliseconds, not negative
         * @return this builder
         */
        public Builder speechPadMs(int ms) {
            this.speechPadMs = requireNonNegative("speech pad", ms);
            return this;
        }

        /**
         * Sets how much later than the speech the detector's probability falls; default 0.
         *
         * @param ms milliseconds, not negative
         * @return this builder
         */
        public Builder endLatencyMs(int ms) {
            this.endLatencyMs = requireNonNegative("end latency", ms);
            return this;
        }

        /**
         * {@return the segmenter}
         *
         * @throws IllegalArgumentException if the deactivation threshold is above the activation threshold
         */
        public SpeechSegmenter build() {
            if (deactivationThreshold > activationThreshold) {
                throw new IllegalArgumentException("deactivation threshold " + deactivationThreshold
                        + " must not exceed activation threshold " + activationThreshold);
            }
            return new SpeechSegmenter(this);
        }

        private static void requireProbability(String what, float v) {
            if (!(v > 0f && v <= 1f)) {
                throw new IllegalArgumentException(what + " must be in (0, 1], was " + v);
            }
        }

        private static int requireNonNegative(String what, int ms) {
            if (ms < 0) {
                throw new IllegalArgumentException(what + " must be >= 0 ms, was " + ms + " ms");
            }
            return ms;
        }
    }
}
