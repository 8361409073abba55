package io.github.voicechat.internal.session;

import io.github.voicechat.audio.Resampler;
import io.github.voicechat.internal.bus.FrameRing;
import io.github.voicechat.spi.EngineException;
import io.github.voicechat.spi.VoiceActivityDetector;
import java.util.Arrays;

/**
 * Stage 3, VAD and turn decision: hands each clean input frame to the recogniser (on the input bus, read on its own
 * thread), runs the VAD on it in the detector's frame size, and turns the probabilities into inputs of the
 * conversation's table. The detector's mode is read off the conversation's phase at every VAD frame, never kept
 * here. Owns the VAD, its resampler (none when the VAD runs at the input rate), its framing and the
 * {@link PitchTracker} fed the same audio; session thread only.
 *
 * <p>What the end-of-turn decision is told besides the silence (the recogniser's words, the pitch trend) is read
 * once per tick and written into the detector's fields before the tick's VAD frames are judged, not asked for by the
 * detector on every frame. The pitch tracker lives in this file because this stage is its only user and feeds it
 * every tick: a tick does not cross a file for it (as {@link TurnDetector.Hysteresis} lives in the detector's).
 */
final class ListenStage {

    private final VoiceActivityDetector vad;
    private final TurnDetector detector;
    private final PitchTracker pitch;
    /** The recogniser's words as of the end of the last tick, in a user turn (see {@link #run}); else empty. */
    private String hypothesis = "";
    private final Conversation conversation;
    private final Workers workers;
    private final FrameRing inputRing;
    private final int inRateHz;
    private final int inFrameSamples;
    private final int vadRateHz;
    private final boolean confirmOnWords;
    private final Resampler vadResampler;
    private final float[] vadBuffer;
    private int vadDrop;
    /** Samples at the VAD's rate waiting for a whole VAD frame; {@code pendingStart} is the first one's position. */
    private final float[] pending;
    private int pendingLength;
    private long vadPosition;
    /**
     * Set by the tick before {@link #run}: the microphone hears only the speaker's echo, so this frame's speech is
     * the bot's own and never a user's (a speakerphone loop).
     */
    boolean echoOnly;

    /**
     * @param detector makes the turn decisions; this stage writes its hints (words, pitch trend) once per tick
     */
    ListenStage(VoiceActivityDetector vad, TurnDetector detector,
            Conversation conversation, Workers workers, FrameRing inputRing, int inRateHz, int inFrameSamples,
            boolean confirmOnWords) {
        this.vad = vad;
        this.detector = detector;
        this.pitch = new PitchTracker(vad.sampleRateHz());
        this.conversation = conversation;
        this.workers = workers;
        this.inputRing = inputRing;
        this.inRateHz = inRateHz;
        this.inFrameSamples = inFrameSamples;
        this.vadRateHz = vad.sampleRateHz();
        this.confirmOnWords = confirmOnWords;
        this.vadResampler = vadRateHz == inRateHz ? null : Resampler.create(inRateHz, vadRateHz);
        this.vadDrop = vadResampler == null ? 0 : vadResampler.delaySamples();
        this.vadBuffer = vadResampler == null ? null : new float[vadResampler.maxOutputSamples(inFrameSamples) + 16];
        this.pending = new float[vad.frameSamples()];
    }

    /** Listens to one clean 20 ms input frame starting at input sample {@code startSample}. */
    void run(float[] clean, long startSample) {
        // The recogniser's words as of the end of the last tick: read before this frame reaches it (the lockstep
        // gate settled it then, and nothing has woken it since), so a confirmation lands on the same tick every run.
        // Only a paused barge-in needs them; otherwise the recogniser is not in an utterance begun over the bot.
        // Read off the current recogniser worker's field, not through a call.
        Phase phase = conversation.phase;
        String partial = phase == Phase.USER_TURN || confirmOnWords && phase == Phase.PAUSED
                ? workers.asr.partial : "";
        String words = phase == Phase.PAUSED ? partial : "";
        // The same for the end of a user turn, which the words help decide.
        hypothesis = phase == Phase.USER_TURN ? partial : "";
        inputRing.publish(clean, 0, inFrameSamples, inRateHz, startSample);
        float[] src = clean;
        int offset = 0;
        int length = inFrameSamples;
        if (vadResampler != null) {
            int produced = vadResampler.process(clean, 0, inFrameSamples, vadBuffer, 0);
            int skip = Math.min(vadDrop, produced);
            vadDrop -= skip;
            src = vadBuffer;
            offset = skip;
            length = produced - skip;
        }
        // The tick's hints, with this tick's audio in the pitch trend: a silent frame of a user turn reads them.
        pitch.accept(src, offset, length);
        detector.words = hypothesis;
        detector.pitchSlopeSemitonesPerS = pitch.slopeSemitonesPerS();
        frame(src, offset, length);
        if (!words.isBlank() && conversation.phase == Phase.PAUSED) {
            decide(detector.confirmExternally(conversation.phase.detectorMode));
        }
    }

