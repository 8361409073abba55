package io.github.voicechat.internal.bus;

import io.github.voicechat.audio.AudioFrame;
import io.github.voicechat.internal.bus.OutputRing.OfferResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static io.github.voicechat.internal.bus.FrameRingTest.awaitParked;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(30)
class OutputRingTest {

    private static final int RATE_HZ = 48_000;
    private static final int FRAME_SAMPLES = 960; // 20 ms at 48 kHz

    private final float[] buf = new float[FRAME_SAMPLES];

    private OfferResult offer(OutputRing out, long seq, long epoch) throws InterruptedException {
        for (int i = 0; i < FRAME_SAMPLES; i++) {
            buf[i] = (float) (seq * 7 + i);
        }
        return out.offer(buf, 0, FRAME_SAMPLES, RATE_HZ, seq * FRAME_SAMPLES, epoch, 0, TimeUnit.MILLISECONDS);
    }

    private static void assertFrame(AudioFrame f, long seq) {
        assertThat(f.startSample()).isEqualTo(seq * FRAME_SAMPLES);
        assertThat(f.length()).isEqualTo(FRAME_SAMPLES);
        assertThat(f.sampleRateHz()).isEqualTo(RATE_HZ);
        for (int i = 0; i < FRAME_SAMPLES; i++) {
            assertThat(f.samples()[i]).isEqualTo((float) (seq * 7 + i));
        }
    }

    private OutputRing queued50() throws InterruptedException {
        OutputRing out = new OutputRing(64, FRAME_SAMPLES);
        long epoch = out.epoch();
        for (long s = 0; s < 50; s++) {
            assertThat(offer(out, s, epoch)).isEqualTo(OfferResult.ACCEPTED);
        }
        assertThat(out.hasPendingFrame()).isTrue();
        return out;
    }

    @Test
    void queuedFramesPlayInOrderAndStayQueuedWhileThePlayoutDoesNotPoll() throws Exception {
        // Pausing is the playout not polling: 50 queued frames wait, nothing is lost, then all play in order.
        OutputRing out = queued50();
        AudioFrame f = new AudioFrame(FRAME_SAMPLES);
        for (int tick = 0; tick < 10; tick++) {
            assertThat(out.hasPendingFrame()).isTrue();
        }
        for (long s = 0; s < 50; s++) {
            assertThat(out.poll(f)).isTrue();
            assertFrame(f, s);
        }
        assertThat(out.poll(f)).isFalse();
        assertThat(out.hasPendingFrame()).isFalse();
    }

    @Test
    void cancelDiscardsFiftyQueuedFramesAtOnce() throws Exception {
        OutputRing out = queued50();
        long oldEpoch = out.epoch();
        AudioFrame f = new AudioFrame(FRAME_SAMPLES);
        // Playout has played 3 frames when the response is stopped.
        for (long s = 0; s < 3; s++) {
            assertThat(out.poll(f)).isTrue();
            assertFrame(f, s);
        }
        assertThat(out.isFull()).isFalse();
        out.cancel();
        // The 47 queued frames are gone before the playout polls again: every slot is free.
        assertThat(out.hasPendingFrame()).isFalse();
        assertThat(out.poll(f)).isFalse();
        for (long s = 0; s < 64; s++) {
            assertThat(offer(out, 100 + s, out.epoch())).isEqualTo(OfferResult.ACCEPTED);
        }
        assertThat(out.isFull()).isTrue();

        // The cancelled utterance can queue nothing more; the new one (new epoch) plays from its first frame.
        assertThat(out.epoch()).isEqualTo(oldEpoch + 1);
        out.poll(f);
        assertThat(offer(out, 50, oldEpoch)).isEqualTo(OfferResult.CANCELLED);
        assertFrame(f, 100);
    }

