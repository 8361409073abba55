package io.github.voicechat.audio.internal;

import java.util.Arrays;

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
 * own and gets through (tests: within 200 ms at equal loudness). A path found is kept while the speaker is silent
 * (the room and the device do not change between answers), so the next answer's echo is followed from its first
 * syllables. A path is what the echo lags beyond the device's own account of its part ({@link #deviceLag}: the
 * speaker's queue, the microphone's backlog and the dry spells of a stall), which a stall moves by more than a path
 * is followed within; so each window is matched block by block at what the device played for the block a path's
 * delay earlier. Nothing is echo once the speaker has been silent for longer than the longest path. The session
 * ignores speech only while it is judged echo; it never declares speech.
 *
 * <p>The other way round, {@link #nearEnd()} says when the microphone is louder than any echo of the speaker could
 * be (its gain learnt from the microphone while the speaker is active): a voice near the microphone, which the
 * session then hears uncancelled, because an echo canceller that has found no echo still takes such a voice out.
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

    /**
     * The microphone louder than the loudest echo the speaker's last half second could give, by this much (power,
     * dB): a voice at the microphone, whatever the canceller made of it.
     */
    static final double NEAR_END_MARGIN_DB = 10;
    private static final double NEAR_END_MARGIN = Math.pow(10, NEAR_END_MARGIN_DB / 10);
    /** The speaker louder than this (RMS, about -40 dBFS) would be heard back if there were an echo path. */
    static final double FAR_ACTIVE = 0.01;
    /** How much of the speaker's activity the echo's gain is learnt over, and how much it needs before it is used. */
    static final int GAIN_HISTORY_MS = 2000;
    static final int MIN_GAIN_HISTORY_MS = 1000;
    /** A voice found at the microphone is taken to go on this long (syllables have quiet parts). */
    static final int NEAR_END_HOLD_MS = 200;
    /**
     * How old a block must be before its gain is learnt, with no voice found near since: a voice rises out of
     * silence over a few blocks, and learning those as echo would lift the ceiling ahead of the voice for good.
     */
    static final int LEARN_AFTER_MS = 300;

    private static final int TRACK_WINDOW = WINDOW_MS / BLOCK_MS;
    private static final int ACQUIRE_WINDOW = ACQUIRE_WINDOW_MS / BLOCK_MS;
    private static final int TRACK_BLOCKS = TRACK_MS / BLOCK_MS;
    private final int minLag = MIN_DELAY_MS / BLOCK_MS;
    private final int maxLag = MAX_DELAY_MS / BLOCK_MS;
    private final int history = Math.max(ACQUIRE_WINDOW + maxLag, CANCELLED_WINDOW_MS / BLOCK_MS);
    /** No echo path found. */
    private static final int NONE = Integer.MIN_VALUE;
    /**
     * The echo path found, in blocks: how much later than the device's account ({@link #deviceLag}) the speaker is
     * heard (the room, the converters, and whatever the device's reports leave out or count twice, so it may be
     * negative), or {@link #NONE}; and its gain (microphone over far end), in dB.
     */
    private int trackedExtra = NONE;
    /**
     * The device's part of the echo path (the speaker's queue and the microphone's backlog, as the caller applies it
     * to the canceller's far end), in samples at the speaker's rate: now, and when it last moved by a block or more.
     */
    private long deviceLagSamples;
    private long movedLagSamples;
    /**
     * The microphone block at which the device's lag last moved while a path was followed, and whether the canceller
     * has yet to take echo out again since (it re-learns the path that moved: {@link #echo()}).
     */
    private long deviceMovedAtBlock = Long.MIN_VALUE / 2;
    private boolean cancellerRelearning;
    /**
     * The device's account of each microphone block (rings, by block index): the lag it was heard with, and whether
     * the speaker was dry (played nothing) then. Together they are the far end as the device plays it, on the
     * microphone's clock; the echo is that far end {@link #trackedExtra} blocks later, so a move of the device's
     * lag (a stall, a dropped backlog) and a dry spell reach the echo that much after the device reports them. Placed
     * at the device's account instead, a dry spell's first blocks still carried the old path's last echo while they
     * were matched as silence, and the bot heard its own words there (LIVE-DEVICE.md, session 12).
     */
    private final long[] deviceLagAt;
    private final boolean[] dryAt;
    /** The part of the next microphone frame heard while the speaker was dry, in samples at the speaker's rate. */
    private int dryFrom;
    private int dryTo;
    private double trackedGainDb;
    private double lastGainDb;
    /** What was written (far) and heard (mic). */
    private final Envelope far;
    private final Envelope mic;
    /** The microphone after the echo canceller: what it took out says whether there was echo to take. */
    private final Envelope cleaned;
    /**
     * The echo's gain, as it shows in microphone blocks while the speaker is active and no voice is near: each one's
     * power over that of the loudest speaker block that could have echoed into it (a ring of the last ones).
     */
    private final double[] echoGains = new double[GAIN_HISTORY_MS / BLOCK_MS];
    private long echoGainCount;
    /** The last blocks' gains, not yet learnt (NaN: not to be learnt), by block index modulo its length. */
    private final double[] pendingGains = new double[LEARN_AFTER_MS / BLOCK_MS];
    /**
     * Whether the speaker was loud enough, 20-500 ms before each microphone block, to echo into it (a ring, by block
     * index): only such blocks say anything about what the canceller takes out.
     */
    private final boolean[] echoable;
    /** Microphone blocks judged for a near voice; it is near up to (not including) block {@code nearEndUntil}. */
    private long judgedBlocks;
    private long nearEndUntil;

    /**
     * @param outRateHz the speaker's rate
     * @param inRateHz  the microphone's rate
     */
    public EchoGate(int outRateHz, int inRateHz) {
        this.far = new Envelope(outRateHz * BLOCK_MS / 1000, history);
        this.mic = new Envelope(inRateHz * BLOCK_MS / 1000, history);
        this.cleaned = new Envelope(inRateHz * BLOCK_MS / 1000, history);
        this.echoable = new boolean[history];
        this.deviceLagAt = new long[history];
        this.dryAt = new boolean[history];
        Arrays.fill(pendingGains, Double.NaN);
    }

    /** What was written to the speaker this tick. */
    public void played(float[] samples, int length) {
        far.add(samples, length);
    }

    /**
     * The device's part of the echo path now: how far behind what is written the speaker's output is heard at the
     * microphone by the device's account (its queue plus the microphone's backlog), in samples at the speaker's rate,
     * for the microphone frame heard next. The echo follows it a path's delay later (the room, the converters).
     *
     * <p>Why: a stall of the session runs the speaker dry and leaves its length in the microphone's backlog, so the
     * echo comes that much later at once, usually by more than the {@value #TRACK_MS} ms a path is followed within;
     * the gate then lost it and sought it afresh on the {@value #ACQUIRE_WINDOW_MS} ms window while the canceller,
     * re-converging after the same jump, let the echo through (an answer's first words, on a loaded machine, heard
     * as the user: {@code benchmarks/LIVE-DEVICE.md}, session 10). The device knows the jump, and
     * {@link SpeakerPath} knows which microphone frame it reaches (the frames recorded during the stall come first).
     *
     * <p>{@code drySamples} from sample {@code dryFromSample} of that frame (in samples at the speaker's rate) were
     * heard while the speaker played nothing (a stall ran it dry): there the echo is silence, whatever the path.
     */
    public void deviceLag(long outSamples, int dryFromSample, int drySamples) {
        deviceLagSamples = outSamples;
        dryFrom = dryFromSample;
        dryTo = dryFromSample + drySamples;
    }

    /**
     * The device's account of its part of the path was wrong by {@code outSamples} (in samples at the speaker's rate),
     * for every block heard so far, and is corrected from the next frame on: {@link SpeakerPath}'s correction from
     * the device's own delays, confirmed over several frames. The echo did not move; the account of it did, so the
     * blocks already heard are re-read at the corrected account and the path found shrinks by as much.
     *
     * <p>Why: speaker and microphone on clocks of their own drift apart (measured on the PulseAudio loop: the echo
     * 0.1-0.45 ms later every second, 129 → 146 ms and 143 → 162 ms in a run), the device's account follows in steps
     * of 30 ms and more ({@code SpeakerPath}'s tolerance), and after cuts and replays steps of about 100 ms were
     * logged ({@code benchmarks/LIVE-DEVICE.md}, session 13). Taken as a move of the echo, a step of 60 ms or more
     * left the window straddling two accounts that no single path fits, and the gate lost the echo while the
     * canceller, its far end moved by the step, let it through ({@code EchoGateTest}).
     */
    public void deviceLagCorrected(long outSamples) {
        for (int i = 0; i < deviceLagAt.length; i++) {
            deviceLagAt[i] += outSamples;
        }
        if (trackedExtra != NONE) {
            trackedExtra -= blocks(outSamples);
        }
    }

    /** What the microphone heard this tick, before and after the echo canceller. */
    public void heard(float[] samples, float[] afterCanceller, int length) {
        mic.add(samples, length);
        cleaned.add(afterCanceller, length);
        if (judgedBlocks < mic.blocks) {
            double ceiling = echoGainCeiling();
            long first = judgedBlocks;
            while (judgedBlocks < mic.blocks) {
                long at = (judgedBlocks - first) * far.blockSamples; // where in the frame, at the speaker's rate
                long dry = Math.min(at + far.blockSamples, dryTo) - Math.max(at, dryFrom);
                dryAt[(int) (judgedBlocks % history)] = 2 * dry >= far.blockSamples;
                judgeNearEnd(judgedBlocks++, ceiling);
            }
        }
    }

    /**
     * Whether the microphone's last block holds a voice louder than any echo of what the speaker played could be:
     * louder by {@value #NEAR_END_MARGIN_DB} dB than the loudest speaker block of the last {@value #MAX_DELAY_MS} ms
     * at the echo's gain (learnt over the last {@value #GAIN_HISTORY_MS} ms of the speaker's activity), and held
     * {@value #NEAR_END_HOLD_MS} ms. The classic double-talk test (Geigel's), with the echo's gain measured rather
     * than assumed.
     *
     * <p>Why: an echo canceller that has found no echo still takes a voice out while the far end is active. WebRTC's
     * AEC3 left a user who started over the bot at -94 dBFS (from -25 dBFS at the microphone) for a second, or for
     * all of a 3 s utterance, with no echo path at all (headset-like: the loop off; measured in
     * {@code benchmarks/LIVE-DEVICE.md}), so the barge-in was heard a second late or never. Where this holds, the
     * session listens to the microphone itself. Unknown (false) until the speaker has been active for
     * {@value #MIN_GAIN_HISTORY_MS} ms, and false while it is silent (there is nothing for a canceller to take out).
     */
    public boolean nearEnd() {
        return judgedBlocks > 0 && judgedBlocks - 1 < nearEndUntil;
    }

    /** The highest echo gain seen lately (power ratio), or NaN while too little is known. */
    private double echoGainCeiling() {
        if (echoGainCount < MIN_GAIN_HISTORY_MS / BLOCK_MS) {
            return Double.NaN;
        }
        double max = 0;
        for (int i = 0, n = (int) Math.min(echoGainCount, echoGains.length); i < n; i++) {
            max = Math.max(max, echoGains[i]);
        }
        return max;
    }

    private void judgeNearEnd(long block, double ceiling) {
        // The speaker's loudest block that could have echoed into this one (echo path 20-500 ms).
        long offset = far.blocks - mic.blocks;
        double farMax = 0;
        for (int lag = minLag; lag <= maxLag; lag++) {
            long at = block + offset - lag;
            if (at >= 0 && at < far.blocks && at >= far.blocks - history) {
                farMax = Math.max(farMax, far.at(at));
            }
        }
        // The block learnt now: the oldest pending one, unless a voice was found near since.
        int slot = (int) (block % pendingGains.length);
        double learnt = pendingGains[slot];
        if (!Double.isNaN(learnt)) {
            echoGains[(int) (echoGainCount++ % echoGains.length)] = learnt;
        }
        pendingGains[slot] = Double.NaN;
        echoable[(int) (block % history)] = farMax >= FAR_ACTIVE;
        deviceLagAt[(int) (block % history)] = deviceLagSamples;
        if (farMax < FAR_ACTIVE) {
            return; // nothing loud enough to echo: no verdict, and nothing to learn
        }
        double m = mic.at(block);
        double gain = m * m / (farMax * farMax);
        if (m >= SILENT && gain > NEAR_END_MARGIN * ceiling) { // false while the ceiling is unknown (NaN)
            nearEndUntil = block + 1 + NEAR_END_HOLD_MS / BLOCK_MS;
            Arrays.fill(pendingGains, Double.NaN); // the voice's rise out of silence is not echo
        } else if (block >= nearEndUntil) {
            pendingGains[slot] = gain; // the echo's alone, if no voice is found near in the next blocks
        }
    }

    /**
     * What the canceller made of the microphone over the last {@value #CANCELLED_WINDOW_MS} ms, counting only the
     * blocks the speaker could have echoed into: {@code TOOK_ECHO_OUT} where it took at least
     * {@value #MIN_CANCELLED_DB} dB out (on the loop −60 dB and more once converged; it loses the echo for a few
     * frames at a time, which is what this gate bridges), {@code TOOK_NOTHING_OUT} where it took less (a user talking
     * over the bot with no echo keeps the cleaned microphone as loud as the raw one, so an echo path "followed" on a
     * user's voice is dropped at once), and {@code NOTHING_TO_JUDGE} where no such block was louder than
     * {@link #SILENT}.
     *
     * <p>Why only those blocks: the canceller cannot take anything out while the speaker is silent, so the user's
     * turn just before an answer said "took nothing out" for up to a second into the answer, and the gate dropped the
     * path it had followed and sought it afresh while the answer's first words echoed (CI: the bot interrupted itself
     * 310 ms into an answer begun 520 ms after the user stopped).
     */
    private Canceller cancellerVerdict() {
        int window = CANCELLED_WINDOW_MS / BLOCK_MS;
        double raw = 0;
        double left = 0;
        int blocks = 0;
        for (long b = mic.blocks - window; b < mic.blocks; b++) {
            if (b >= 0 && echoable[(int) (b % history)]) {
                raw += mic.at(b) * mic.at(b);
                left += cleaned.at(b) * cleaned.at(b);
                blocks++;
            }
        }
        if (raw <= blocks * SILENT * SILENT) {
            return Canceller.NOTHING_TO_JUDGE;
        }
        return raw >= left * MIN_CANCELLED_RATIO ? Canceller.TOOK_ECHO_OUT : Canceller.TOOK_NOTHING_OUT;
    }

    /** {@return the microphone samples heard so far, counted in whole blocks (for logs)} */
    long heardSamples() {
        return mic.blocks * mic.blockSamples;
    }

    /** {@return whether the microphone's last blocks are the speaker's echo} */
    public boolean echo() {
        if (nearEnd()) {
            return false; // louder than the echo can be: someone is talking, over it or not
        }
        if (mic.blocks == 0 || !echoable[(int) ((mic.blocks - 1) % history)]) {
            // The speaker has been silent for longer than any echo path: nothing heard now can be its echo, however
            // well it matches the speaker's last words (a user who answers right after the bot stops).
            return false;
        }
        if (Math.abs(deviceLagSamples - movedLagSamples) * 2 >= far.blockSamples) {
            movedLagSamples = deviceLagSamples;
            if (trackedExtra != NONE) {
                deviceMovedAtBlock = mic.blocks;
                cancellerRelearning = true;
            }
        }
        Canceller canceller = cancellerVerdict();
        if (canceller == Canceller.NOTHING_TO_JUDGE) {
            return false; // no echo loud enough to matter lately; the path found before is kept for the next answer
        }
        // After the device's part of the path moved, the canceller lets the echo through while it learns the jump:
        // that is no sign of a user's voice, so the path is followed on its shape and gain alone meanwhile (which a
        // voice over the echo breaks), but found afresh only where the canceller takes echo out. Meanwhile lasts until
        // the canceller's last second, all of it after the move, says it takes echo out again: AEC3 took a few hundred
        // ms mostly, but over a second after a 35 ms correction in a traced run, and a grace of one second then let
        // the echo through as a voice (LIVE-DEVICE.md, session 13).
        if (cancellerRelearning && (trackedExtra == NONE || canceller == Canceller.TOOK_ECHO_OUT
                && mic.blocks - deviceMovedAtBlock >= CANCELLED_WINDOW_MS / BLOCK_MS)) {
            cancellerRelearning = false;
        }
        if (canceller == Canceller.TOOK_NOTHING_OUT && !cancellerRelearning) {
            trackedExtra = NONE;
            return false;
        }
        if (trackedExtra != NONE) {
            // The echo path as last found: a short window, near that delay, at the gain it had.
            int found = match(TRACK_WINDOW, trackedExtra - TRACK_BLOCKS, trackedExtra + TRACK_BLOCKS, MIN_COSINE,
                    MIN_CORRELATION, true);
            if (found != NONE) {
                trackedExtra = found;
                return true;
            }
        }
        if (canceller == Canceller.TOOK_NOTHING_OUT) {
            return false;
        }
        // Not (or no longer) where it was: found afresh only on a long window and a close match, which a voice
        // starting over the bot's speech does not give.
        int found = match(ACQUIRE_WINDOW, Integer.MIN_VALUE / 2, Integer.MAX_VALUE / 2, ACQUIRE_COSINE,
                ACQUIRE_CORRELATION, false);
        if (found != NONE) {
            trackedExtra = found;
            trackedGainDb = lastGainDb;
            return true;
        }
        return false;
    }

    /**
     * The delay beyond the device's account (in blocks, {@link #trackedExtra}) at which the microphone's last
     * {@code window} blocks have the far end's shape, the best of {@code fromExtra..toExtra} whose whole echo path
     * for the newest block lies within {@value #MIN_DELAY_MS}-{@value #MAX_DELAY_MS} ms; {@link #NONE} if none.
     */
    private int match(int window, int fromExtra, int toExtra, double minCosine, double minCorrelation,
            boolean atGain) {
        if (mic.blocks < window) {
            return NONE;
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
            return NONE;
        }
        micMean /= window;
        double micVar = micSq - window * micMean * micMean;
        // The far end's blocks are counted on the speaker's clock and the microphone's on its own; both advance one
        // tick per tick, so the device's lag is a fixed offset between the two counters, moved by what it reports.
        long offset = far.blocks - mic.blocks;
        long newest = micEnd - 1;
        int newestLag = blocks(deviceLagAt[(int) (newest % history)]);
        int best = NONE;
        double bestScore = 0;
        for (int extra = Math.max(fromExtra, minLag - newestLag); extra <= Math.min(toExtra, maxLag - newestLag);
                extra++) {
            double dot = 0;
            double farSq = 0;
            double farMean = 0;
            double farMax = 0;
            int dryBlocks = 0;
            boolean inHistory = true;
            for (int k = 0; k < window && inHistory; k++) {
                // Block b heard what the device played for block b - extra; one not yet heard is played as the newest.
                long b = micEnd - window + k;
                long played = b - extra;
                int slot = (int) (Math.min(played, newest) % history);
                double f;
                if (played < newest - history + 1 || played < 0) {
                    inHistory = false; // older than what is kept
                    f = 0;
                } else if (played <= newest && dryAt[slot]) {
                    dryBlocks++;
                    f = 0; // the speaker played nothing then: whatever the path, the echo is silence
                } else {
                    long at = played + offset - blocks(deviceLagAt[slot]);
                    inHistory = at < far.blocks && at >= Math.max(0, far.blocks - history);
                    f = inHistory ? far.at(at) : 0; // ahead of what was written after a replay, or too old
                }
                double m = mic.at(b);
                dot += f * m;
                farSq += f * f;
                farMean += f;
                farMax = Math.max(farMax, f);
            }
            if (!inHistory || 2 * dryBlocks > window) {
                continue; // mostly heard while the speaker was dry: too little left to say which path it is
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
                best = extra;
                lastGainDb = gainDb;
            }
        }
        if (best != NONE && atGain) {
            trackedGainDb += 0.1 * (lastGainDb - trackedGainDb);
        }
        return best;
    }

    /** {@code samples} at the speaker's rate, in whole blocks (the nearest). */
    private int blocks(long samples) {
        return (int) Math.round(samples / (double) far.blockSamples);
    }

    /** What the canceller made of the microphone lately ({@link #cancellerVerdict()}). */
    private enum Canceller { TOOK_ECHO_OUT, TOOK_NOTHING_OUT, NOTHING_TO_JUDGE }

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
