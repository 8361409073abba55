package io.github.voicechat.internal.bus;

import io.github.voicechat.audio.AudioFrame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(30)
class FrameRingTest {

    private static final int RATE_HZ = 16_000;
    private static final int FRAME_SAMPLES = 8;

    /** Fills a frame whose every sample is derived from its sequence, so a torn copy is detectable. */
    static float[] frameFor(long seq, float[] buf) {
        for (int i = 0; i < buf.length; i++) {
            buf[i] = sampleValue(seq, i);
        }
        return buf;
    }

    static float sampleValue(long seq, int i) {
        return (float) ((seq * 31 + i) % (1 << 23)); // exact in a float
    }

    private static void assertIntact(AudioFrame f, long expectedSeq) {
        assertThat(f.sequence()).isEqualTo(expectedSeq);
        assertThat(f.startSample()).isEqualTo(expectedSeq * FRAME_SAMPLES);
        assertThat(f.sampleRateHz()).isEqualTo(RATE_HZ);
        assertThat(f.length()).isEqualTo(FRAME_SAMPLES);
        for (int i = 0; i < f.length(); i++) {
            assertThat(f.samples()[i]).isEqualTo(sampleValue(expectedSeq, i));
        }
    }

    private static void publishSeq(FrameRing ring, long seq, float[] buf) {
        assertThat(ring.publish(frameFor(seq, buf), 0, FRAME_SAMPLES, RATE_HZ, seq * FRAME_SAMPLES)).isEqualTo(seq);
    }

    @Test
    void slowConsumerDropsOldestAndCountsExactly() {
        FrameRing ring = new FrameRing(8, FRAME_SAMPLES);
        FrameRing.Consumer c = ring.subscribe("slow");
        float[] buf = new float[FRAME_SAMPLES];
        for (long s = 0; s < 100; s++) {
            publishSeq(ring, s, buf);
        }
        assertThat(ring.published()).isEqualTo(100);

        AudioFrame f = new AudioFrame(FRAME_SAMPLES);
        assertThat(c.poll(f)).isTrue();
        // 100 published, 8 kept: frames 0..91 are gone and the oldest survivor is 92.
        assertIntact(f, 92);
        assertThat(c.droppedFrames()).isEqualTo(92);
        for (long s = 93; s < 100; s++) {
            assertThat(c.poll(f)).isTrue();
            assertIntact(f, s);
        }
        assertThat(c.poll(f)).isFalse();
        assertThat(c.droppedFrames()).isEqualTo(92);
    }

    @Test
    void producerNeverBlocksOnAConsumerThatReadsNothing() {
        FrameRing ring = new FrameRing(16, FRAME_SAMPLES);
        FrameRing.Consumer idle = ring.subscribe("idle");
        float[] buf = new float[FRAME_SAMPLES];
        int n = 1_000_000;
        for (long s = 0; s < n; s++) {
            // publish returns every time although the consumer is 999,984 frames behind
            assertThat(ring.publish(buf, 0, FRAME_SAMPLES, RATE_HZ, s * FRAME_SAMPLES)).isEqualTo(s);
        }
        assertThat(ring.published()).isEqualTo(n);
        AudioFrame f = new AudioFrame(FRAME_SAMPLES);
        int seen = 0;
        while (idle.poll(f)) {
            assertThat(f.sequence()).isEqualTo(n - 16 + seen);
            seen++;
        }
        assertThat(seen).isEqualTo(16);
        assertThat(idle.droppedFrames()).isEqualTo(n - 16);
    }

    @Test
    void consumersAreIndependentAndLateSubscribersStartAtTheHead() {
        FrameRing ring = new FrameRing(4, FRAME_SAMPLES);
        FrameRing.Consumer vad = ring.subscribe("vad");
        FrameRing.Consumer recorder = ring.subscribe("recorder");
        float[] buf = new float[FRAME_SAMPLES];
        AudioFrame f = new AudioFrame(FRAME_SAMPLES);

        for (long s = 0; s < 3; s++) {
            publishSeq(ring, s, buf);
            assertThat(vad.poll(f)).isTrue(); // vad keeps up
            assertIntact(f, s);
        }
        FrameRing.Consumer asr = ring.subscribe("asr"); // added at runtime: starts at frame 3
        assertThat(asr.poll(f)).isFalse();
        for (long s = 3; s < 10; s++) {
            publishSeq(ring, s, buf);
            assertThat(vad.poll(f)).isTrue();
            assertIntact(f, s);
        }
        assertThat(vad.poll(f)).isFalse();
        assertThat(vad.droppedFrames()).isZero();

        // recorder never read: it keeps frames 6..9 and lost 0..5
        for (long s = 6; s < 10; s++) {
            assertThat(recorder.poll(f)).isTrue();
            assertIntact(f, s);
        }
        assertThat(recorder.droppedFrames()).isEqualTo(6);

        // asr subscribed at 3 and lost 3..5 only
        assertThat(asr.poll(f)).isTrue();
        assertIntact(f, 6);
        assertThat(asr.droppedFrames()).isEqualTo(3);
    }

