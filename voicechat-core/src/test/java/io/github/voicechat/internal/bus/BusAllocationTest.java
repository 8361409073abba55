package io.github.voicechat.internal.bus;

import io.github.voicechat.audio.AudioFrame;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The per-frame path allocates nothing: measured with the JVM's per-thread allocation counter around a loop of
 * publish/poll (input ring) and offer/poll/cancel (output ring), after a warm-up. JMH's {@code -prof gc}
 * gives the same figure in benchmarks/BUS.md; this test keeps it from regressing.
 */
class BusAllocationTest {

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getCurrentThreadAllocatedBytes();
    }

    @Test
    void steadyStateAllocatesNothing() throws Exception {
        Assumptions.assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean
                        && ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                        .isThreadAllocatedMemorySupported(),
                "skipped: this JVM does not report per-thread allocation");
        FrameRing in = new FrameRing(16, 320);
        FrameRing.Consumer vad = in.subscribe("vad");
        FrameRing.Consumer asr = in.subscribe("asr");
        OutputRing out = new OutputRing(16, 960);
        float[] pcm = new float[960];
        AudioFrame a = new AudioFrame(320);
        AudioFrame b = new AudioFrame(960);
        float[] pcm960 = new float[960];

        long baseline = 0;
        long measured = 0;
        for (int round = 0; round < 3; round++) { // rounds 0-1 warm up (class init, JIT); round 2 counts
            long t0 = allocatedBytes();
            long t1 = allocatedBytes();
            baseline = t1 - t0;
            for (int i = 0; i < 100_000; i++) {
                in.publish(pcm, 0, 320, 16_000, i * 320L);
                vad.poll(a);
                if ((i & 3) == 0) {
                    asr.poll(a); // asr lags and drops: the drop path must not allocate either
                }
                out.offer(pcm, 0, 960, 48_000, i * 960L, out.epoch(), 0, TimeUnit.MILLISECONDS);
                if ((i & 1023) == 0) {
                    out.cancel(); // a barge-in: the epoch advances, queued frames are discarded
                }
                if ((i & 1) == 0) {
                    out.poll(b);
                } else {
                    out.poll(pcm960); // the playout's way: samples only
                }
            }
            measured = allocatedBytes() - t1 - baseline;
        }
        assertThat(asr.droppedFrames()).isPositive();
        assertThat(measured).as("bytes allocated by 100,000 frames through both rings").isZero();
    }
}
