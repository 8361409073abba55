package io.github.voicechat.audio.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.voicechat.audio.AudioSink;
import io.github.voicechat.audio.AudioSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The far end moves on the device's clock and follows the devices' queues only when they change for good; a cut drops
 * the unplayed queue and a replay plays it again.
 */
class SpeakerPathTest {

    private static final int FRAME = 960; // 20 ms at 48 kHz

    /** A speaker whose queue the test sets, remembering every sample it is given, in order. */
    static final class FakeSpeaker implements AudioSink {
        final List<Float> received = new ArrayList<>();
        int queued;

        @Override
        public int sampleRateHz() {
            return 48_000;
        }

        @Override
        public void write(float[] samples, int offset, int length) {
            for (int i = 0; i < length; i++) {
                received.add(samples[offset + i]);
            }
        }

        @Override
        public int playbackDelaySamples() {
            return queued;
        }

        @Override
        public int discardQueued() {
            int dropped = queued;
            for (int i = 0; i < dropped; i++) {
                received.remove(received.size() - 1);
            }
            queued = 0;
            return dropped;
        }

        @Override
        public void close() {
        }
    }

    static final class FakeMicrophone implements AudioSource {
        int backlog; // at 16 kHz
        /** A real-time microphone gets the echo gate. */
        boolean realtime;

        @Override
        public boolean isRealtime() {
            return realtime;
        }

        @Override
        public int sampleRateHz() {
            return 16_000;
        }

        @Override
        public int read(float[] buffer, int offset, int length) {
            return length;
        }

        @Override
        public int captureDelaySamples() {
            return backlog;
        }

        @Override
        public void close() {
        }
    }

    /** A path that has played frames 1 to 10 with 3 frames queued (and the microphone's backlog as set). */
    private static SpeakerPath primed(FakeSpeaker speaker, FakeMicrophone mic) throws Exception {
        speaker.queued = 3 * FRAME;
        SpeakerPath path = new SpeakerPath(speaker, mic, FRAME);
        for (int i = 1; i <= 10; i++) {
            path.write(frame(i), FRAME, true);
        }
        return path;
    }

    private static float[] frame(float value) {
        float[] f = new float[FRAME];
        Arrays.fill(f, value);
        return f;
    }

    @Test
    void withoutDeviceDelaysTheFarEndIsTheFrameJustWritten() throws Exception {
        SpeakerPath path = new SpeakerPath(new FakeSpeaker(), new FakeMicrophone(), FRAME);
        for (int i = 1; i <= 5; i++) {
            path.write(frame(i), FRAME, true);
            assertThat(path.farEnd()).containsOnly((float) i);
        }
        assertThat(path.appliedLagSamples()).isZero();
        assertThat(path.historySamples()).as("off a device, no more than a few frames are kept").isEqualTo(4 * FRAME);
    }

    @Test
    void theFarEndIsDelayedByTheSpeakersQueuePlusTheMicrophonesBacklog() throws Exception {
        FakeSpeaker speaker = new FakeSpeaker();
        FakeMicrophone mic = new FakeMicrophone();
        speaker.queued = 2 * FRAME; // 40 ms queued at the speaker
        mic.backlog = 320;          // 20 ms waiting at the microphone (16 kHz)
        SpeakerPath path = new SpeakerPath(speaker, mic, FRAME);
        for (int i = 1; i <= 20; i++) {
            path.write(frame(i), FRAME, true);
            if (i > 3) {
                // Sounding while the next microphone frame was heard: written 60 ms (3 frames) before this one.
                assertThat(path.farEnd()).as("far end after frame %d", i).containsOnly((float) (i - 3));
            }
        }
        assertThat(path.appliedLagSamples()).isEqualTo(3 * FRAME);
    }

    @Test
    void aDelayThatJittersWithinTheToleranceDoesNotMoveTheFarEnd() throws Exception {
        FakeSpeaker speaker = new FakeSpeaker();
        SpeakerPath path = new SpeakerPath(speaker, new FakeMicrophone(), FRAME);
        speaker.queued = 2 * FRAME;
        for (int i = 1; i <= 10; i++) {
            path.write(frame(i), FRAME, true);
        }
        int lag = path.appliedLagSamples();
        for (int i = 11; i <= 40; i++) {
            speaker.queued = 2 * FRAME + (i % 2 == 0 ? FRAME : -FRAME); // 20 or 60 ms: one device period either way
            path.write(frame(i), FRAME, true);
            assertThat(path.appliedLagSamples()).isEqualTo(lag);
        }
    }

