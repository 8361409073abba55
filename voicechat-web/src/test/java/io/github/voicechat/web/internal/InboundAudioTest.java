package io.github.voicechat.web.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** The inbound jitter buffer, frame by frame: priming, underruns, adaptation, overflow and the end of the stream. */
class InboundAudioTest {

    private static final int FRAME = 4; // tiny frames keep the arithmetic visible

    /** One frame whose samples all hold {@code id} (as PCM16). */
    private static ByteBuffer frame(int id) {
        ByteBuffer b = ByteBuffer.allocate(2 * FRAME).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < FRAME; i++) {
            b.putShort((short) id);
        }
        return b.flip();
    }

    /** Reads one frame and returns its id (0 for silence). */
    private static int readFrame(InboundAudio in) {
        float[] buf = new float[FRAME];
        int n = in.read(buf, 0, FRAME);
        if (n < 0) {
            return -1;
        }
        assertThat(n).isEqualTo(FRAME);
        return Math.round(buf[0] * 32768);
    }

    @Test
    void silenceUntilPrimedThenFramesInOrder() {
        InboundAudio in = new InboundAudio(16_000, FRAME, 10, 2);
        assertThat(readFrame(in)).isZero();
        in.push(frame(1));
        assertThat(readFrame(in)).isZero(); // one frame is below the target of two
        in.push(frame(2));
        assertThat(readFrame(in)).isEqualTo(1);
        assertThat(readFrame(in)).isEqualTo(2);
        assertThat(in.underrunFrames()).isZero();
        assertThat(readFrame(in)).isZero(); // starved
        assertThat(in.underrunFrames()).isEqualTo(1);
        in.push(frame(3));
        assertThat(readFrame(in)).as("primes again after an underrun").isZero();
        in.push(frame(4));
        assertThat(readFrame(in)).isEqualTo(3);
    }

    @Test
    void aMessageOfSeveralFramesAndPartialReads() {
        InboundAudio in = new InboundAudio(16_000, FRAME, 10, 1);
        ByteBuffer two = ByteBuffer.allocate(4 * FRAME).put(frame(7)).put(frame(8)).flip();
        in.push(two);
        assertThat(two.remaining()).as("the caller's buffer is not consumed").isEqualTo(4 * FRAME);
        float[] buf = new float[3];
        assertThat(in.read(buf, 0, 3)).isEqualTo(3);
        assertThat(in.read(buf, 0, 3)).as("the rest of the frame").isEqualTo(1);
        assertThat(readFrame(in)).isEqualTo(8);
    }

    @Test
    void surplusHeldForAWholeWindowIsDroppedOldestFirst() {
        InboundAudio in = new InboundAudio(16_000, FRAME, 200, 2);
        for (int i = 1; i <= 10; i++) {
            in.push(frame(i)); // a stalled client catches up: 10 frames at once
        }
        // Keep the level steady at 10 queued for a window: push one per read.
        int next = 11;
        int last = 0;
        for (int r = 0; r < InboundAudio.WINDOW_READS - 1; r++) {
            last = readFrame(in);
            in.push(frame(next++));
        }
        assertThat(in.queuedFrames()).isEqualTo(10);
        assertThat(in.droppedFrames()).isZero();
        // The window ends on this read. Every read of it found 10 queued, 8 above the target: the 8 oldest go,
        // and this read already gets the frame after them.
        int first = readFrame(in);
        assertThat(first).isEqualTo(last + 1 + 8);
        assertThat(in.droppedFrames()).isEqualTo(8);
        assertThat(in.queuedFrames()).as("the target, less the frame being read").isEqualTo(1);
        assertThat(readFrame(in)).as("oldest dropped: what remains is the newest").isEqualTo(next - 1);
    }

    @Test
    void fullBufferDropsTheOldestFrame() {
        InboundAudio in = new InboundAudio(16_000, FRAME, 3, 1);
        for (int i = 1; i <= 5; i++) {
            in.push(frame(i));
        }
        assertThat(in.droppedFrames()).isEqualTo(2);
        assertThat(readFrame(in)).isEqualTo(3);
        assertThat(in.receivedFrames()).isEqualTo(5);
    }

    @Test
    void endDrainsWhatIsQueuedThenReportsTheEnd() {
        InboundAudio in = new InboundAudio(16_000, FRAME, 10, 3);
        in.push(frame(1));
        in.end();
        in.push(frame(2)); // ignored after the end
        assertThat(readFrame(in)).as("no need to prime once ended").isEqualTo(1);
        assertThat(readFrame(in)).isEqualTo(-1);
    }
}
