package io.github.voicechat.audio.internal;

/**
 * Whether what the microphone hears now is the bot's own echo: a double-talk check that does not trust the echo
 * canceller. It compares the microphone's loudness envelope (10 ms blocks) with the envelope of what the speaker was
 * given, at delays from {@value #MIN_DELAY_MS} to {@value #MAX_DELAY_MS} ms: echo has the speaker's shape at one
 * delay, a person talking does not.
 *
 * <p>Why: on a speakerphone loop (the bot's voice back in the microphone at 0 dB) the canceller loses the echo for a
 * few frames whenever the echo path moves (a cut and replay of the device queue, a stall, a device that re-primes)
 * and at loud onsets after a pause in the bot's speech; the voice detector then hears the bot's own words and the
 * bot interrupts itself, and the interruption's echo becomes a user turn of its own (measured in
 * {@code benchmarks/LIVE-DEVICE.md}). This check looks at the raw microphone and at what was written, so it holds
 * while the canceller re-converges, whatever delay the device path has.
 *
 * <p>Two steps, because a short window alone cannot tell every onset from echo (a syllable rising out of silence
 * looks like one of the bot's own at some delay). An echo path is <em>found</em> only on a
 * {@value #ACQUIRE_WINDOW_MS} ms window with a close match (cosine similarity of the envelopes at least
 * {@value #ACQUIRE_COSINE} and correlation at least {@value #ACQUIRE_CORRELATION}), which a voice starting over the
 * bot's speech does not give. Once found it is <em>followed</em> on a {@value #WINDOW_MS} ms window within
 * {@value #TRACK_MS} ms of its last delay (cosine {@value #MIN_COSINE}, correlation {@value #MIN_CORRELATION}) and within
 * {@value #MAX_GAIN_CHANGE_DB} dB of its usual loudness: a voice over the echo adds a shape and a loudness of its
 * own and gets through (tests: within 200 ms at equal loudness). The session ignores speech only while it is judged
 * echo; it never declares speech.
 *
 * <p>Session thread only; nothing on the per-frame path allocates.
 */
public final class EchoGate {

    static final int BLOCK_MS = 10;
    /** The window that follows a known echo path. */
    static final int WINDOW_MS = 200;
    /** The window that finds an echo path afresh. */
    static final int ACQUIRE_WINDOW_MS = 600;
    /** How far the echo path may move between ticks and still be followed (a stall, a replay). */
    static final int TRACK_MS = 60;
    static final double ACQUIRE_COSINE = 0.92;
    static final double ACQUIRE_CORRELATION = 0.8;
    /** The echo's loudness relative to the far end changes little; a voice of its own changes it. */
    static final double MAX_GAIN_CHANGE_DB = 6;
    static final int MIN_DELAY_MS = 20;
    static final int MAX_DELAY_MS = 500;
    /** Cosine similarity of the envelopes (no mean removed) that echo reaches: onsets over silence match. */
    static final double MIN_COSINE = 0.9;
    /** Correlation of the envelopes (mean removed) that echo reaches: the syllables line up. */
    static final double MIN_CORRELATION = 0.7;
    /** The microphone louder than the speaker's reference by more than this (amplitude ratio) is not echo alone. */
    static final double MAX_GAIN = 2.0;
    /** What the canceller must have taken out of the microphone, over the last second, for echo to be declared. */
    static final double MIN_CANCELLED_DB = 4;
    /** {@link #MIN_CANCELLED_DB} as a power ratio, computed once rather than on every tick. */
    private static final double MIN_CANCELLED_RATIO = Math.pow(10, MIN_CANCELLED_DB / 10);
    static final int CANCELLED_WINDOW_MS = 1000;
    /** Below this RMS the speaker is silent (about -50 dBFS). */
    static final double SILENT = 0.003;

    private static final int TRACK_WINDOW = WINDOW_MS / BLOCK_MS;
    private static final int ACQUIRE_WINDOW = ACQUIRE_WINDOW_MS / BLOCK_MS;
    private static final int TRACK_BLOCKS = TRACK_MS / BLOCK_MS;
    private final int minLag = MIN_DELAY_MS / BLOCK_MS;
    private final int maxLag = MAX_DELAY_MS / BLOCK_MS;
    private final int history = Math.max(ACQUIRE_WINDOW + maxLag, CANCELLED_WINDOW_MS / BLOCK_MS);
    /** The echo path's delay in blocks, -1 until found; its gain (microphone over far end), in dB. */
    private int trackedLag = -1;
    private double trackedGainDb;
    private double lastGainDb;
    /** What was written (far) and heard (mic). */
    private final Envelope far;
    private final Envelope mic;
    /** The microphone after the echo canceller: what it took out says whether there was echo to take. */
    private final Envelope cleaned;

    /**
     * @param outRateHz the speaker's rate
     * @param inRateHz  the microphone's rate
     */
    public EchoGate(int outRateHz, int inRateHz) {
        this.far = new Envelope(outRateHz * BLOCK_MS / 1000, history);
        this.mic = new Envelope(inRateHz * BLOCK_MS / 1000, history);
        this.cleaned = new Envelope(inRateHz * BLOCK_MS / 1000, history);
    }

    /** What was written to the speaker this tick. */
    public void played(float[] samples, int length) {
        far.add(samples, length);
    }

    /** What the microphone heard this tick, before and after the echo canceller. */
    public void heard(float[] samples, float[] afterCanceller, int length) {
        mic.add(samples, length);
        cleaned.add(afterCanceller, length);
    }