    @Test
    void aCutDropsTheUnplayedQueueAndAReplayPlaysItAgainBeforeTheNextFrame() throws Exception {
        FakeSpeaker speaker = new FakeSpeaker();
        SpeakerPath path = new SpeakerPath(speaker, new FakeMicrophone(), FRAME);
        path.write(frame(0), FRAME, false); // silence before the answer
        for (int i = 1; i <= 4; i++) {
            path.write(frame(i), FRAME, true);
        }
        speaker.queued = 3 * FRAME; // frames 2, 3, 4 not yet played
        assertThat(path.cut()).as("response samples never heard").isEqualTo(3 * FRAME);
        path.write(frame(0), FRAME, false); // paused: silence
        assertThat(path.replay()).isEqualTo(3 * FRAME);
        path.write(frame(5), FRAME, true);
        float[] expected = new float[7 * FRAME];
        float[] values = {0, 1, 0, 2, 3, 4, 5};
        for (int f = 0; f < values.length; f++) {
            Arrays.fill(expected, f * FRAME, (f + 1) * FRAME, values[f]);
        }
        float[] got = new float[speaker.received.size()];
        for (int i = 0; i < got.length; i++) {
            got[i] = speaker.received.get(i);
        }
        assertThat(got).as("what the device played: nothing lost, nothing twice").containsExactly(expected);
    }

    @Test
    void aCutOfPreAnswerSilenceCountsNoResponseAndAForgottenCutIsNeverReplayed() throws Exception {
        FakeSpeaker speaker = new FakeSpeaker();
        SpeakerPath path = new SpeakerPath(speaker, new FakeMicrophone(), FRAME);
        path.write(frame(0), FRAME, false);
        path.write(frame(0), FRAME, false);
        path.write(frame(1), FRAME, true);
        speaker.queued = 2 * FRAME; // one silent frame and the first answer frame
        assertThat(path.cut()).isEqualTo(FRAME);
        path.forgetCut();
        assertThat(path.replay()).isZero();
        path.write(frame(7), FRAME, true);
        assertThat(speaker.received).hasSize(2 * FRAME);
        assertThat(speaker.received.get(FRAME)).isEqualTo(7f);
    }

    @Test
    void aLastingChangeOfTheReportedQueueMovesTheFarEndAfterConfirmFramesAndAShortOneDoesNot() throws Exception {
        FakeSpeaker speaker = new FakeSpeaker();
        speaker.queued = 8 * FRAME;
        SpeakerPath path = new SpeakerPath(speaker, new FakeMicrophone(), FRAME);
        int i = 0;
        while (++i <= 20) {
            path.write(frame(i), FRAME, true);
        }
        assertThat(path.appliedLagSamples()).isEqualTo(8 * FRAME);
        // A report off for fewer frames than it takes to confirm (javax.sound's estimate of the queue).
        speaker.queued = 3 * FRAME;
        for (int k = 1; k < SpeakerPath.CONFIRM_FRAMES; k++, i++) {
            path.write(frame(i), FRAME, true);
            assertThat(path.appliedLagSamples()).isEqualTo(8 * FRAME);
        }
        speaker.queued = 8 * FRAME;
        path.write(frame(i++), FRAME, true);
        // The queue is shorter for good: the far end follows after CONFIRM_FRAMES measurements.
        speaker.queued = 3 * FRAME;
        for (int k = 1; k < SpeakerPath.CONFIRM_FRAMES; k++, i++) {
            path.write(frame(i), FRAME, true);
            assertThat(path.appliedLagSamples()).isEqualTo(8 * FRAME);
        }
        path.write(frame(i), FRAME, true);
        assertThat(path.appliedLagSamples()).isEqualTo(3 * FRAME);
        assertThat(path.farEnd()).containsOnly((float) (i - 3));
        assertThat(path.historySamples()).as("grown once for the 8-frame queue").isEqualTo(10 * FRAME);
    }

