package io.github.voicechat.web.internal;

import io.github.voicechat.audio.AudioSource;
import io.github.voicechat.audio.Pcm;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The client's microphone as a session's {@link AudioSource}: an adaptive jitter buffer of whole frames.
 *
 * <p>The session, not the client, is the clock: it reads one frame per 20 ms tick on the real clock, so this source
 * says it is not real-time and never blocks (a shared tick thread must not wait on a socket). Frames arrive from the
 * transport's thread whenever the network delivers them. The buffer starts playing once it holds {@code targetFrames}
 * (so small network jitter never starves it); when it runs dry it returns silence and primes again; when it has held
 * more than the target for a whole window of reads (the client stalled and then caught up, or its clock runs fast)
 * it drops the surplus, oldest first, so the added latency never grows. Full, it drops the oldest frame.
 * The frames are preallocated: pushing and reading allocate nothing.
 */
public final class InboundAudio implements AudioSource {

    /** Reads per adaptation window: one second of 20 ms frames. */
    static final int WINDOW_READS = 50;

    private final int sampleRateHz;
    private final int frameSamples;
    private final int targetFrames;
    private final float[][] frames;
    private int head;        // oldest queued frame
    private int count;       // queued frames
    private float[] current; // frame being read, or null
    private int cursor;      // next sample of current
    private boolean primed;
    private boolean ended;
    private int windowReads;
    private int windowMin = Integer.MAX_VALUE;

    private long underrunFrames;
    private long droppedFrames;
    private long receivedFrames;

    public InboundAudio(int sampleRateHz, int frameSamples, int capacityFrames, int targetFrames) {
        if (targetFrames < 1 || capacityFrames <= targetFrames) {
            throw new IllegalArgumentException("need 1 <= target < capacity, was target " + targetFrames
                    + ", capacity " + capacityFrames);
        }
        this.sampleRateHz = sampleRateHz;
        this.frameSamples = frameSamples;
        this.targetFrames = targetFrames;
        this.frames = new float[capacityFrames][frameSamples];
    }

    /** Queues whole frames of PCM16LE (the caller checked the length is a multiple of a frame). */
    public synchronized void push(ByteBuffer pcm16le) {
        ByteBuffer in = pcm16le.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        while (in.remaining() >= 2 * frameSamples) {
            if (ended) {
                return;
            }
            if (count == frames.length) {
                head = (head + 1) % frames.length; // full: the oldest frame goes
                count--;
                droppedFrames++;
            }
            float[] f = frames[(head + count) % frames.length];
            for (int i = 0; i < frameSamples; i++) {
                f[i] = Pcm.toFloat(in.getShort());
            }
            count++;
            receivedFrames++;
        }
    }

    /** The client will send no more audio: reads drain what is queued, then report the end of the stream. */
    public synchronized void end() {
        ended = true;
    }

    @Override
    public int sampleRateHz() {
        return sampleRateHz;
    }

    @Override
    public synchronized int read(float[] buffer, int offset, int length) {
        if (length == 0) {
            return 0;
        }
        if (current == null) {
            if (ended && count == 0) {
                return -1;
            }
            if (!primed && count >= targetFrames || ended && count > 0) {
                primed = true;
            }
            if (!primed || count == 0) {
                if (primed) {
                    underrunFrames++;
                    primed = false; // starved: wait for the target again before playing on
                }
                int n = Math.min(length, frameSamples);
                java.util.Arrays.fill(buffer, offset, offset + n, 0f);
                return n;
            }
            adapt();
            current = frames[head];
            head = (head + 1) % frames.length;
            count--;
            cursor = 0;
        }
        int n = Math.min(length, frameSamples - cursor);
        System.arraycopy(current, cursor, buffer, offset, n);
        cursor += n;
        if (cursor == frameSamples) {
            current = null;
        }
        return n;
    }

    /** Once per window, drops what the buffer held above its target the whole time. */
    private void adapt() {
        windowMin = Math.min(windowMin, count);
        if (++windowReads < WINDOW_READS) {
            return;
        }
        int surplus = windowMin - targetFrames;
        if (surplus > 0) {
            head = (head + surplus) % frames.length;
            count -= surplus;
            droppedFrames += surplus;
        }
        windowReads = 0;
        windowMin = Integer.MAX_VALUE;
    }

    /** Frames queued now. */
    public synchronized int queuedFrames() {
        return count;
    }

    /** Reads that found the buffer empty after it had started (the client's audio arrived late). */
    public synchronized long underrunFrames() {
        return underrunFrames;
    }

    /** Frames dropped because the buffer was full or held more than its target for a whole window. */
    public synchronized long droppedFrames() {
        return droppedFrames;
    }

    public synchronized long receivedFrames() {
        return receivedFrames;
    }

    @Override
    public synchronized void close() {
        ended = true;
        count = 0;
        current = null;
    }
}
