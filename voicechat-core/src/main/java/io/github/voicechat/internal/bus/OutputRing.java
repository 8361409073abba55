package io.github.voicechat.internal.bus;

import io.github.voicechat.audio.AudioFrame;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The output path (TTS → playout): a single-producer, single-consumer ring with back-pressure and cancellation.
 *
 * <p>Unlike {@link FrameRing}, unplayed audio is never overwritten: when the ring is full the producer waits (parked,
 * with a timeout) until the playout frees a slot. Cancellation is by <em>epoch</em>: a producer reads
 * {@link #epoch()} when its utterance starts and passes it to every {@link #offer}; {@link #cancel()} advances the
 * epoch, so the producer's later offers — including one already waiting for space — return
 * {@link OfferResult#CANCELLED}, and frames queued under the old epoch are discarded at once.
 *
 * <p>Pausing is not the ring's business: the playout simply stops polling. Only the producer runs on another
 * thread, so the ring needs no control lane: the playout's thread cancels and polls by direct calls.
 *
 * <p>Threading: {@link #offer} from one producer thread at a time; {@link #poll}, {@link #hasPendingFrame} and
 * {@link #cancel} from the one consumer thread (the session's); {@link #epoch}, {@link #isFull} and {@link #close}
 * from any thread.
 */
public final class OutputRing implements AutoCloseable {

    /** Outcome of {@link #offer}. */
    public enum OfferResult {
        /** The frame is queued. */
        ACCEPTED,
        /** No slot freed up within the timeout; the frame was not queued. */
        TIMED_OUT,
        /** The producer's epoch is stale ({@link #cancel()} was called): the utterance is over, nothing queued. */
        CANCELLED,
        /** The ring is closed; nothing queued. */
        CLOSED
    }

    private static final VarHandle HEAD;
    private static final VarHandle TAIL;
    private static final VarHandle EPOCH;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            HEAD = lookup.findVarHandle(OutputRing.class, "head", long.class);
            TAIL = lookup.findVarHandle(OutputRing.class, "tail", long.class);
            EPOCH = lookup.findVarHandle(OutputRing.class, "epoch", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * The slots' samples, lengths, rates and positions in plain arrays (the Disruptor's preallocated entries,
     * flattened, as in {@link FrameRing}): the playout copies a frame's samples out without a call into
     * {@code AudioFrame}.
     */
    private final float[][] slots;
    private final int[] slotLengths;
    private final int[] slotRates;
    private final long[] slotStarts;
    /** Epoch each slot was offered under; written before the slot is published, read after. */
    private final long[] slotEpochs;
    private final int mask;
    private final int frameCapacitySamples;

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
    /** The last destination {@link #poll} checked; the consumer's, so a destination is checked once, not per frame. */
    private AudioFrame checkedDestination;

    /**
     * @param slotCount            frames that may be queued; rounded up to a power of two
     * @param frameCapacitySamples largest frame, in samples, a slot can hold
     */
    public OutputRing(int slotCount, int frameCapacitySamples) {
        if (slotCount < 2 || slotCount > (1 << 24)) {
            throw new IllegalArgumentException("slot count must be 2.." + (1 << 24) + ", was " + slotCount);
        }
        if (frameCapacitySamples <= 0) {
            throw new IllegalArgumentException(
                    "frame capacity must be positive samples, was " + frameCapacitySamples);
        }
        int size = Integer.highestOneBit(slotCount - 1) << 1;
        slots = new float[size][frameCapacitySamples];
        slotLengths = new int[size];
        slotRates = new int[size];
        slotStarts = new long[size];
        slotEpochs = new long[size];
        mask = size - 1;
        this.frameCapacitySamples = frameCapacitySamples;
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

    /**
     * Whether every slot holds a frame, current or stale: the producer cannot queue anything until the playout polls
     * or cancels. Any thread; the lockstep gate reads it to know the producer must wait for the playout.
     */
    public boolean isFull() {
        return (long) TAIL.getVolatile(this) - (long) HEAD.getVolatile(this) >= slots.length;
    }

    /**
     * Frames queued now, stale ones not yet discarded included; any thread (both counters are volatile), for a
     * metrics gauge, never for a decision.
     */
    public int queuedFrames() {
        return (int) Math.max(0, (long) TAIL.getVolatile(this) - (long) HEAD.getVolatile(this));
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
            return OfferResult.CANCELLED;
        }
        long t = (long) TAIL.getOpaque(this);
        if (t - (long) HEAD.getVolatile(this) >= slots.length) {
            return OfferResult.TIMED_OUT;
        }
        int idx = (int) t & mask;
        System.arraycopy(samples, offset, slots[idx], 0, length);
        slotLengths[idx] = length;
        slotRates[idx] = sampleRateHz;
        slotStarts[idx] = startSample;
        slotEpochs[idx] = producerEpoch;
        TAIL.setRelease(this, t + 1);
        return OfferResult.ACCEPTED;
    }

    // ---------------------------------------------------------------- consumer side

    /**
     * Ends the current utterance: advances the epoch, so the producer's later offers (and one waiting for space)
     * return {@link OfferResult#CANCELLED}, and discards the frames it queued. Consumer thread only.
     */
    public void cancel() {
        EPOCH.getAndAdd(this, 1L);
        discardStale();
        Thread p = producerWaiter;
        if (p != null) {
            LockSupport.unpark(p);
        }
    }

    /** Closes the ring and releases a waiting producer. */
    @Override
    public void close() {
        closed = true;
        Thread p = producerWaiter;
        if (p != null) {
            LockSupport.unpark(p);
        }
    }

    /**
     * Copies the next queued frame of the current epoch into {@code dest}, with its rate, position and number;
     * false when none is queued.
     */
    public boolean poll(AudioFrame dest) {
        if (dest != checkedDestination) {
            if (dest.capacity() < frameCapacitySamples) {
                throw new IllegalArgumentException("destination frame must hold " + frameCapacitySamples
                        + " samples, holds " + dest.capacity());
            }
            checkedDestination = dest;
        }
        long h = next();
        if (h < 0) {
            return false;
        }
        int i = (int) h & mask;
        dest.set(slots[i], 0, slotLengths[i], slotRates[i], slotStarts[i], h);
        advanceHead(h + 1);
        return true;
    }

    /**
     * Copies the next queued frame's samples of the current epoch into {@code dest}, the playout's way (it needs
     * only the samples); returns how many, or -1 when none is queued. The samples past them in {@code dest} are left
     * as they were.
     *
     * @throws IllegalArgumentException if {@code dest} is shorter than a slot
     */
    public int poll(float[] dest) {
        if (dest.length < frameCapacitySamples) {
            throw new IllegalArgumentException("destination must hold " + frameCapacitySamples + " samples, holds "
                    + dest.length);
        }
        long h = next();
        if (h < 0) {
            return -1;
        }
        int i = (int) h & mask;
        int length = slotLengths[i];
        System.arraycopy(slots[i], 0, dest, 0, length);
        advanceHead(h + 1);
        return length;
    }

    /** The number of the next queued frame of the current epoch (stale ones discarded first), or -1 if none. */
    private long next() {
        discardStale();
        long h = (long) HEAD.getOpaque(this);
        return h < (long) TAIL.getAcquire(this) ? h : -1;
    }

    /**
     * Whether a frame of the current epoch is queued. Consumer thread only: the playout uses it to tell "the response
     * has finished playing" from "paused with audio left".
     */
    public boolean hasPendingFrame() {
        discardStale();
        return (long) HEAD.getOpaque(this) < (long) TAIL.getAcquire(this);
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