    @Test
    void aCutAndAReplayKeepTheFarEndOnTheDevicesClock() throws Exception {
        FakeSpeaker speaker = new FakeSpeaker();
        SpeakerPath path = new SpeakerPath(speaker, new FakeMicrophone(), FRAME);
        speaker.queued = 3 * FRAME;
        for (int i = 1; i <= 10; i++) {
            path.write(frame(i), FRAME, true);
        }
        assertThat(path.farEnd()).containsOnly(7f); // frames 8, 9, 10 queued
        path.cut(); // drops 8, 9, 10; the fake then reports an empty queue, as javax.sound does after a flush
        for (int i = 1; i <= 3; i++) {
            path.write(frame(0), FRAME, false);
            // Frames 8, 9, 10 never sounded: the far end holds what did (frame 7) or the silence written since.
            assertThat(path.farEnd()).as("tick %d after the cut", i).containsOnly(0f);
            speaker.queued = Math.min(3 * FRAME, i * FRAME);
        }
        path.replay();
        path.write(frame(11), FRAME, true); // 8, 9, 10 again, then 11: the queue is full again
        assertThat(path.appliedLagSamples()).as("behind what is written after the replay").isEqualTo(3 * FRAME);
        for (int i = 12; i <= 20; i++) {
            path.write(frame(i), FRAME, true);
        }
        assertThat(path.farEnd()).as("the far end stayed 3 frames behind").containsOnly(17f);
    }

    @Test
    void aSpeakerThatRanDryHoldsCorrectionsWhileItReportsNonsense() throws Exception {
        FakeSpeaker speaker = new FakeSpeaker();
        FakeMicrophone mic = new FakeMicrophone();
        SpeakerPath path = primed(speaker, mic);
        int i = 11;
        // After a stall javax.sound reports an empty queue, then refills it, as after a flush (0, 0, 0, 0, 20, 40 ms),
        // while the microphone's backlog makes the sum look 80 ms off for longer than it takes to confirm a move.
        int[] queuedMs = {0, 0, 0, 0, 20, 40};
        for (int q : queuedMs) {
            speaker.queued = q * 48;
            mic.backlog = 0;
            path.write(frame(i++), FRAME, true);
            assertThat(path.appliedLagSamples()).isEqualTo(3 * FRAME);
        }
        speaker.queued = 3 * FRAME;
        for (int k = 0; k < 10; k++) {
            path.write(frame(i++), FRAME, true);
        }
        assertThat(path.appliedLagSamples()).as("never moved").isEqualTo(3 * FRAME);
    }

    /**
     * A stall of 240 ms: the microphone gains 11 frames of backlog, the speaker plays its 3 queued frames (8, 9, 10)
     * and then nothing for 9. The backlog is read in the order it was recorded, so the far end goes on with what the
     * speaker still played, then holds the zeros of its dry spell, and only then reaches what was written after the
     * stall: the echo path changes a backlog after the stall, not at once (the echo gate and the canceller follow the
     * path the microphone frames really carry). The same frame by frame when the backlog is reported late, as
     * PulseAudio reports it (measured, {@code benchmarks/LIVE-DEVICE.md} session 12): half of it for the first three
     * ticks, all of it from the fourth; the dry spell grows to the full 9 frames as the report comes, while the far end
     * is in it. Before session 12 it stayed the 3.5 frames first reported, and what was written after the stall came
     * 5.5 frames early.
     */
    @Test
    void aStallMovesTheFarEndAsTheBacklogRecordedDuringItIsRead() throws Exception {
        for (boolean lateReport : new boolean[] {false, true}) {
            FakeSpeaker speaker = new FakeSpeaker();
            FakeMicrophone mic = new FakeMicrophone();
            SpeakerPath path = primed(speaker, mic);
            int i = 11;
            assertThat(path.farEnd()).containsOnly(7f);
            // Catching up: the speaker refills (its writes do not block until 3 frames are queued, so those ticks read
            // the backlog faster than it grows), then each write blocks a frame's time and the backlog stays.
            for (int k = 0; k < 23; k++, i++) {
                int unreportedHalfFrames = lateReport && k < 3 ? 11 : 0;
                mic.backlog = (2 * Math.max(9, 11 - k) - unreportedHalfFrames) * 160;
                speaker.queued = Math.min(3, k + 1) * FRAME;
                path.write(frame(i), FRAME, true);
                float heard = k < 3 ? 8 + k : k < 12 ? 0 : i - 12;
                int lagFrames = k < 3 ? 3 : k < 12 ? 4 + (k - 3) : 12;
                String tick = String.format(Locale.ROOT, "late report %s, catch-up tick %d", lateReport, k);
                assertThat(path.farEnd()).as(tick).containsOnly(heard);
                assertThat(path.appliedLagSamples()).as(tick).isEqualTo(lagFrames * FRAME);
            }
        }
    }