    @Test
    void awaitWakesWhenAFrameIsPublishedAndCloseReleasesWaiters() throws Exception {
        FrameRing ring = new FrameRing(4, FRAME_SAMPLES);
        FrameRing.Consumer a = ring.subscribe("a");
        FrameRing.Consumer b = ring.subscribe("b");
        AtomicReference<Object> resultA = new AtomicReference<>();
        AtomicReference<Object> resultB = new AtomicReference<>();
        AtomicInteger firstDone = new AtomicInteger();
        Thread ta = waiter(a, resultA, firstDone);
        Thread tb = waiter(b, resultB, firstDone);
        awaitParked(ta);
        awaitParked(tb);
        publishSeq(ring, 0, new float[FRAME_SAMPLES]); // wakes both
        while (firstDone.get() < 2) {
            Thread.onSpinWait();
        }
        awaitParked(ta);
        awaitParked(tb);
        b.close(); // releases b only
        tb.join(5_000);
        assertThat(tb.isAlive()).isFalse();
        assertThat(resultB.get()).isEqualTo("true:0:false");
        assertThat(ta.isAlive()).isTrue();
        ring.close(); // releases everyone else
        ta.join(5_000);
        assertThat(ta.isAlive()).isFalse();
        assertThat(resultA.get()).isEqualTo("true:0:false");
        assertThatThrownBy(() -> ring.publish(new float[1], 0, 1, RATE_HZ, 0))
                .isInstanceOf(IllegalStateException.class).hasMessage("frame ring is closed");
    }

    /** A thread that waits for one frame, reports, then waits again until released; records "first:seq:second". */
    private static Thread waiter(FrameRing.Consumer c, AtomicReference<Object> result, AtomicInteger firstDone) {
        Thread t = new Thread(() -> {
            AudioFrame f = new AudioFrame(FRAME_SAMPLES);
            try {
                boolean first = c.await(f, 1, TimeUnit.HOURS);
                long seq = f.sequence();
                firstDone.incrementAndGet();
                boolean second = c.await(f, 1, TimeUnit.HOURS);
                result.set(first + ":" + seq + ":" + second);
            } catch (Throwable e) {
                result.set(e);
            }
        }, "waiter-" + c.name());
        t.start();
        return t;
    }

    @Test
    void skipOlderThanLeavesWhatIsNeededAndCountsNoDrop() {
        FrameRing ring = new FrameRing(16, FRAME_SAMPLES);
        FrameRing.Consumer c = ring.subscribe("lazy");
        float[] buf = new float[FRAME_SAMPLES];
        for (long s = 0; s < 12; s++) {
            publishSeq(ring, s, buf);
        }
        AudioFrame f = new AudioFrame(FRAME_SAMPLES);
        // Keep the last 4, or from frame 6 if that is older: frames 6.. stay unread.
        c.skipOlderThan(6, 4);
        for (long s = 6; s < 12; s++) {
            assertThat(c.poll(f)).isTrue();
            assertIntact(f, s);
        }
        assertThat(c.poll(f)).isFalse();
        for (long s = 12; s < 20; s++) {
            publishSeq(ring, s, buf);
        }
        c.skipOlderThan(19, 3); // the last 3 are older than frame 19: 17, 18, 19 stay
        assertThat(c.poll(f)).isTrue();
        assertIntact(f, 17);
        c.skipOlderThan(0, 0); // never moves back
        assertThat(c.poll(f)).isTrue();
        assertIntact(f, 18);
        assertThat(c.droppedFrames()).isZero();
    }

    @Test
    void wakeupEndsOneAwaitWithoutAFrame() throws Exception {
        FrameRing ring = new FrameRing(4, FRAME_SAMPLES);
        FrameRing.Consumer c = ring.subscribe("asr");
        AudioFrame f = new AudioFrame(FRAME_SAMPLES);
        c.wakeup(); // before the wait: the next await returns at once
        assertThat(c.await(f, 1, TimeUnit.HOURS)).isFalse();
        AtomicReference<Object> result = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                result.set(c.await(f, 1, TimeUnit.HOURS));
            } catch (Throwable e) {
                result.set(e);
            }
        });
        t.start();
        awaitParked(t);
        c.wakeup();
        t.join(5_000);
        assertThat(result.get()).isEqualTo(false);
        // A frame still wins over a pending wake-up that nobody consumed.
        c.wakeup();
        publishSeq(ring, 0, new float[FRAME_SAMPLES]);
        assertThat(c.await(f, 1, TimeUnit.HOURS)).isTrue();
        assertIntact(f, 0);
    }

    @Test
    void awaitTimesOutAndHonoursInterrupts() throws Exception {
        FrameRing ring = new FrameRing(4, FRAME_SAMPLES);
        FrameRing.Consumer c = ring.subscribe("c");
        AudioFrame f = new AudioFrame(FRAME_SAMPLES);
        assertThat(c.await(f, 1, TimeUnit.MILLISECONDS)).isFalse();
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> c.await(f, 1, TimeUnit.HOURS)).isInstanceOf(InterruptedException.class);
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void rejectsBadFramesWithTheExpectedAndActualValues() {
        FrameRing ring = new FrameRing(5, FRAME_SAMPLES);
        assertThat(ring.capacity()).isEqualTo(8);
        FrameRing.Consumer c = ring.subscribe("c");
        assertThatThrownBy(() -> ring.publish(new float[20], 0, 9, RATE_HZ, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("frame length must be 0..8 samples, was 9");
        assertThatThrownBy(() -> ring.publish(new float[8], 0, 8, 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("sample rate must be positive, was 0");
        assertThatThrownBy(() -> ring.publish(new float[4], 2, 4, RATE_HZ, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("range [2, 6) is outside the source array of 4 samples");
        assertThatThrownBy(() -> c.poll(new AudioFrame(4)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("destination frame must hold 8 samples, holds 4");
        assertThatThrownBy(() -> new FrameRing(1, 8)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("was 1");
        assertThat(ring.published()).isZero();
    }

    static void awaitParked(Thread t) {
        while (t.getState() != Thread.State.TIMED_WAITING) {
            assertThat(t.isAlive()).as("thread ended before parking").isTrue();
            Thread.onSpinWait();
        }
    }
}