    /** Cuts the VAD's input into its frames, in place where it can, and judges each one. */
    private void frame(float[] src, int offset, int length) {
        int frameSamples = pending.length;
        int i = offset;
        int end = offset + length;
        if (pendingLength > 0) {
            int take = Math.min(frameSamples - pendingLength, length);
            System.arraycopy(src, i, pending, pendingLength, take);
            pendingLength += take;
            i += take;
            if (pendingLength < frameSamples) {
                return;
            }
            judge(pending, 0);
            pendingLength = 0;
        }
        for (; end - i >= frameSamples; i += frameSamples) {
            judge(src, i);
        }
        System.arraycopy(src, i, pending, 0, end - i);
        pendingLength = end - i;
    }

    private void judge(float[] samples, int offset) {
        int frameSamples = pending.length;
        float p;
        try {
            p = vad.speechProbability(samples, offset, frameSamples);
        } catch (RuntimeException e) {
            throw e instanceof EngineException ? e : new EngineException("VAD failed: " + e.getMessage(), e);
        }
        requireProbability(p);
        if (echoOnly) {
            p = 0f; // the bot hearing itself: not speech of anyone at the microphone
        }
        long start = vadPosition * inRateHz / vadRateHz;
        int len = (int) ((long) frameSamples * inRateHz / vadRateHz);
        vadPosition += frameSamples;
        decide(detector.accept(conversation.phase.detectorMode, p, start, len));
    }

    /**
     * A speech probability refused unless it is in [0, 1] (NaN included): a NaN compares false with every
     * threshold, so the user would never be heard again. Checked here, where the VAD is read, in the same call.
     */
    private static void requireProbability(float p) {
        if (!(p >= 0f && p <= 1f)) {
            throw new EngineException("VAD returned speech probability " + p + "; it must be in [0, 1]");
        }
    }

    private void decide(TurnDetector.Event event) {
        Input input;
        switch (event) {
            case NONE:
                return;
            case USER_START:
                input = Input.SPEECH_STARTED;
                break;
            case USER_END:
                input = Input.SPEECH_ENDED;
                break;
            case USER_PAUSE:
                conversation.wordsAtPause = hypothesis;
                input = Input.SPEECH_PAUSED;
                break;
            case USER_RESUME:
                input = Input.SPEECH_RESUMED;
                break;
            case PAUSE:
                input = Input.SPEECH_OVER_BOT;
                break;
            case RESUME:
                input = Input.NOISE_ENDED;
                break;
            case CONFIRM:
                input = Input.BARGE_IN_CONFIRMED;
                break;
            default:
                throw new AssertionError(event);
        }
        conversation.on(input, detector.eventSample);
    }

    /**
     * The voice's pitch trend at the end of what was said: an autocorrelation pitch tracker (70–400 Hz, a 30 ms window
     * every 10 ms, on audio decimated to about 8 kHz) and a least-squares line through the voiced points of the last
     * {@link #TREND_MS} before the latest one, in semitones per second.
     *
     * <p>Session thread only; preallocated, so it adds no garbage per frame. Fed the same audio as the VAD.
     */
    static final class PitchTracker {

        static final int MIN_HZ = 70;
        static final int MAX_HZ = 400;
        static final int WINDOW_MS = 30;
        static final int HOP_MS = 10;
        /** The stretch of voice the trend is read from: the end of a phrase, where its final fall or rise is. */
        static final int TREND_MS = 300;
        /** A window is voiced when its normalised autocorrelation peak reaches this ... */
        static final double VOICED_CORRELATION = 0.6;
        /** ... and its level this (−45 dBFS RMS). */
        static final double VOICED_RMS = 0.0056;
        /** A point further than this from the median of the trend's points is an octave error, not intonation. */
        static final double OUTLIER_SEMITONES = 6;
        /** Fewer voiced points than this (50 ms) tell no trend. */
        static final int MIN_POINTS = 5;

        private final int decimation;
        private final double rateHz;
        private final int window;
        private final int minLag;
        private final int maxLag;
        private final int hop;
        /** The last {@code window + maxLag} decimated samples, oldest first. */
        private final float[] history;
        private int filled;
        private int sinceHop;
        private float accumulator;
        private int accumulated;
        /** Decimated samples seen so far: the time axis of the points. */
        private long position;

        private final long[] pointAt;
        private final double[] pointSemitones;
        private final double[] scratch;
        private int points;
        private int nextPoint;
        private long version;
        private long slopeVersion = -1;
        private double slope = Double.NaN;

        /** @param sampleRateHz the rate of the audio it is fed */
        PitchTracker(int sampleRateHz) {
            this.decimation = Math.max(1, sampleRateHz / 8000);
            this.rateHz = (double) sampleRateHz / decimation;
            this.window = (int) (rateHz * WINDOW_MS / 1000);
            this.minLag = (int) Math.floor(rateHz / MAX_HZ);
            this.maxLag = (int) Math.ceil(rateHz / MIN_HZ);
            this.hop = (int) (rateHz * HOP_MS / 1000);
            this.history = new float[window + maxLag + 1];
            int capacity = TREND_MS / HOP_MS + 1;
            this.pointAt = new long[capacity];
            this.pointSemitones = new double[capacity];
            this.scratch = new double[capacity];
        }