    /**
     * A microphone more than its bound behind drops its oldest audio, and the report of the drop overshoots (measured
     * at the device: 206 → 0 → 60 ms, so 146 ms dropped, not 206): the far end first jumps by what was reported, then
     * follows the lag two ticks in a row agree on, here two ticks later, instead of waiting for five confirmations.
     */
    @Test
    void aDroppedBacklogReportedPastWhatWasDroppedIsFollowedBackToWhereTheReportSettles() throws Exception {
        // 9 frames behind (3 queued, 6 in the backlog); 4 frames dropped, reported as 6 at first.
        assertFarEndFollows(6, k -> k == 0 ? 0 : 2, k -> k < 2 ? 3 : 5, 12);
    }

    /**
     * No stall at all: after an overrun PulseAudio hands the reader its microphone audio in chunks (measured: 60-80
     * ms, 4 ticks apart), so the reported backlog falls a frame a tick and then jumps back, while the speaker's queue
     * stays full. Each tick still reads one frame of the device's time, so the far end moves on a frame a tick and
     * never goes dry. Before, each jump was taken for a stall (a frame of dry spell each, 53 ms with the lag's
     * growth), which walked the far end 450 ms behind in 1.5 s at the device.
     */
    @Test
    void aBacklogReportedInChunksWithTheSpeakerFullIsNoStall() throws Exception {
        assertFarEndFollows(4, k -> 4 - k % 4, k -> 7, 40); // 4, 3, 2, 1 frames, then 4 again: always 7 behind
    }

    /**
     * From frames 1 to 10 played with 3 queued and {@code backlogFrames} in the microphone's backlog: the far end, tick
     * by tick, is the frame written {@code behindAt(k)} frames before, as the backlog is reported {@code backlogAt(k)}.
     */
    private static void assertFarEndFollows(int backlogFrames, IntUnaryOperator backlogAt, IntUnaryOperator behindAt,
            int ticks) throws Exception {
        FakeSpeaker speaker = new FakeSpeaker();
        FakeMicrophone mic = new FakeMicrophone();
        mic.backlog = backlogFrames * 320;
        SpeakerPath path = primed(speaker, mic);
        assertThat(path.farEnd()).containsOnly((float) (10 - 3 - backlogFrames));
        for (int k = 0, i = 11; k < ticks; k++, i++) {
            mic.backlog = backlogAt.applyAsInt(k) * 320;
            path.write(frame(i), FRAME, true);
            assertThat(path.farEnd()).as("tick %d", k).containsOnly((float) (i - behindAt.applyAsInt(k)));
        }
    }

    @Test
    void aStallWithAPartFrameQueuedGoesDryInsideAFrameAndADroppedBacklogSkipsTheDrySpell() throws Exception {
        FakeSpeaker speaker = new FakeSpeaker();
        FakeMicrophone mic = new FakeMicrophone();
        speaker.queued = 5 * FRAME / 2;
        SpeakerPath path = new SpeakerPath(speaker, mic, FRAME);
        int i = 0;
        while (++i <= 10) {
            path.write(frame(i), FRAME, true);
        }
        assertHalves(path.farEnd(), 7, 8);
        // 240 ms stall: 2.5 frames played after it began, then 9.5 frames dry.
        for (int k = 0; k < 2; k++, i++) {
            mic.backlog = (11 - k) * 320;
            speaker.queued = (k + 1) * FRAME;
            path.write(frame(i), FRAME, true);
            assertHalves(path.farEnd(), 8 + k, 9 + k);
        }
        mic.backlog = 9 * 320;
        speaker.queued = 3 * FRAME;
        path.write(frame(i++), FRAME, true);
        assertHalves(path.farEnd(), 10, 0); // the last of the queue, then the speaker ran dry
        // More than the bound waits: the microphone drops the 8.5 oldest frames of its backlog, all of them dry.
        mic.backlog = 160;
        path.write(frame(i++), FRAME, true);
        assertHalves(path.farEnd(), 0, 11); // the dry spell's end, then what was written after the stall
        for (int k = 0; k < 10; k++, i++) {
            path.write(frame(i), FRAME, true);
            assertThat(path.appliedLagSamples()).as("no correction needed").isEqualTo(7 * FRAME / 2);
        }
    }