    @Test
    void thePlayoutsPollCopiesTheSamplesOnlyAndLeavesTheRestOfItsBuffer() throws Exception {
        // The playout polls into its own sample buffer: a whole frame, then a short last one (whose tail keeps the
        // buffer's earlier samples, as the playout writes the frame's length only where it matters), then nothing.
        OutputRing out = queued50();
        long epoch = out.epoch();
        out.cancel();
        assertThat(offer(out, 300, out.epoch())).isEqualTo(OfferResult.ACCEPTED);
        assertThat(out.offer(new float[] {1f, 2f, 3f}, 0, 3, RATE_HZ, 0, out.epoch(), 0, TimeUnit.MILLISECONDS))
                .isEqualTo(OfferResult.ACCEPTED);
        assertThat(epoch).isNotEqualTo(out.epoch());
        float[] dest = new float[FRAME_SAMPLES];
        assertThat(out.poll(dest)).isEqualTo(FRAME_SAMPLES);
        for (int i = 0; i < FRAME_SAMPLES; i++) {
            assertThat(dest[i]).isEqualTo((float) (300 * 7 + i)); // the first frame after the cancel
        }
        assertThat(out.poll(dest)).isEqualTo(3);
        assertThat(dest[0]).isEqualTo(1f);
        assertThat(dest[2]).isEqualTo(3f);
        assertThat(dest[3]).isEqualTo((float) (300 * 7 + 3));
        assertThat(out.poll(dest)).isEqualTo(-1);
        assertThat(out.hasPendingFrame()).isFalse();
        assertThatThrownBy(() -> out.poll(new float[480])).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("destination must hold 960 samples, holds 480");
    }

    @Test
    void aProducerRacingTheCancelCannotGetAudioPlayed() throws Exception {
        OutputRing out = queued50();
        long oldEpoch = out.epoch();
        out.cancel();
        // The producer read the epoch before the cancel.
        assertThat(offer(out, 50, oldEpoch)).isEqualTo(OfferResult.CANCELLED);
        long newEpoch = out.epoch();
        assertThat(offer(out, 200, newEpoch)).isEqualTo(OfferResult.ACCEPTED);
        AudioFrame f = new AudioFrame(FRAME_SAMPLES);
        assertThat(out.poll(f)).isTrue();
        assertFrame(f, 200); // the first audio after the cancel is the new utterance's
        assertThat(out.poll(f)).isFalse();
    }

    @Test
    void fullRingBlocksTheProducerUntilThePlayoutFreesASlot() throws Exception {
        OutputRing out = new OutputRing(4, FRAME_SAMPLES);
        long epoch = out.epoch();
        for (long s = 0; s < 4; s++) {
            assertThat(out.isFull()).isFalse();
            assertThat(offer(out, s, epoch)).isEqualTo(OfferResult.ACCEPTED);
        }
        assertThat(out.isFull()).isTrue();
        assertThat(offer(out, 4, epoch)).isEqualTo(OfferResult.TIMED_OUT);
        assertThat(out.offer(buf, 0, FRAME_SAMPLES, RATE_HZ, 0, epoch, 2, TimeUnit.MILLISECONDS))
                .isEqualTo(OfferResult.TIMED_OUT);

        AtomicReference<Object> result = new AtomicReference<>();
        Thread producer = producer(out, 4, epoch, result);
        awaitParked(producer);
        assertThat(result.get()).isNull(); // blocked, not overwriting

        AudioFrame f = new AudioFrame(FRAME_SAMPLES);
        assertThat(out.poll(f)).isTrue();
        assertFrame(f, 0);
        producer.join(5_000);
        assertThat(result.get()).isEqualTo(OfferResult.ACCEPTED);
        for (long s = 1; s <= 4; s++) {
            assertThat(out.poll(f)).isTrue();
            assertFrame(f, s); // nothing unplayed was overwritten
        }
        assertThat(out.poll(f)).isFalse();
    }

    @Test
    void cancelReleasesABlockedProducerAndCloseReleasesEveryone() throws Exception {
        OutputRing out = new OutputRing(2, FRAME_SAMPLES);
        long epoch = out.epoch();
        assertThat(offer(out, 0, epoch)).isEqualTo(OfferResult.ACCEPTED);
        assertThat(offer(out, 1, epoch)).isEqualTo(OfferResult.ACCEPTED);
        AtomicReference<Object> first = new AtomicReference<>();
        Thread p1 = producer(out, 2, epoch, first);
        awaitParked(p1);
        out.cancel();
        p1.join(5_000);
        assertThat(p1.isAlive()).isFalse();
        assertThat(first.get()).isEqualTo(OfferResult.CANCELLED);

        // The stale frames were discarded by the cancel itself: a new utterance finds both slots free.
        long e2 = out.epoch();
        assertThat(offer(out, 10, e2)).isEqualTo(OfferResult.ACCEPTED);
        assertThat(offer(out, 11, e2)).isEqualTo(OfferResult.ACCEPTED);

        // Block a producer on the full ring, then close.
        AtomicReference<Object> third = new AtomicReference<>();
        Thread p3 = producer(out, 12, e2, third);
        awaitParked(p3);
        out.close();
        p3.join(5_000);
        assertThat(p3.isAlive()).isFalse();
        assertThat(third.get()).isEqualTo(OfferResult.CLOSED);
        assertThat(out.isClosed()).isTrue();
        assertThat(offer(out, 13, e2)).isEqualTo(OfferResult.CLOSED);
    }

