package io.github.voicechat.audio.internal;

/**
 * Whether what the microphone hears now is the bot's own echo: a double-talk check that does not trust the echo
 * canceller. It compares the microphone's loudness envelope over the last {@value #WINDOW_MS} ms with the envelope of
 * what the speaker was given, at every delay from {@value #MIN_DELAY_MS} to {@value #MAX_DELAY_MS} ms: echo has the
 * speaker's shape at one of those delays, a person talking over the bot does not.
 *
 * <p>Why: on a speakerphone loop (the bot's voice back in the microphone at 0 dB) the canceller loses the echo for a
 * few frames whenever the echo path moves (a cut and replay of the device queue, a stall, a device that re-primes,
 * measured in {@code benchmarks/LIVE-DEVICE.md}) and at a loud onset after a pause in the bot's speech; the voice
 * detector then hears the bot's own words and the bot interrupts itself. This check looks at the raw microphone and
 * what was written, so it holds while the canceller re-converges and whatever delay the device path has.
 *
 * <p>Echo is declared only when both the cosine similarity and the correlation (mean removed) of the two envelopes
 * pass, at the same delay, while the speaker was sounding and the microphone is not much louder than it: a user's
 * onset over continuous bot speech has a low cosine (most of the microphone's window is still silence), two
 * continuous voices a low correlation, and a user far louder than the bot's echo passes at once. It never decides
 * alone: the session only ignores speech that it judges echo.
 *
 * <p>Session thread only; nothing on the per-frame path allocates.
 */
public final class EchoGate {

    static final int BLOCK_MS = 10;
    static final int WINDOW_MS = 600;
    static final int MIN_DELAY_MS = 40;
    static final int MAX_DELAY_MS = 500;
    /** Cosine similarity of the envelopes (no mean removed) that echo reaches: onsets over silence match. */
    static final double MIN_COSINE = 0.92;
    /** Correlation of the envelopes (mean removed) that echo reaches: the syllables line up. */
    static final double MIN_CORRELATION = 0.8;
    /** The microphone louder than the speaker's reference by more than this (amplitude ratio) is not echo alone. */
    static final double MAX_GAIN = 2.0;
    /** Below this RMS the speaker is silent (about -50 dBFS). */
    static final double SILENT = 0.003;

    private final int window = WINDOW_MS / BLOCK_MS;
    private final int minLag = MIN_DELAY_MS / BLOCK_MS;
    private final int maxLag = MAX_DELAY_MS / BLOCK_MS;
    private final int history = window + maxLag;
    /** RMS per block of what was written (far) and heard (mic), rings of {@code history} blocks. */
    private final double[] far = new double[history];
    private final double[] mic = new double[history];
    private final int farBlock;
    private final int micBlock;
    private double farSum;
    private int farFill;
    private double micSum;
    private int micFill;
    private long farBlocks;
    private long micBlocks;

    /**
     * @param outRateHz the speaker's rate
     * @param inRateHz  the microphone's rate
     */
    public EchoGate(int outRateHz, int inRateHz) {
        this.farBlock = outRateHz * BLOCK_MS / 1000;
        this.micBlock = inRateHz * BLOCK_MS / 1000;
    }

    /** What was written to the speaker this tick. */
    public void played(float[] samples, int length) {
        for (int i = 0; i < length; i++) {
            farSum += samples[i] * samples[i];
            if (++farFill == farBlock) {
                far[(int) (farBlocks++ % history)] = Math.sqrt(farSum / farBlock);
                farSum = 0;
                farFill = 0;
            }
        }
    }

    /** What the microphone heard this tick. */
    public void heard(float[] samples, int length) {
        for (int i = 0; i < length; i++) {
            micSum += samples[i] * samples[i];
            if (++micFill == micBlock) {
                mic[(int) (micBlocks++ % history)] = Math.sqrt(micSum / micBlock);
                micSum = 0;
                micFill = 0;
            }
        }
    }

    /** {@return whether the microphone's last {@value #WINDOW_MS} ms are the speaker's echo} */
    public boolean echo() {
        if (micBlocks < window || farBlocks < window + minLag) {
            return false;
        }
        long micEnd = micBlocks; // exclusive
        double micMean = 0;
        double micSq = 0;
        for (int k = 0; k < window; k++) {
            double m = mic[(int) ((micEnd - window + k) % history)];
            micMean += m;
            micSq += m * m;
        }
        if (micSq == 0) {
            return false;
        }
        micMean /= window;
        double micVar = micSq - window * micMean * micMean;
        // The far end's blocks are counted on the speaker's clock and the microphone's on its own; both advance one
        // tick per tick, so a delay is a fixed offset between the two counters.
        long offset = farBlocks - micBlocks;
        for (int lag = minLag; lag <= maxLag; lag++) {
            long farEnd = micEnd + offset - lag;
            if (farEnd > farBlocks) {
                continue; // a replay ran the speaker's count ahead: this delay would read blocks not yet written
            }
            if (farEnd - window < Math.max(0, farBlocks - history)) {
                break;
            }
            double dot = 0;
            double farSq = 0;
            double farMean = 0;
            double farMax = 0;
            for (int k = 0; k < window; k++) {
                double f = far[(int) ((farEnd - window + k) % history)];
                double m = mic[(int) ((micEnd - window + k) % history)];
                dot += f * m;
                farSq += f * f;
                farMean += f;
                farMax = Math.max(farMax, f);
            }
            if (farMax < SILENT || micSq > MAX_GAIN * MAX_GAIN * farSq) {
                continue;
            }
            double cosine = dot / Math.sqrt(micSq * farSq);
            if (cosine < MIN_COSINE) {
                continue;
            }
            farMean /= window;
            double cov = dot - window * micMean * farMean;
            double farVar = farSq - window * farMean * farMean;
            if (micVar <= 0 || farVar <= 0) {
                continue;
            }
            if (cov / Math.sqrt(micVar * farVar) >= MIN_CORRELATION) {
                return true;
            }
        }
        return false;
    }
}
