package io.github.voicechat.audio.internal;

import io.github.voicechat.audio.AudioSink;
import io.github.voicechat.audio.AudioSource;
import java.io.IOException;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the speaker really plays, and when: the session writes its output through this, and takes the echo
 * canceller's far end from it.
 *
 * <p><b>The far end.</b> On a real device a sample written now sounds only after the speaker's queue
 * ({@link AudioSink#playbackDelaySamples()}), and the microphone frame read next was heard some time ago (its
 * {@link AudioSource#captureDelaySamples()}). The far end for that frame is therefore not the frame just written but
 * the one written {@code queue + backlog} earlier, which this class keeps in a history of what was written.
 *
 * <p>The position of that far end moves on the device's clock: each session tick reads one frame of microphone audio,
 * so between two ticks the device played exactly one frame, however many frames the session wrote in the tick (a
 * replay writes more, a cut takes some back). So the far end advances by exactly one frame per tick. Two events
 * move it, and both show in the microphone's backlog, which between ticks grows by what the gap lasted beyond one
 * frame and shrinks by at most the one frame read: a stall (the speaker played its queue and then nothing for the
 * rest of the gap, so the far end falls back by that rest: what the devices' lag grew by) and a dropped backlog (the
 * next frame read is that much later). A stall's backlog may reach the reader over a few ticks (PulseAudio: about
 * half at once, the rest 2-4 ticks later), so its dry spell grows for {@value #SETTLE_FRAMES} ticks as the report
 * comes, before the far end leaves it; a dropped backlog's report may overshoot, and is followed back the same way.
 * Under load these came every few seconds, walking the echo path 80 → 220 ms and back (measured,
 * {@code benchmarks/LIVE-DEVICE.md}). Otherwise the two device delays serve only to check the result. They are noisy
 * (javax.sound reports the speaker's queue in steps of a device period, 20 ms on PulseAudio, and misreports it for a
 * few writes after a flush), so the position is corrected only when {@value #CONFIRM_FRAMES} measurements in a row
 * put it more than {@value #TOLERANCE_MS} ms off on the same side:
 * a stall that ran the speaker dry, or a microphone that dropped its backlog. Every correction is an echo-path change
 * the canceller must re-learn; earlier versions smoothed the measured delay itself (a median over 7, then 25 frames),
 * which turned every replay, cut and dropped backlog into one or two wrong moves and followed real ones late
 * (measured, {@code benchmarks/LIVE-DEVICE.md}). What is left (the room, the device's own converter latency) is what
 * the echo canceller's delay estimator is for. With sinks and sources that report no delay (files, memory, the
 * virtual clock) the far end is exactly the frame just written, as before.
 *
 * <p><b>Cutting the queue.</b> {@link #cut()} drops what the device has queued but not played, so a barge-in is
 * silent at the device at once rather than a queue later; those samples are kept and {@link #replay() replayed} if
 * the barge-in was a false alarm, so playback resumes at the sample the listener last heard. The history forgets
 * them at once, so the far end never holds audio that was never played.
 *
 * <p><b>Catching up on the microphone.</b> A session on a device reads one microphone frame and writes one speaker
 * frame per tick, paced by the speaker's blocking write. A stall (CPU starvation, a collector's pause) runs the
 * speaker dry and leaves its length in the microphone's backlog, and a loop paced by the speaker can never read it
 * back: the time stays as input latency, up to the microphone's 200 ms bound, which delays every barge-in by as much
 * and moves the echo path (measured, {@code benchmarks/LIVE-DEVICE.md}). So while the microphone is more than
 * {@value #BEHIND_FRAMES} frames behind, a frame of silence is not written: the speaker plays silence anyway once its
 * queue runs out, and the tick returns at once to read the backlog. Only silence is dropped, never the answer, and
 * nothing on the microphone side. The far end meanwhile plays out what was queued and then holds zeros.
 *
 * <p>Session thread only; nothing on the per-frame path allocates.
 */
public final class SpeakerPath {

    private static final Logger log = LoggerFactory.getLogger(SpeakerPath.class);
    /** Measurements in a row, all off by more than the tolerance on the same side, that move the far end. */
    static final int CONFIRM_FRAMES = 5;
    static final int TOLERANCE_MS = 30;
    /** After a cut, a replay or a dry speaker the device re-primes its stream and reports nonsense for a few writes. */
    static final int HOLD_FRAMES = 5;
    /** A microphone further behind than this many frames gets the tick instead of a frame of silence. */
    static final int BEHIND_FRAMES = 2;
    /**
     * Ticks after a stall or a dropped backlog in which the far end follows the devices' lag: a stall's backlog
     * reaches the microphone's reader over several ticks, not at once (PulseAudio: about half of it at the first tick,
     * the rest 2-4 ticks later), and a drop's first report may overshoot.
     */
    static final int SETTLE_FRAMES = 8;

    private final AudioSink sink;
    private final AudioSource source;
    private final int outRateHz;
    private final int frameSamples;
    private final int toleranceSamples;
    /** What was written, as a ring: 4 frames until a device reports delays, then grown to hold them (up to 2 s). */
    private float[] history;
    private final int maxHistorySamples;
    private final float[] farFrame;
    /** How far the measurements put the far end off, in the current run of measurements off on one side. */
    private final long[] offsets = new long[CONFIRM_FRAMES];
    private final long[] sortedOffsets = new long[CONFIRM_FRAMES];
    private int offCount;
    private int offSign;
    private int hold;
    private boolean started;
    private long lastBacklog;
    /** How the backlog moved on the tick before: falling a frame a tick, the reader is ahead of its reports. */
    private long lastBacklogStep;
    private int lastQueued;
    /** The devices' last three lags (speaker queue + microphone backlog), newest first, and how many are known. */
    private long lag1;
    private long lag2;
    private long lag3;
    private int lagsKnown;

    /** Samples written to the sink (or counted as written) since the start; history holds the last ones. */
    private long written;
    /** Where the far end of the next microphone frame ends, in written samples. */
    private long heardEnd;
    /**
     * A stall not yet heard through: where the speaker ran dry (in written samples) and how much of the microphone's
     * backlog was recorded while it was dry. The frames read first after a stall were recorded before and during it,
     * so the echo path changes only once they are read; until then the far end goes on as before, then holds zeros.
     */
    private long dryAt;
    private long dryLeft;
    /**
     * The last stall or dropped backlog while the microphone's report of it is still settling: ticks left, and the
     * devices' lag the far end has followed to (the lag it started from, raised as the far end falls back for more).
     */
    private int settleLeft;
    private long settledLag;
    /** The zeros of a dry spell inside the far end of the frame about to be read: from which sample, how many. */
    private int gapAt;
    private int gapLength;
    /** What was written by the last tick: where the speaker runs dry if the session stalls before the next. */
    private long lastWritten;
    /** Consecutive samples of response audio at the end of what was written. */
    private int responseRun;

    private float[] cutSamples;
    private int cutLength;
    private int cutResponse;
    private boolean replayPending;
    private long skipped;
    /** Whether the microphone hears only the speaker's echo; on a real-time microphone only (else null). */
    private final EchoGate echoGate;
    private final float[] silentFrame;
    /** The gate's last verdict, for the debug log of its changes. */
    private boolean lastEcho;
    private boolean lastNearEnd;

    /**
     * @param sink         where the session plays
     * @param source       where the session listens (for its capture delay)
     * @param frameSamples the session's output frame, in samples at the sink's rate
     */
    public SpeakerPath(AudioSink sink, AudioSource source, int frameSamples) {
        this.sink = sink;
        this.source = source;
        this.outRateHz = sink.sampleRateHz();
        this.frameSamples = frameSamples;
        this.toleranceSamples = outRateHz * TOLERANCE_MS / 1000;
        // Two seconds at most: more than any queue plus backlog a real-time session can have and still talk. A session
        // off a device (files, memory, network edges) never needs more than the frame just written.
        this.maxHistorySamples = Math.max(4 * frameSamples, outRateHz * 2);
        this.history = new float[4 * frameSamples];
        this.farFrame = new float[frameSamples];
        this.cutSamples = new float[frameSamples];
        this.echoGate = source.isRealtime() ? new EchoGate(outRateHz, source.sampleRateHz()) : null;
        this.silentFrame = new float[frameSamples];
    }

    /**
     * Plays one frame: first what a {@link #replay()} asked for, then {@code frame}. Silence is not written while the
     * microphone is more than {@value #BEHIND_FRAMES} frames behind (see the class comment).
     *
     * @param response whether the frame is the bot's answer (rather than silence), for {@link #cut()}'s count
     */
    public void write(float[] frame, int length, boolean response) throws IOException {
        if (!response && !replayPending && captureDelayOutSamples() > (long) BEHIND_FRAMES * frameSamples
                && sink.playbackDelaySamples() >= BEHIND_FRAMES * frameSamples) {
            // The speaker plays silence anyway once its queue runs out; the tick goes to the microphone's backlog.
            skipped++;
            if (echoGate != null) {
                echoGate.played(silentFrame, frameSamples); // what the device plays meanwhile
            }
            advanceFrame();    // the device plays its queue, then nothing: farEnd() gives zeros past written
            holdCorrections(); // and it re-primes when writing resumes
            long backlog = captureDelayOutSamples();
            lastBacklogStep = backlog - lastBacklog;
            lastBacklog = backlog;
            lastQueued = sink.playbackDelaySamples();
            noteLag(lastQueued + backlog);
            return;
        }
        if (replayPending) {
            replayPending = false;
            sink.write(cutSamples, 0, cutLength);
            append(cutSamples, cutLength);
            if (echoGate != null) {
                echoGate.played(cutSamples, cutLength);
            }
            responseRun = cutResponse;
            cutLength = 0;
            cutResponse = 0;
        }
        sink.write(frame, 0, length);
        append(frame, length);
        if (echoGate != null) {
            echoGate.played(frame, length);
        }
        responseRun = response ? responseRun + length : 0;
        track();
    }

    /**
     * Whether the microphone, which has just heard {@code mic}, hears only the speaker's own echo ({@link EchoGate});
     * always false where the source is not a real-time microphone.
     *
     * @param mic    the microphone frame just read, before echo cancellation
     * @param clean  the same after echo cancellation
     * @param length its samples
     * @return whether it and the frames before it are the echo of what this path played
     */
    public boolean heardEcho(float[] mic, float[] clean, int length) {
        if (echoGate == null) {
            return false;
        }
        echoGate.deviceLag(appliedLagSamples(), gapAt, gapLength);
        echoGate.heard(mic, clean, length);
        boolean echo = echoGate.echo();
        if (echo != lastEcho) {
            lastEcho = echo;
            log.debug("echo gate: the microphone {} the speaker's echo from input sample {}", echo ? "is" : "is not",
                    echoGate.heardSamples());
        }
        boolean nearEnd = echoGate.nearEnd();
        if (nearEnd != lastNearEnd) {
            lastNearEnd = nearEnd;
            log.debug("echo gate: {} from input sample {}", nearEnd
                    ? "a voice louder than any echo, listening to the microphone itself" : "no voice beyond the echo",
                    echoGate.heardSamples());
        }
        return echo;
    }

    /**
     * Whether the microphone frame last given to {@link #heardEcho} holds a voice louder than any echo of what this
     * path played could be ({@link EchoGate#nearEnd()}): then the session listens to the microphone itself, because
     * an echo canceller that has found no echo still takes such a voice out while the speaker is active. Always false
     * where the source is not a real-time microphone.
     */
    public boolean heardNearEnd() {
        return echoGate != null && echoGate.nearEnd();
    }

    /** Frames of silence not written because the microphone was behind (for logs and tests). */
    public long skippedFrames() {
        return skipped;
    }

    private long captureDelayOutSamples() {
        return (long) source.captureDelaySamples() * outRateHz / Math.max(1, source.sampleRateHz());
    }

    /**
     * Drops what the device has queued but not yet played and keeps it for {@link #replay()}.
     *
     * @return how many of the dropped samples were response audio: written, never heard
     */
    public int cut() throws IOException {
        int dropped = Math.min(sink.discardQueued(), (int) Math.min(written, history.length));
        if (dropped <= 0) {
            return 0;
        }
        if (cutSamples.length < dropped) {
            cutSamples = new float[dropped]; // once per larger queue, not per frame
        }
        long from = written - dropped;
        for (int i = 0; i < dropped; i++) {
            cutSamples[i] = history[index(from + i)];
        }
        cutLength = dropped;
        cutResponse = Math.min(dropped, responseRun);
        written -= dropped;
        responseRun -= cutResponse;
        // What was in flight beyond the cut is gone; the device re-primes its stream (see HOLD_FRAMES). A dry spell
        // still to be heard is taken at once (the old path's last frames are what the cut drops).
        heardEnd = Math.min(heardEnd - dryLeft, written);
        dryLeft = 0;
        gapLength = 0;
        settleLeft = 0; // the queue's report now says what was cut, not the stall
        lastWritten = Math.min(lastWritten, written);
        holdCorrections();
        return cutResponse;
    }

    /**
     * Plays the samples of the last {@link #cut()} again, before the next frame (a false alarm resumes where the
     * listener stopped hearing).
     *
     * @return how many of them are response audio
     */
    public int replay() {
        if (cutLength == 0) {
            return 0;
        }
        replayPending = true;
        holdCorrections();
        settleLeft = 0;
        return cutResponse;
    }

    /** Forgets the last {@link #cut()}: the answer it belonged to was stopped. */
    public void forgetCut() {
        replayPending = false;
        cutLength = 0;
        cutResponse = 0;
    }

    /**
     * The far end for the microphone frame about to be read: the {@code frameSamples} output samples that were
     * sounding while it was heard (zeros before the first write). The array is reused.
     */
    public float[] farEnd() {
        long start = heardEnd - frameSamples + gapLength;
        for (int i = 0; i < frameSamples; i++) {
            long at = i < gapAt ? start + i : i < gapAt + gapLength ? -1 : start + i - gapLength;
            farFrame[i] = at < 0 || at >= written || at < written - history.length ? 0f : history[index(at)];
        }
        return farFrame;
    }

    /** The far end moves on by the frame the device played; a dry spell it reaches is heard as zeros. */
    private void advanceFrame() {
        long start = heardEnd;
        gapLength = advance(frameSamples);
        gapAt = (int) Math.max(0, Math.min(frameSamples, dryAt - start));
    }

    /** Moves the far end on by {@code samples} of the device's time; returns how many of them were dry. */
    private int advance(long samples) {
        heardEnd += samples;
        if (dryLeft == 0 || heardEnd <= dryAt) {
            return 0;
        }
        long dry = Math.min(heardEnd - dryAt, dryLeft);
        heardEnd -= dry;
        dryLeft -= dry;
        return (int) dry;
    }

    /** The delay applied to the far end now, in samples at the sink's rate (for logs and harnesses). */
    public int appliedLagSamples() {
        return (int) (written - heardEnd);
    }

    private void append(float[] samples, int length) {
        for (int i = 0; i < length; i++) {
            history[index(written + i)] = samples[i];
        }
        written += length;
    }

    /** Grows the history (doubling, up to its maximum) to hold {@code samples}: a few times per session at most. */
    private void ensureHistory(long samples) {
        if (samples <= history.length || history.length == maxHistorySamples) {
            return;
        }
        int size = (int) Math.min(maxHistorySamples, Math.max(samples, 2L * history.length));
        float[] grown = new float[size];
        for (long at = Math.max(0, written - history.length); at < written; at++) {
            grown[(int) Math.floorMod(at, (long) size)] = history[index(at)];
        }
        history = grown;
    }

    /** The samples of history kept now (for tests). */
    int historySamples() {
        return history.length;
    }

    private int index(long position) {
        return (int) Math.floorMod(position, (long) history.length);
    }

    /**
     * Advances the far end by the one frame the device played during this tick, and corrects it when the device's own
     * delays have put it more than the tolerance off, on the same side, {@value #CONFIRM_FRAMES} times in a row.
     */
    private void track() {
        long captureInOutSamples = captureDelayOutSamples();
        int queued = sink.playbackDelaySamples();
        ensureHistory(queued + captureInOutSamples + 2L * frameSamples);
        long lag = Math.min(history.length - frameSamples, queued + captureInOutSamples);
        long measured = written - lag;
        long backlogStep = captureInOutSamples - lastBacklog;
        int queuedBefore = lastQueued;
        long stepBefore = lastBacklogStep;
        long writtenBefore = lastWritten;
        // Their median (one report off by a device period does not count); the newest until three are known.
        long lagBefore = lagsKnown < 3 ? lag1 : Math.max(Math.min(lag1, lag2), Math.min(Math.max(lag1, lag2), lag3));
        long lagNow = queued + captureInOutSamples;
        long lagLast = lag1; // read only while settling, so never before the first tick noted a lag
        lastBacklog = captureInOutSamples;
        lastBacklogStep = backlogStep;
        lastQueued = queued;
        lastWritten = written;
        noteLag(lagNow);
        if (!started) {
            started = true;
            heardEnd = measured;
            return;
        }
        // Between two ticks the microphone's backlog grows by what the gap lasted beyond one frame, and shrinks by at
        // most the one frame read: more either way is a stall or a dropped backlog, whose effect on the far end is
        // known now rather than confirmed measurements later (each frame late is a frame of echo the canceller misses).
        boolean readerAhead = stepBefore < -frameSamples / 2 && queued >= queuedBefore;
        if (backlogStep > 2L * frameSamples && !readerAhead && settleLeft == 0) {
            // A stall: the speaker played its queue (up to what was written before it), then nothing (not history)
            // for the rest of the gap, and the backlog now read holds all of it in that order. The dry spell is what
            // the devices' lag grew by: after it the far end is that much further behind what is written. A jump
            // right after the backlog fell by about a frame a tick, the speaker's queue as full as before, is no
            // stall: the reader was ahead of the reports, and they caught up (after an overrun PulseAudio hands the
            // reader its audio in chunks of 60-80 ms, 4 ticks apart; taken for stalls, they walked the far end 450
            // ms behind in 1.5 s, measured in LIVE-DEVICE.md session 12).
            heardEnd -= dryLeft; // a stall within a stall: the first one's dry spell is taken at once
            dryAt = writtenBefore;
            dryLeft = 0;
            settle(lagBefore);
            follow(lagNow);
        } else if (settleLeft > 0) {
            // The rest of the report, late (a jump here is the same stall, not a new one): the far end follows the
            // lag two ticks in a row now report, in the dry spell before the far end leaves it if it can.
            settleLeft--;
            follow(Math.min(lagNow, lagLast));
        }
        if (backlogStep < -2L * frameSamples) {
            // The microphone dropped backlog: the next frame read was heard that much later. The report of a drop
            // may overshoot (measured: 206 → 0 → 60 ms, 146 dropped), so what it settles on is followed as well.
            advance(-backlogStep);
            settle(lagNow);
        }
        advanceFrame();
        // Nothing beyond what was written can sound: a speaker that ran dry waits for the next write.
        if (heardEnd > written) {
            heardEnd = written;
            gapLength = 0;
        }
        if (queued < frameSamples) {
            // Less queued than the frame just written: the speaker ran dry (a stall) and javax.sound restarted it,
            // which it reports as it does after a flush (measured: 0, -40, -20, 0, 20, 40, 60 ms). Following that
            // moved the far end by 50-80 ms and back again a few frames later, two echo-path changes for nothing.
            holdCorrections();
        }
        if (hold > 0 || settleLeft > 0) {
            hold = Math.max(0, hold - 1);
            return; // nor while a stall or drop is still being reported: the far end follows it
        }
        long off = measured - (heardEnd - dryLeft); // the devices' delays count a dry spell at once
        int sign = off > toleranceSamples ? 1 : off < -toleranceSamples ? -1 : 0;
        if (sign == 0 || sign != offSign) {
            offCount = 0;
        }
        offSign = sign;
        if (sign == 0) {
            return;
        }
        offsets[offCount++] = off;
        if (offCount == CONFIRM_FRAMES) {
            System.arraycopy(offsets, 0, sortedOffsets, 0, CONFIRM_FRAMES);
            Arrays.sort(sortedOffsets);
            long moved = sortedOffsets[CONFIRM_FRAMES / 2];
            heardEnd += moved;
            offCount = 0;
            if (echoGate != null) {
                echoGate.deviceLagCorrected(-moved); // the account was off, the echo did not move
            }
            if (log.isDebugEnabled()) {
                log.debug("echo reference moved {} ms: now {} ms behind what is written (speaker queue + microphone"
                        + " backlog)", moved * 1000 / outRateHz, (written - heardEnd) * 1000 / outRateHz);
            }
        }
    }

    private void settle(long lag) {
        settledLag = lag;
        settleLeft = SETTLE_FRAMES;
    }

    /** The far end falls back by what the devices' lag grew by since the stall or drop, beyond what it did already. */
    private void follow(long lag) {
        long grown = lag - settledLag;
        if (grown <= 0) {
            return;
        }
        settledLag = lag;
        if (dryLeft > 0 || heardEnd <= dryAt) {
            dryLeft += grown; // the dry spell is longer
        } else {
            heardEnd -= grown; // the dry spell was heard already: what followed it is that much later
        }
    }

    private void noteLag(long lag) {
        lag3 = lag2;
        lag2 = lag1;
        lag1 = lag;
        lagsKnown = Math.min(3, lagsKnown + 1);
    }

    /** The device reports nonsense while it re-primes: no corrections for a few frames. */
    private void holdCorrections() {
        hold = HOLD_FRAMES;
        offCount = 0;
    }
}
