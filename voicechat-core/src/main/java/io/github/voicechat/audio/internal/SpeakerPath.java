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
 * the one written {@code queue + backlog} earlier, which this class keeps in a history of what was written. The two
 * delays are sampled every frame; the delay applied follows their median over {@value #MEDIAN_FRAMES} frames and
 * moves only when it is more than {@value #TOLERANCE_MS} ms off, because every move of the reference is an echo-path
 * change the canceller must re-learn, and javax.sound reports the speaker's queue in steps of a device period (20 ms
 * on PulseAudio): with a 10 ms tolerance and 7 frames the reference moved several times a second under load, each
 * move a burst of echo (measured, {@code benchmarks/LIVE-DEVICE.md}). The
 * few tens of milliseconds left (the room, the device's own converter latency) are what the echo canceller's delay
 * estimator is for. With sinks and sources that report no delay (files, memory, the virtual clock) the far end is
 * exactly the frame just written, as before.
 *
 * <p><b>Cutting the queue.</b> {@link #cut()} drops what the device has queued but not played, so a barge-in is
 * silent at the device at once rather than a queue later; those samples are kept and {@link #replay() replayed} if
 * the barge-in was a false alarm, so playback resumes at the sample the listener last heard. The history forgets
 * them at once, so the far end never holds audio that was never played.
 *
 * <p>Session thread only; nothing on the per-frame path allocates.
 */
public final class SpeakerPath {

    private static final Logger log = LoggerFactory.getLogger(SpeakerPath.class);
    static final int MEDIAN_FRAMES = 25;
    static final int TOLERANCE_MS = 30;

    private final AudioSink sink;
    private final AudioSource source;
    private final int outRateHz;
    private final int frameSamples;
    private final int toleranceSamples;
    private final float[] history;
    private final float[] farFrame;
    private final int[] recentLags = new int[MEDIAN_FRAMES];
    private final int[] sortedLags = new int[MEDIAN_FRAMES];
    private int recentCount;
    private int recentNext;

    /** Samples written to the sink (or counted as written) since the start; history holds the last ones. */
    private long written;
    /** How far behind {@link #written} the far end's next frame ends, in output samples. */
    private int appliedLag;
    /** Consecutive samples of response audio at the end of what was written. */
    private int responseRun;

    private float[] cutSamples;
    private int cutLength;
    private int cutResponse;
    private boolean replayPending;

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
        // Two seconds: more than any queue plus backlog a real-time session can have and still talk.
        this.history = new float[Math.max(4 * frameSamples, outRateHz * 2)];
        this.farFrame = new float[frameSamples];
        this.cutSamples = new float[frameSamples];
    }

    /**
     * Plays one frame: first what a {@link #replay()} asked for, then {@code frame}.
     *
     * @param response whether the frame is the bot's answer (rather than silence), for {@link #cut()}'s count
     */
    public void write(float[] frame, int length, boolean response) throws IOException {
        if (replayPending) {
            replayPending = false;
            sink.write(cutSamples, 0, cutLength);
            append(cutSamples, cutLength);
            responseRun = cutResponse;
            cutLength = 0;
            cutResponse = 0;
        }
        sink.write(frame, 0, length);
        append(frame, length);
        responseRun = response ? responseRun + length : 0;
        track();
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
        // The device position did not move: what it plays next is what is written next.
        appliedLag = Math.max(0, appliedLag - dropped);
        resetMedian();
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
        long end = written - appliedLag;
        long start = end - frameSamples;
        for (int i = 0; i < frameSamples; i++) {
            long at = start + i;
            farFrame[i] = at < 0 || at < written - history.length ? 0f : history[index(at)];
        }
        return farFrame;
    }

    /** The delay applied to the far end now, in samples at the sink's rate (for logs and harnesses). */
    public int appliedLagSamples() {
        return appliedLag;
    }

    private void append(float[] samples, int length) {
        for (int i = 0; i < length; i++) {
            history[index(written + i)] = samples[i];
        }
        written += length;
    }

    private int index(long position) {
        return (int) Math.floorMod(position, (long) history.length);
    }

    /** Samples the device delays now and moves the applied lag when their median is more than the tolerance off. */
    private void track() {
        long captureInOutSamples = (long) source.captureDelaySamples() * outRateHz / Math.max(1, source.sampleRateHz());
        int lag = (int) Math.min(history.length - frameSamples, sink.playbackDelaySamples() + captureInOutSamples);
        recentLags[recentNext] = lag;
        recentNext = (recentNext + 1) % MEDIAN_FRAMES;
        recentCount = Math.min(MEDIAN_FRAMES, recentCount + 1);
        int median = median();
        if (Math.abs(median - appliedLag) > toleranceSamples) {
            if (log.isDebugEnabled()) {
                log.debug("echo reference now {} ms behind what is written (speaker queue + microphone backlog)",
                        median * 1000L / outRateHz);
            }
            appliedLag = median;
        }
    }

    private int median() {
        System.arraycopy(recentLags, 0, sortedLags, 0, recentCount);
        Arrays.sort(sortedLags, 0, recentCount);
        return sortedLags[recentCount / 2];
    }

    private void resetMedian() {
        recentCount = 0;
        recentNext = 0;
    }
}