        /** Feeds audio at the rate given at construction. */
        void accept(float[] samples, int offset, int length) {
            for (int i = offset; i < offset + length; i++) {
                accumulator += samples[i];
                if (++accumulated < decimation) {
                    continue;
                }
                float x = accumulator / decimation; // a boxcar: enough low-pass for a pitch up to 400 Hz
                accumulator = 0;
                accumulated = 0;
                push(x);
            }
        }

        private void push(float x) {
            if (filled == history.length) {
                System.arraycopy(history, 1, history, 0, history.length - 1);
                history[history.length - 1] = x;
            } else {
                history[filled++] = x;
            }
            position++;
            if (++sinceHop >= hop && filled == history.length) {
                sinceHop = 0;
                analyse();
            }
        }

        /** Pitch of the window ending at the newest sample, compared with the {@code maxLag} samples before it. */
        private void analyse() {
            int start = history.length - window;
            double e0 = 0;
            for (int i = start; i < history.length; i++) {
                e0 += history[i] * history[i];
            }
            if (Math.sqrt(e0 / window) < VOICED_RMS) {
                return;
            }
            double best = 0;
            int bestLag = -1;
            for (int lag = minLag; lag <= maxLag; lag++) {
                double c = correlation(start, lag, e0);
                if (c > best) {
                    best = c;
                    bestLag = lag;
                }
            }
            if (bestLag < 0 || best < VOICED_CORRELATION) {
                return;
            }
            // The shortest period nearly as good as the best: a double period correlates as well as the true one.
            for (int lag = minLag; lag < bestLag; lag++) {
                double c = correlation(start, lag, e0);
                if (c >= 0.9 * best && c >= correlation(start, lag - 1, e0) && c >= correlation(start, lag + 1, e0)) {
                    bestLag = lag;
                    best = c;
                    break;
                }
            }
            double left = correlation(start, bestLag - 1, e0);
            double right = correlation(start, bestLag + 1, e0);
            double denominator = left - 2 * best + right;
            double lag = bestLag + (denominator < 0 ? 0.5 * (left - right) / denominator : 0);
            double hz = rateHz / lag;
            pointAt[nextPoint] = position;
            pointSemitones[nextPoint] = 12 * Math.log(hz / 100.0) / Math.log(2);
            nextPoint = (nextPoint + 1) % pointAt.length;
            points = Math.min(points + 1, pointAt.length);
            version++;
        }

        /** Normalised correlation of the window with itself {@code lag} samples earlier; 0 outside the history. */
        private double correlation(int start, int lag, double e0) {
            if (lag < 1 || start - lag < 0) {
                return 0;
            }
            double c = 0;
            double el = 0;
            for (int i = start; i < history.length; i++) {
                float y = history[i - lag];
                c += history[i] * y;
                el += y * y;
            }
            return el <= 0 ? 0 : c / Math.sqrt(e0 * el);
        }

        /**
         * {@return the pitch trend over the last {@link #TREND_MS} of voice before the latest voiced point, in semitones
         * per second; NaN with fewer than {@link #MIN_POINTS} voiced points there}
         */
        double slopeSemitonesPerS() {
            if (slopeVersion == version) {
                return slope;
            }
            slopeVersion = version;
            slope = Double.NaN;
            if (points < MIN_POINTS) {
                return slope;
            }
            int newest = (nextPoint - 1 + pointAt.length) % pointAt.length;
            long from = pointAt[newest] - (long) (rateHz * TREND_MS / 1000);
            int n = 0;
            for (int k = 0; k < points; k++) {
                int idx = (newest - k + pointAt.length) % pointAt.length;
                if (pointAt[idx] < from) {
                    break;
                }
                scratch[n++] = pointSemitones[idx];
            }
            if (n < MIN_POINTS) {
                return slope;
            }
            Arrays.sort(scratch, 0, n);
            double median = scratch[n / 2];
            double st = 0;
            double sy = 0;
            double stt = 0;
            double sty = 0;
            int used = 0;
            for (int k = 0; k < n; k++) {
                int idx = (newest - k + pointAt.length) % pointAt.length;
                double y = pointSemitones[idx];
                if (Math.abs(y - median) > OUTLIER_SEMITONES) {
                    continue;
                }
                double t = (pointAt[idx] - from) / rateHz;
                st += t;
                sy += y;
                stt += t * t;
                sty += t * y;
                used++;
            }
            double d = used * stt - st * st;
            if (used < MIN_POINTS || d <= 0) {
                return slope;
            }
            slope = (used * sty - st * sy) / d;
            return slope;
        }
    }
}
