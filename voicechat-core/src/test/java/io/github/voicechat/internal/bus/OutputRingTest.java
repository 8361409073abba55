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
        OutputRing out = new OutputRing(64, FRAME_SAMPLES, 16);
        long epoch = out.epoch();
        for (long s = 0; s < 50; s++) {
            assertThat(offer(out, s, epoch)).isEqualTo(OfferResult.ACCEPTED);
        }
        assertThat(out.available()).isEqualTo(50);
        return out;
    }

    @Test
    void pauseOvertakesFiftyQueuedFramesAndResumePlaysThemAll() throws Exception {
        OutputRing out = queued50();
        AudioFrame f = new AudioFrame(FRAME_SAMPLES);
        assertThat(out.send(PlaybackCommand.PAUSE, 4_800)).isTrue();

        // The playout's loop: frames are refused while a command is pending, so PAUSE comes before frame 0.
        assertThat(out.poll(f)).isFalse();
        assertThat(out.pollControl()).isEqualTo(PlaybackCommand.PAUSE);
        assertThat(out.lastArgument()).isEqualTo(4_800);
        assertThat(out.isPaused()).isTrue();
        assertThat(out.poll(f)).isFalse();
        assertThat(out.await(1, TimeUnit.MILLISECONDS)).isFalse(); // paused: queued frames do not wake it
        assertThat(out.available()).isEqualTo(50);

        out.send(PlaybackCommand.RESUME, 0);
        assertThat(out.await(1, TimeUnit.MILLISECONDS)).isTrue();
        assertThat(out.pollControl()).isEqualTo(PlaybackCommand.RESUME);
        assertThat(out.pollControl()).isNull();
        for (long s = 0; s < 50; s++) {
            assertThat(out.poll(f)).isTrue();
            assertFrame(f, s);
        }
        assertThat(out.poll(f)).isFalse();
        assertThat(out.flushedFrames()).isZero();
    }

    @Test
    void stopOvertakesFiftyQueuedFramesAndDiscardsThem() throws Exception {
        OutputRing out = queued50();
        long oldEpoch = out.epoch();
        AudioFrame f = new AudioFrame(FRAME_SAMPLES);
        // Playout has played 3 frames when STOP arrives.
        for (long s = 0; s < 3; s++) {
            assertThat(out.poll(f)).isTrue();
            assertFrame(f, s);
        }
        out.send(PlaybackCommand.STOP, 3 * FRAME_SAMPLES);
        assertThat(out.poll(f)).isFalse();
        assertThat(out.pollControl()).isEqualTo(PlaybackCommand.STOP);
        assertThat(out.lastArgument()).isEqualTo(3 * FRAME_SAMPLES);
        assertThat(out.available()).isZero();
        assertThat(out.flushedFrames()).isEqualTo(47);
        assertThat(out.poll(f)).isFalse();

        // The cancelled utterance can queue nothing more; a new one (new epoch) plays normally.
        assertThat(offer(out, 50, oldEpoch)).isEqualTo(OfferResult.FLUSHED);
        assertThat(offer(out, 100, out.epoch())).isEqualTo(OfferResult.ACCEPTED);
        assertThat(out.poll(f)).isTrue();
        assertFrame(f, 100);
    }

    @Test
    void flushDiscardsQueuedFramesEvenBeforeThePlayoutReadsIt() throws Exception {
        OutputRing out = queued50();
        long oldEpoch = out.epoch();
        assertThat(out.flush()).isTrue();
        // A producer racing the flush (it read the epoch before) still cannot get audio played.
        assertThat(offer(out, 50, oldEpoch)).isEqualTo(OfferResult.FLUSHED);
        long newEpoch = out.epoch();
        assertThat(newEpoch).isEqualTo(oldEpoch + 1);
        assertThat(offer(out, 200, newEpoch)).isEqualTo(OfferResult.ACCEPTED);
        assertThat(out.available()).isEqualTo(51);

        AudioFrame f = new AudioFrame(FRAME_SAMPLES);
        assertThat(out.pollControl()).isEqualTo(PlaybackCommand.FLUSH);
        assertThat(out.flushedFrames()).isEqualTo(50);
        assertThat(out.available()).isEqualTo(1);
        assertThat(out.poll(f)).isTrue();
        assertFrame(f, 200); // the first audio after the flush is the new utterance's
        assertThat(out.poll(f)).isFalse();
    }

    @Test
    void fullRingBlocksTheProducerUntilThePlayoutFreesASlot() throws Exception {
        OutputRing out = new OutputRing(4, FRAME_SAMPLES, 4);
        long epoch = out.epoch();
        for (long s = 0; s < 4; s++) {
            assertThat(offer(out, s, epoch)).isEqualTo(OfferResult.ACCEPTED);
        }
        assertThat(offer(out, 4, epoch)).isEqualTo(OfferResult.TIMED_OUT);
        assertThat(out.offer(buf, 0, FRAME_SAMPLES, RATE_HZ, 0, epoch, 2, TimeUnit.MILLISECONDS))
                .isEqualTo(OfferResult.TIMED_OUT);
        assertThat(out.available()).isEqualTo(4);

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
    void flushReleasesABlockedProducerAndCloseReleasesEveryone() throws Exception {
        OutputRing out = new OutputRing(2, FRAME_SAMPLES, 4);
        long epoch = out.epoch();
        assertThat(offer(out, 0, epoch)).isEqualTo(OfferResult.ACCEPTED);
        assertThat(offer(out, 1, epoch)).isEqualTo(OfferResult.ACCEPTED);
        AtomicReference<Object> first = new AtomicReference<>();
        Thread p1 = producer(out, 2, epoch, first);
        awaitParked(p1);
        out.flush();
        p1.join(5_000);
        assertThat(p1.isAlive()).isFalse();
        assertThat(first.get()).isEqualTo(OfferResult.FLUSHED);

        // The ring is still full of stale frames until the playout reads FLUSH; a new utterance waits for that.
        long e2 = out.epoch();
        AtomicReference<Object> second = new AtomicReference<>();
        Thread p2 = producer(out, 10, e2, second);
        awaitParked(p2);
        assertThat(out.pollControl()).isEqualTo(PlaybackCommand.FLUSH);
        p2.join(5_000);
        assertThat(second.get()).isEqualTo(OfferResult.ACCEPTED);
        assertThat(out.flushedFrames()).isEqualTo(2);

        // Fill again, block a producer and a consumer-side wait, then close.
        assertThat(offer(out, 11, e2)).isEqualTo(OfferResult.ACCEPTED);
        AtomicReference<Object> third = new AtomicReference<>();
        Thread p3 = producer(out, 12, e2, third);
        awaitParked(p3);
        out.send(PlaybackCommand.PAUSE, 0);
        assertThat(out.pollControl()).isEqualTo(PlaybackCommand.PAUSE);
        AtomicReference<Object> waited = new AtomicReference<>();
        Thread consumer = new Thread(() -> {
            try {
                waited.set(out.await(1, TimeUnit.HOURS));
            } catch (Throwable e) {
                waited.set(e);
            }
        });
        consumer.start();
        awaitParked(consumer);
        out.close();
        p3.join(5_000);
        consumer.join(5_000);
        assertThat(p3.isAlive()).isFalse();
        assertThat(consumer.isAlive()).isFalse();
        assertThat(third.get()).isEqualTo(OfferResult.CLOSED);
        assertThat(waited.get()).isEqualTo(false);
        assertThat(offer(out, 13, e2)).isEqualTo(OfferResult.CLOSED);
    }

    @Test
    void blockedProducerHonoursInterrupts() throws Exception {
        OutputRing out = new OutputRing(2, FRAME_SAMPLES, 4);
        long epoch = out.epoch();
        offer(out, 0, epoch);
        offer(out, 1, epoch);
        AtomicReference<Object> result = new AtomicReference<>();
        Thread p = producer(out, 2, epoch, result);
        awaitParked(p);
        p.interrupt();
        p.join(5_000);
        assertThat(result.get()).isInstanceOf(InterruptedException.class);
        assertThat(out.available()).isEqualTo(2);
    }

    @Test
    void awaitWakesOnAControlCommandWhilePaused() throws Exception {
        OutputRing out = new OutputRing(4, FRAME_SAMPLES, 4);
        out.send(PlaybackCommand.PAUSE, 0);
        assertThat(out.pollControl()).isEqualTo(PlaybackCommand.PAUSE);
        AtomicReference<Object> waited = new AtomicReference<>();
        Thread consumer = new Thread(() -> {
            try {
                waited.set(out.await(1, TimeUnit.HOURS));
            } catch (Throwable e) {
                waited.set(e);
            }
        });
        consumer.start();
        awaitParked(consumer);
        out.send(PlaybackCommand.STOP, 9);
        consumer.join(5_000);
        assertThat(waited.get()).isEqualTo(true);
        assertThat(out.pollControl()).isEqualTo(PlaybackCommand.STOP);
        assertThat(out.lastArgument()).isEqualTo(9);
    }

    @Test
    void concurrentProducerAndPlayoutLoseNothing() throws Exception {
        OutputRing out = new OutputRing(8, 64, 4);
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
                assertThat(out.await(10, TimeUnit.SECONDS)).isTrue();
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
        assertThat(out.flushedFrames()).isZero();
    }

    @Test
    void rejectsBadFrames() {
        OutputRing out = new OutputRing(4, FRAME_SAMPLES, 4);
        assertThatThrownBy(() -> out.offer(new float[2000], 0, 961, RATE_HZ, 0, 0, 0, TimeUnit.SECONDS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("frame length must be 0..960 samples, was 961");
        assertThatThrownBy(() -> out.offer(buf, 0, 10, -1, 0, 0, 0, TimeUnit.SECONDS))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("sample rate must be positive, was -1");
        assertThatThrownBy(() -> out.poll(new AudioFrame(480)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("destination frame must hold 960 samples, holds 480");
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