    @Test
    void blockedProducerHonoursInterrupts() throws Exception {
        OutputRing out = new OutputRing(2, FRAME_SAMPLES);
        long epoch = out.epoch();
        offer(out, 0, epoch);
        offer(out, 1, epoch);
        AtomicReference<Object> result = new AtomicReference<>();
        Thread p = producer(out, 2, epoch, result);
        awaitParked(p);
        p.interrupt();
        p.join(5_000);
        assertThat(result.get()).isInstanceOf(InterruptedException.class);
        AudioFrame f = new AudioFrame(FRAME_SAMPLES);
        assertThat(out.poll(f)).isTrue();
        assertFrame(f, 0);
        assertThat(out.poll(f)).isTrue();
        assertFrame(f, 1);
        assertThat(out.poll(f)).isFalse(); // the interrupted offer queued nothing
    }

    @Test
    void concurrentProducerAndPlayoutLoseNothing() throws Exception {
        OutputRing out = new OutputRing(8, 64);
        long frames = 200_000;
        long epoch = out.epoch();
        AtomicReference<Object> produced = new AtomicReference<>();
        Thread producer = new Thread(() -> {
            float[] b = new float[64];
            try {
                for (long s = 0; s < frames; s++) {
                    int len = 1 + (int) (s % 64);
                    for (int i = 0; i < len; i++) {
                        b[i] = (float) (s * 3 + i);
                    }
                    OfferResult r = out.offer(b, 0, len, RATE_HZ, s, epoch, 10, TimeUnit.SECONDS);
                    if (r != OfferResult.ACCEPTED) {
                        produced.set(r + " at " + s);
                        return;
                    }
                }
                produced.set("done");
            } catch (Throwable e) {
                produced.set(e);
            }
        });
        producer.start();
        AudioFrame f = new AudioFrame(64);
        long expected = 0;
        while (expected < frames) {
            if (!out.poll(f)) {
                Thread.onSpinWait(); // the session polls once per tick; here the consumer spins
                continue;
            }
            assertThat(f.startSample()).isEqualTo(expected);
            assertThat(f.length()).isEqualTo(1 + (int) (expected % 64));
            for (int i = 0; i < f.length(); i++) {
                if (f.samples()[i] != (float) (expected * 3 + i)) {
                    assertThat(f.samples()[i]).as("sample " + i + " of frame " + expected)
                            .isEqualTo((float) (expected * 3 + i));
                }
            }
            expected++;
        }
        producer.join(10_000);
        assertThat(produced.get()).isEqualTo("done");
        assertThat(out.poll(f)).isFalse();
    }

    @Test
    void rejectsBadFrames() {
        OutputRing out = new OutputRing(4, FRAME_SAMPLES);
        assertThatThrownBy(() -> out.offer(new float[2000], 0, 961, RATE_HZ, 0, 0, 0, TimeUnit.SECONDS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("frame length must be 0..960 samples, was 961");
        assertThatThrownBy(() -> out.offer(buf, 0, 10, -1, 0, 0, 0, TimeUnit.SECONDS))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("sample rate must be positive, was -1");
        assertThatThrownBy(() -> out.poll(new AudioFrame(480)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("destination frame must hold 960 samples, holds 480");
        assertThatThrownBy(() -> new OutputRing(1, FRAME_SAMPLES)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("slot count must be 2..16777216, was 1");
        assertThatThrownBy(() -> new OutputRing(4, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("frame capacity must be positive samples, was 0");
    }

    private Thread producer(OutputRing out, long seq, long epoch, AtomicReference<Object> result) {
        float[] b = new float[FRAME_SAMPLES];
        for (int i = 0; i < FRAME_SAMPLES; i++) {
            b[i] = (float) (seq * 7 + i);
        }
        Thread t = new Thread(() -> {
            try {
                result.set(out.offer(b, 0, FRAME_SAMPLES, RATE_HZ, seq * FRAME_SAMPLES, epoch, 1, TimeUnit.HOURS));
            } catch (Throwable e) {
                result.set(e);
            }
        }, "producer-" + seq);
        t.start();
        return t;
    }
}