    private static void assertHalves(float[] far, float first, float second) {
        assertThat(Arrays.copyOfRange(far, 0, FRAME / 2)).as("first half").containsOnly(first);
        assertThat(Arrays.copyOfRange(far, FRAME / 2, FRAME)).as("second half").containsOnly(second);
    }

    @Test
    void silenceIsNotWrittenWhileTheMicrophoneIsBehindButTheAnswerAlwaysIs() throws Exception {
        FakeSpeaker speaker = new FakeSpeaker();
        FakeMicrophone mic = new FakeMicrophone();
        SpeakerPath path = new SpeakerPath(speaker, mic, FRAME);
        for (int i = 1; i <= 6; i++) {
            path.write(frame(i), FRAME, true);
        }
        // The microphone falls 80 ms behind (16 kHz), more than BEHIND_FRAMES frames; the answer is written all the
        // same.
        mic.backlog = 2 * 320;
        path.write(frame(7), FRAME, true);
        mic.backlog = 4 * 320;
        path.write(frame(8), FRAME, true);
        assertThat(speaker.received).hasSize(8 * FRAME);
        // Silence is not written while the speaker still has 2 frames queued: the tick reads the backlog instead.
        speaker.queued = SpeakerPath.BEHIND_FRAMES * FRAME;
        path.write(frame(0), FRAME, false);
        mic.backlog -= 320;
        assertThat(speaker.received).as("nothing written while behind").hasSize(8 * FRAME);
        // Everything written has sounded: the far end is silence, not the answer's last frame again.
        assertThat(path.farEnd()).containsOnly(0f);
        path.write(frame(0), FRAME, false);
        mic.backlog -= 320;
        assertThat(speaker.received).hasSize(8 * FRAME);
        assertThat(path.skippedFrames()).isEqualTo(2);
        // Caught up to BEHIND_FRAMES: silence is written again.
        assertThat(mic.backlog).isEqualTo(SpeakerPath.BEHIND_FRAMES * 320);
        path.write(frame(0), FRAME, false);
        assertThat(speaker.received).hasSize(9 * FRAME);
        assertThat(path.skippedFrames()).isEqualTo(2);
    }

    @Test
    void aPausedAnswerIsReplayedEvenWhileTheMicrophoneIsBehind() throws Exception {
        FakeSpeaker speaker = new FakeSpeaker();
        FakeMicrophone mic = new FakeMicrophone();
        SpeakerPath path = new SpeakerPath(speaker, mic, FRAME);
        for (int i = 1; i <= 4; i++) {
            path.write(frame(i), FRAME, true);
        }
        speaker.queued = 2 * FRAME;
        path.cut(); // frames 3 and 4 never heard
        mic.backlog = 10 * 320;
        speaker.queued = 2 * FRAME; // silence from before the cut still queued
        path.write(frame(0), FRAME, false); // paused and behind: nothing written
        path.replay();
        path.write(frame(0), FRAME, false); // a replay is due: written, with the frame after it
        assertThat(speaker.received).hasSize(5 * FRAME);
        assertThat(speaker.received.get(2 * FRAME)).isEqualTo(3f);
        assertThat(speaker.received.get(4 * FRAME)).isEqualTo(0f);
    }

    @Test
    void silenceIsWrittenWhileBehindIfTheSpeakerWouldOtherwiseRunDry() throws Exception {
        FakeSpeaker speaker = new FakeSpeaker();
        FakeMicrophone mic = new FakeMicrophone();
        SpeakerPath path = new SpeakerPath(speaker, mic, FRAME);
        path.write(frame(1), FRAME, true);
        mic.backlog = 4 * 320; // 80 ms behind
        speaker.queued = FRAME; // one frame left: skipping would run the speaker dry
        path.write(frame(0), FRAME, false);
        assertThat(speaker.received).as("a dry speaker restarts with a delay of its own: silence keeps it primed")
                .hasSize(2 * FRAME);
        assertThat(path.skippedFrames()).isZero();
        speaker.queued = 2 * FRAME;
        path.write(frame(0), FRAME, false);
        assertThat(speaker.received).hasSize(2 * FRAME);
        assertThat(path.skippedFrames()).isEqualTo(1);
    }
}
