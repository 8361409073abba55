package io.github.voicechat.internal.bus;

import io.github.voicechat.audio.AudioFrame;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The output path (TTS → playout): a single-producer, single-consumer ring with back-pressure, plus a control lane
 * that the consumer reads before every frame.
 *
 * <p>Unlike {@link FrameRing}, unplayed audio is never overwritten: when the ring is full the producer waits (parked,
 * with a timeout) until the playout frees a slot. Cancellation is by <em>epoch</em>: a producer reads
 * {@link #epoch()} when its utterance starts and passes it to every {@link #offer}; {@link #send sending} FLUSH or
 * STOP advances the epoch at once, so the producer's later offers — including one already waiting for space —
 * return {@link OfferResult#FLUSHED}, and frames already queued under the old epoch are discarded by the consumer,
 * whichever order the threads run in.
 *
 * <p>Consumer loop (one playout thread):
 * <pre>{@code
 * while (running) {
 *     PlaybackCommand c;
 *     while ((c = out.pollControl()) != null) handle(c, out.lastArgument());
 *     if (out.poll(frame)) play(frame); else out.await(20, MILLISECONDS);
 * }
 * }</pre>
 * {@link #poll} refuses to hand out a frame while a command is pending, so control always overtakes queued audio.
 *
 * <p>Threading: {@link #offer} from one producer thread at a time; {@link #pollControl}, {@link #poll},
 * {@link #await} from one consumer thread; {@link #send}, {@link #flush}, {@link #close} and the counters from any
 * thread.
 */
public final class OutputRing implements AutoCloseable {

    /** Outcome of {@link #offer}. */
    public enum OfferResult {
        /** The frame is queued. */
        ACCEPTED,
        /** No slot freed up within the timeout; the frame was not queued. */
        TIMED_OUT,
        /** The producer's epoch is stale (FLUSH or STOP was sent): the utterance is cancelled, nothing queued. */
        FLUSHED,
        /** The ring is closed; nothing queued. */
        CLOSED
    }

    private static final VarHandle HEAD;
    private static final VarHandle TAIL;
    private static final VarHandle EPOCH;
    private static final VarHandle FLUSHED_FRAMES;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            HEAD = lookup.findVarHandle(OutputRing.class, "head", long.class);
            TAIL = lookup.findVarHandle(OutputRing.class, "tail", long.class);
            EPOCH = lookup.findVarHandle(OutputRing.class, "epoch", long.class);
            FLUSHED_FRAMES = lookup.findVarHandle(OutputRing.class, "flushedFrames", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final AudioFrame[] slots;
    /** Epoch each slot was offered under; written before the slot is published, read after. */
    private final long[] slotEpochs;
    private final int mask;
    private final int frameCapacitySamples;
    private final ControlLane control;

    @SuppressWarnings("unused")
    private long p01, p02, p03, p04, p05, p06, p07;
    /** Frames consumed or discarded; written by the consumer. */
    private volatile long head;
    @SuppressWarnings("unused")
    private long p11, p12, p13, p14, p15, p16, p17;
    /** Frames offered; written by the producer. */
    private volatile long tail;
    @SuppressWarnings("unused")
    private long p21, p22, p23, p24, p25, p26, p27;
    private volatile long epoch;
    private volatile boolean closed;
    private volatile Thread producerWaiter;
    private volatile Thread consumerWaiter;
    /** Written by the consumer only. */
    private long flushedFrames;
    /** Consumer-thread state. */
    private boolean paused;
    private long lastArgument;

    /**
     * @param slotCount            frames that may be queued; rounded up to a power of two
     * @param frameCapacitySamples largest frame, in samples, a slot can hold
     * @param controlCapacity      commands that may wait unread
     */
    public OutputRing(int slotCount, int frameCapacitySamples, int controlCapacity) {
        if (slotCount < 2 || slotCount > (1 << 24)) {
            throw new IllegalArgumentException("slot count must be 2.." + (1 << 24) + ", was " + slotCount);
        }
        if (frameCapacitySamples <= 0) {
            throw new IllegalArgumentException(
                    "frame capacity must be positive samples, was " + frameCapacitySamples);
        }
        int size = Integer.highestOneBit(slotCount - 1) << 1;
        slots = new AudioFrame[size];
        for (int i = 0; i < size; i++) {
            slots[i] = new AudioFrame(frameCapacitySamples);
        }
        slotEpochs = new long[size];
        mask = size - 1;
        this.frameCapacitySamples = frameCapacitySamples;
        this.control = new ControlLane(controlCapacity);
    }

    public int capacity() {
        return slots.length;
    }

    public int frameCapacitySamples() {
        return frameCapacitySamples;
    }

    /** The current epoch; a producer captures it when its utterance starts. */
    public long epoch() {
        return epoch;
    }

    public boolean isClosed() {
        return closed;
    }

    // ---------------------------------------------------------------- producer side

    /**
     * Queues a copy of the samples, waiting up to {@code timeout} for a free slot.
     *
     * @param epoch the value of {@link #epoch()} when the producer's utterance started
     * @throws InterruptedException     if the producer is interrupted while waiting (nothing queued)
     * @throws IllegalArgumentException if the frame is longer than a slot or the rate is not positive
     */
    public OfferResult offer(float[] samples, int offset, int length, int sampleRateHz, long startSample,
            long epoch, long timeout, TimeUnit unit) throws InterruptedException {
        if (length < 0 || length > frameCapacitySamples) {
            throw new IllegalArgumentException(
                    "frame length must be 0.." + frameCapacitySamples + " samples, was " + length);
        }
        if (sampleRateHz <= 0) {
            throw new IllegalArgumentException("sample rate must be positive, was " + sampleRateHz);
        }
        if (offset < 0 || offset + length > samples.length) {
            throw new IllegalArgumentException("range [" + offset + ", " + (offset + length)
                    + ") is outside the source array of " + samples.length + " samples");
        }
        OfferResult r = tryOffer(samples, offset, length, sampleRateHz, startSample, epoch);
        if (r != OfferResult.TIMED_OUT) {
            return r;
        }
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        producerWaiter = Thread.currentThread();
        try {
            while (true) {
                // Re-check after publishing ourselves as the waiter: a consumer that freed a slot before it could
                // see us is caught here, one that frees it later unparks us.
                r = tryOffer(samples, offset, length, sampleRateHz, startSample, epoch);
                if (r != OfferResult.TIMED_OUT) {
                    return r;
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return OfferResult.TIMED_OUT;
                }
                LockSupport.parkNanos(this, remaining);
                if (Thread.interrupted()) {
                    throw new InterruptedException("interrupted while waiting for a free output slot");
                }
            }
        } finally {
            producerWaiter = null;
        }
    }

    /** {@link #offer(float[], int, int, int, long, long, long, TimeUnit)} for a whole frame. */
    public OfferResult offer(AudioFrame frame, long epoch, long timeout, TimeUnit unit) throws InterruptedException {
        return offer(frame.samples(), 0, frame.length(), frame.sampleRateHz(), frame.startSample(), epoch, timeout,
                unit);
    }

    /** One attempt; TIMED_OUT here means "full". */
    private OfferResult tryOffer(float[] samples, int offset, int length, int sampleRateHz, long startSample,
            long producerEpoch) {
        if (closed) {
            return OfferResult.CLOSED;
        }
        if ((long) EPOCH.getVolatile(this) != producerEpoch) {
            return OfferResult.FLUSHED;
        }
        long t = (long) TAIL.getOpaque(this);
        if (t - (long) HEAD.getVolatile(this) >= slots.length) {
            return OfferResult.TIMED_OUT;
        }
        int idx = (int) t & mask;
        slots[idx].set(samples, offset, length, sampleRateHz, startSample, t);
        slotEpochs[idx] = producerEpoch;
        TAIL.setVolatile(this, t + 1); // volatile: Dekker pairing with consumerWaiter, see await()
        Thread w = consumerWaiter;
        if (w != null) {
            LockSupport.unpark(w);
        }
        return OfferResult.ACCEPTED;
    }

    // ---------------------------------------------------------------- control, any thread

    /**
     * Sends a command to the playout. FLUSH and STOP take effect on queued audio at once (the epoch advances, so
     * queued and in-flight frames of the current utterance are dropped), even before the playout reads them.
     *
     * @return false if the control lane is full (the epoch change of FLUSH/STOP has still happened)
     */
    public boolean send(PlaybackCommand command, long argument) {
        if (command == PlaybackCommand.FLUSH || command == PlaybackCommand.STOP) {
            EPOCH.getAndAdd(this, 1L);
            Thread p = producerWaiter;
            if (p != null) {
                LockSupport.unpark(p);
            }
        }
        boolean sent = control.offer(command, argument);
        Thread c = consumerWaiter;
        if (c != null) {
            LockSupport.unpark(c);
        }
        return sent;
    }

    /** Barge-in: discards queued audio and cancels the current producer's epoch. Same as {@code send(FLUSH, 0)}. */
    public boolean flush() {
        return send(PlaybackCommand.FLUSH, 0L);
    }

    /** Closes the ring and releases a waiting producer and consumer. */
    @Override
    public void close() {
        closed = true;
        Thread p = producerWaiter;
        if (p != null) {
            LockSupport.unpark(p);
        }
        Thread c = consumerWaiter;
        if (c != null) {
            LockSupport.unpark(c);
        }
    }

    // ---------------------------------------------------------------- consumer side

    /**
     * The next control command, or null. Applies it to the ring first: PAUSE/RESUME hold or release frames,
     * FLUSH/STOP discard the frames queued before them. Consumer thread only.
     */
    public PlaybackCommand pollControl() {
        PlaybackCommand c = control.poll();
        if (c == null) {
            return null;
        }
        lastArgument = control.lastArgument();
        switch (c) {
            case PAUSE:
                paused = true;
                break;
            case RESUME:
                paused = false;
                break;
            case FLUSH:
            case STOP:
                discardStale();
                break;
            default:
                throw new AssertionError(c);
        }
        return c;
    }

    /** Argument of the command last returned by {@link #pollControl()}. */
    public long lastArgument() {
        return lastArgument;
    }

    /** Whether the consumer is paused (PAUSE read, RESUME not yet). Consumer thread only. */
    public boolean isPaused() {
        return paused;
    }

    /**
     * Copies the next queued frame into {@code dest}. Returns false — without taking a frame — when nothing is
     * queued, when paused, or when a control command is pending: commands must be read first.
     */
    public boolean poll(AudioFrame dest) {
        if (dest.capacity() < frameCapacitySamples) {
            throw new IllegalArgumentException("destination frame must hold " + frameCapacitySamples
                    + " samples, holds " + dest.capacity());
        }
        if (paused || !control.isEmpty()) {
            return false;
        }
        discardStale();
        long h = (long) HEAD.getOpaque(this);
        if (h >= (long) TAIL.getAcquire(this)) {
            return false;
        }
        dest.setFrom(slots[(int) h & mask]);
        advanceHead(h + 1);
        return true;
    }

    /**
     * Parks up to {@code timeout} until a command is pending or (not paused) a frame is queued.
     *
     * @return true if {@link #pollControl()} or {@link #poll} now has something; false on timeout or close
     */
    public boolean await(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        consumerWaiter = Thread.currentThread();
        try {
            while (true) {
                if (!control.isEmpty() || (!paused && hasCurrentFrame())) {
                    return true;
                }
                if (closed) {
                    return false;
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return false;
                }
                LockSupport.parkNanos(this, remaining);
                if (Thread.interrupted()) {
                    throw new InterruptedException("interrupted while waiting for output audio");
                }
            }
        } finally {
            consumerWaiter = null;
        }
    }

    /** Frames queued and not yet played or discarded (includes flushed frames the consumer has not reached yet). */
    public int available() {
        return (int) ((long) TAIL.getAcquire(this) - (long) HEAD.getAcquire(this));
    }

    /** Frames discarded by FLUSH/STOP. Readable from any thread. */
    public long flushedFrames() {
        return (long) FLUSHED_FRAMES.getOpaque(this);
    }

    /**
     * Whether a frame of the current epoch is queued, paused or not. Consumer thread only: the session uses it to
     * tell "the response has finished playing" from "paused with audio left".
     */
    public boolean hasPendingFrame() {
        return hasCurrentFrame();
    }

    private boolean hasCurrentFrame() {
        discardStale();
        return (long) HEAD.getOpaque(this) < (long) TAIL.getVolatile(this);
    }

    /** Drops frames offered under an older epoch; they precede any current one because the producer is single. */
    private void discardStale() {
        long h = (long) HEAD.getOpaque(this);
        long t = (long) TAIL.getAcquire(this);
        long current = (long) EPOCH.getVolatile(this);
        long start = h;
        while (h < t && slotEpochs[(int) h & mask] != current) {
            h++;
        }
        if (h != start) {
            FLUSHED_FRAMES.setOpaque(this, flushedFrames + (h - start));
            advanceHead(h);
        }
    }

    private void advanceHead(long newHead) {
        HEAD.setVolatile(this, newHead); // volatile: Dekker pairing with producerWaiter
        Thread p = producerWaiter;
        if (p != null) {
            LockSupport.unpark(p);
        }
    }
}
