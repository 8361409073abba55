package io.github.voicechat.internal.bus;

import io.github.voicechat.audio.AudioFrame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One producer thread and four consumer threads of different speeds on a small ring, so consumers are lapped while
 * they copy. Every frame a consumer accepts must be intact (length, position and every sample derived from its
 * sequence), sequences must strictly increase, each gap must equal the growth of the consumer's drop counter, and
 * at the end seen + dropped must equal published for every consumer.
 */
@Timeout(60)
class FrameRingStressTest {

    private static final int RATE_HZ = 16_000;
    private static final int FRAME_CAPACITY = 64;
    private static final int SLOTS = 8;
    private static final long FRAMES = 150_000;

    private static float sampleValue(long seq, int i) {
        return (float) ((seq * 31 + i) % (1 << 23));
    }

    private static int lengthFor(long seq) {
        return 1 + (int) (seq % FRAME_CAPACITY);
    }

    /** Per-consumer outcome, written by its thread and read after join. */
    private static final class Tally {
        final String name;
        long seen;
        long lastSeq = -1;
        long dropped;
        String failure;

        Tally(String name) {
            this.name = name;
        }
    }

    private enum Pace { AWAIT, SPIN, YIELDING, LAGGING }

    @Test
    void everyFrameSeenIsIntactAndSeenPlusDroppedEqualsPublished() throws Exception {
        FrameRing ring = new FrameRing(SLOTS, FRAME_CAPACITY);
        List<Thread> threads = new ArrayList<>();
        List<Tally> tallies = new ArrayList<>();
        for (Pace pace : Pace.values()) {
            FrameRing.Consumer c = ring.subscribe(pace.name());
            Tally t = new Tally(pace.name());
            tallies.add(t);
            Thread th = new Thread(() -> consume(ring, c, pace, t), "consumer-" + pace);
            threads.add(th);
        }
        threads.forEach(Thread::start);

        Thread producer = new Thread(() -> {
            float[] buf = new float[FRAME_CAPACITY];
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3); // bounds the test on a busy machine
            for (long seq = 0; seq < FRAMES; seq++) {
                // Time-bounded on a busy machine, but never below the 20,000 frames the checks below need (on a
                // loaded 2-core CI machine the spinning consumers can slow the producer to ~4,000 frames/s).
                if (seq >= 20_000 && (seq & 1023) == 0 && System.nanoTime() > deadline) {
                    break;
                }
                int len = lengthFor(seq);
                for (int i = 0; i < len; i++) {
                    buf[i] = sampleValue(seq, i);
                }
                ring.publish(buf, 0, len, RATE_HZ, seq * 1000);
                if ((seq & 15) == 0) {
                    Thread.yield(); // give consumers CPU on small machines so they read (and race) often
                }
            }
        }, "producer");
        producer.start();
        producer.join();
        ring.close();
        for (Thread th : threads) {
            th.join(20_000);
            assertThat(th.isAlive()).as(th.getName() + " finished").isFalse();
        }

        long published = ring.published();
        assertThat(published).isGreaterThanOrEqualTo(20_000);
        for (Tally t : tallies) {
            assertThat(t.failure).as(t.name).isNull();
            assertThat(t.seen + t.dropped).as(t.name + ": seen + dropped").isEqualTo(published);
            assertThat(t.lastSeq).as(t.name + ": last frame read").isEqualTo(published - 1);
            assertThat(t.seen).as(t.name + ": frames seen").isPositive();
        }
        // The lagging consumer deliberately falls 2 rings behind every 10,000 frames, so it must have dropped.
        assertThat(tallies.get(Pace.LAGGING.ordinal()).dropped).isGreaterThanOrEqualTo(published / 10_000 * SLOTS);
        for (Tally t : tallies) {
            System.out.printf("FrameRingStressTest %s: published=%d seen=%d dropped=%d%n", t.name, published, t.seen,
                    t.dropped);
        }
    }

    private static void consume(FrameRing ring, FrameRing.Consumer c, Pace pace, Tally t) {
        AudioFrame f = new AudioFrame(FRAME_CAPACITY);
        try {
            while (true) {
                boolean got;
                if (pace == Pace.AWAIT) {
                    got = c.await(f, 10, TimeUnit.SECONDS);
                    if (!got) {
                        if (!ring.isClosed()) {
                            t.failure = "await timed out before the ring closed";
                        }
                        break;
                    }
                } else {
                    got = c.poll(f);
                    if (!got) {
                        // isClosed() is read once: reading it twice let the ring close between the reads, and the
                        // previous frame was then checked a second time ("sequence went from N to N").
                        if (!ring.isClosed()) {
                            if (pace == Pace.YIELDING) {
                                Thread.yield();
                            } else {
                                Thread.onSpinWait();
                            }
                            continue;
                        }
                        if (!c.poll(f)) {
                            break; // everything was published before close, so nothing can follow
                        }
                    }
                }
                String err = check(f, t, c.droppedFrames());
                if (err != null) {
                    t.failure = err;
                    break;
                }
                if (pace == Pace.LAGGING && f.sequence() % 10_000 == 0) {
                    long target = f.sequence() + 2L * SLOTS + 1;
                    while (ring.published() < target && !ring.isClosed()) {
                        Thread.onSpinWait();
                    }
                }
            }
        } catch (Throwable e) {
            t.failure = e.toString();
        }
    }

    private static String check(AudioFrame f, Tally t, long droppedNow) {
        long seq = f.sequence();
        if (seq <= t.lastSeq) {
            return "sequence went from " + t.lastSeq + " to " + seq;
        }
        long gap = seq - t.lastSeq - 1;
        if (droppedNow - t.dropped != gap) {
            return "gap of " + gap + " before " + seq + " but drop counter grew by " + (droppedNow - t.dropped);
        }
        if (f.length() != lengthFor(seq) || f.startSample() != seq * 1000 || f.sampleRateHz() != RATE_HZ) {
            return "torn metadata at " + f;
        }
        float[] s = f.samples();
        for (int i = 0; i < f.length(); i++) {
            if (s[i] != sampleValue(seq, i)) {
                return "torn sample " + i + " of frame " + seq + ": " + s[i] + " != " + sampleValue(seq, i);
            }
        }
        t.dropped = droppedNow;
        t.lastSeq = seq;
        t.seen++;
        return null;
    }
}