    /**
     * Whether the canceller took at least {@value #MIN_CANCELLED_DB} dB out of the microphone over the last
     * {@value #CANCELLED_WINDOW_MS} ms. On the loop it does (−60 dB and more once converged; it loses the echo for a
     * few frames at a time, which is what this gate bridges); a user talking over the bot with no echo keeps the
     * cleaned microphone as loud as the raw one, so an echo path "followed" on a user's voice is dropped at once.
     */
    private boolean cancellerTookEchoOut() {
        int window = CANCELLED_WINDOW_MS / BLOCK_MS;
        double raw = 0;
        double left = 0;
        for (long b = mic.blocks - window; b < mic.blocks; b++) {
            if (b >= 0) {
                raw += mic.at(b) * mic.at(b);
                left += cleaned.at(b) * cleaned.at(b);
            }
        }
        return raw >= left * MIN_CANCELLED_RATIO;
    }

    /** {@return whether the microphone's last blocks are the speaker's echo} */
    public boolean echo() {
        if (!cancellerTookEchoOut()) {
            trackedLag = -1;
            return false;
        }
        if (trackedLag >= 0) {
            // The echo path as last found: a short window, near that delay, at the gain it had.
            int found = match(TRACK_WINDOW, Math.max(minLag, trackedLag - TRACK_BLOCKS),
                    Math.min(maxLag, trackedLag + TRACK_BLOCKS), MIN_COSINE, MIN_CORRELATION, true);
            if (found >= 0) {
                trackedLag = found;
                return true;
            }
        }
        // Not (or no longer) where it was: found afresh only on a long window and a close match, which a voice
        // starting over the bot's speech does not give.
        int found = match(ACQUIRE_WINDOW, minLag, maxLag, ACQUIRE_COSINE, ACQUIRE_CORRELATION, false);
        if (found >= 0) {
            trackedLag = found;
            trackedGainDb = lastGainDb;
            return true;
        }
        return false;
    }

    /**
     * The delay (in blocks) at which the microphone's last {@code window} blocks have the far end's shape, the best of
     * {@code fromLag..toLag}; -1 if none.
     */
    private int match(int window, int fromLag, int toLag, double minCosine, double minCorrelation, boolean atGain) {
        if (mic.blocks < window || far.blocks < window + fromLag) {
            return -1;
        }
        long micEnd = mic.blocks; // exclusive
        double micMean = 0;
        double micSq = 0;
        for (int k = 0; k < window; k++) {
            double m = mic.at(micEnd - window + k);
            micMean += m;
            micSq += m * m;
        }
        if (micSq == 0) {
            return -1;
        }
        micMean /= window;
        double micVar = micSq - window * micMean * micMean;
        // The far end's blocks are counted on the speaker's clock and the microphone's on its own; both advance one
        // tick per tick, so a delay is a fixed offset between the two counters.
        long offset = far.blocks - mic.blocks;
        int best = -1;
        double bestScore = 0;
        for (int lag = fromLag; lag <= toLag; lag++) {
            long farEnd = micEnd + offset - lag;
            if (farEnd > far.blocks) {
                continue; // a replay ran the speaker's count ahead: this delay would read blocks not yet written
            }
            if (farEnd - window < Math.max(0, far.blocks - history)) {
                break;
            }
            double dot = 0;
            double farSq = 0;
            double farMean = 0;
            double farMax = 0;
            for (int k = 0; k < window; k++) {
                double f = far.at(farEnd - window + k);
                double m = mic.at(micEnd - window + k);
                dot += f * m;
                farSq += f * f;
                farMean += f;
                farMax = Math.max(farMax, f);
            }
            if (farMax < SILENT || micSq > MAX_GAIN * MAX_GAIN * farSq) {
                continue;
            }
            double gainDb = 10 * Math.log10(micSq / farSq);
            if (atGain && Math.abs(gainDb - trackedGainDb) > MAX_GAIN_CHANGE_DB) {
                continue; // louder (or quieter) than the echo has been: someone else is talking
            }
            double cosine = dot / Math.sqrt(micSq * farSq);
            if (cosine < minCosine) {
                continue;
            }
            farMean /= window;
            double cov = dot - window * micMean * farMean;
            double farVar = farSq - window * farMean * farMean;
            if (micVar <= 0 || farVar <= 0) {
                continue;
            }
            double correlation = cov / Math.sqrt(micVar * farVar);
            if (correlation >= minCorrelation && cosine + correlation > bestScore) {
                bestScore = cosine + correlation;
                best = lag;
                lastGainDb = gainDb;
            }
        }
        if (best >= 0 && atGain) {
            trackedGainDb += 0.1 * (lastGainDb - trackedGainDb);
        }
        return best;
    }

    /** RMS per block of one signal, a ring of the last blocks. */
    private static final class Envelope {
        private final int blockSamples;
        private final double[] rms;
        /** Blocks completed since the start. */
        long blocks;
        private double sum;
        private int fill;

        Envelope(int blockSamples, int historyBlocks) {
            this.blockSamples = blockSamples;
            this.rms = new double[historyBlocks];
        }

        void add(float[] samples, int length) {
            for (int i = 0; i < length; i++) {
                sum += samples[i] * samples[i];
                if (++fill == blockSamples) {
                    rms[(int) (blocks++ % rms.length)] = Math.sqrt(sum / blockSamples);
                    sum = 0;
                    fill = 0;
                }
            }
        }

        /** The RMS of block {@code block} (one of the last kept). */
        double at(long block) {
            return rms[(int) (block % rms.length)];
        }
    }
}
