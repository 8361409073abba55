package io.github.voicechat.internal.bus;

import io.github.voicechat.audio.AudioFrame;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Broadcast ring for captured audio: one producer, any number of independent consumers, overwrite-oldest.
 *
 * <p>The producer never waits for a consumer: a consumer that falls more than {@link #capacity()} frames behind loses
 * the oldest frames, and the loss is counted exactly in its {@link Consumer#droppedFrames()}. Each slot is a
 * preallocated sample array with its length, rate and position beside it in plain arrays (the Disruptor's
 * preallocated entries, flattened); publishing copies samples into the slot and reading copies them out into the
 * consumer's {@link AudioFrame}, so the steady state allocates nothing, and the producer (the session's tick) stores
 * into arrays rather than calling into a frame object.
 *
 * <p>Consistency is a seqlock over the whole ring. Before the producer touches the slot of sequence {@code n} it
 * announces {@code claimed = n} and only then writes; after writing it releases {@code published = n + 1}. A consumer
 * copies slot {@code n} and afterwards re-reads {@code claimed}: if it is {@code >= n + capacity} the slot may have
 * been overwritten while it was copied, so the copy is discarded and counted as dropped. Because a single producer
 * writes slots in sequence order, this one check also tells the consumer which frame is now the oldest intact one.
 *
 * <p>Threading: {@link #publish} from one producer thread at a time; each {@link Consumer} from one thread at a time;
 * {@link #subscribe}, {@link #close} and the counters from any thread.
 */
public final class FrameRing implements AutoCloseable {

    private static final VarHandle PUBLISHED;
    private static final VarHandle CLAIMED;
    private static final VarHandle WAITERS;
    private static final VarHandle CLOSED;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            PUBLISHED = lookup.findVarHandle(FrameRing.class, "published", long.class);
            CLAIMED = lookup.findVarHandle(FrameRing.class, "claimed", long.class);
            WAITERS = lookup.findVarHandle(FrameRing.class, "waiters", int.class);
            CLOSED = lookup.findVarHandle(FrameRing.class, "closed", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final float[][] slotSamples;
    private final int[] slotLength;
    private final int[] slotRateHz;
    private final long[] slotStartSample;
    private final int mask;
    private final int frameCapacitySamples;

    /** Cache-line padding keeps the producer's hot fields off the consumers' lines. */
    @SuppressWarnings("unused")
    private long p01, p02, p03, p04, p05, p06, p07;
    /** Number of frames fully written; frame {@code n} is readable once {@code published > n}. */
    private volatile long published;
    @SuppressWarnings("unused")
    private long p11, p12, p13, p14, p15, p16, p17;
    /** Highest sequence the producer has started to write, or -1. */
    private volatile long claimed = -1;
    @SuppressWarnings("unused")
    private long p21, p22, p23, p24, p25, p26, p27;
    /** Consumers currently parked or about to park; lets the producer skip wake-ups when none wait. */
    private volatile int waiters;
    private volatile boolean closed;
    /** Copy-on-write so the producer can scan it without locking; changes only on subscribe/close. */
    private volatile Consumer[] consumers = new Consumer[0];

    /**
     * @param slotCount            number of frames kept; rounded up to a power of two
     * @param frameCapacitySamples largest frame, in samples, a slot can hold
     */
    public FrameRing(int slotCount, int frameCapacitySamples) {
        if (slotCount < 2 || slotCount > (1 << 24)) {
            throw new IllegalArgumentException("slot count must be 2.." + (1 << 24) + ", was " + slotCount);
        }
        if (frameCapacitySamples <= 0) {
            throw new IllegalArgumentException(
                    "frame capacity must be positive samples, was " + frameCapacitySamples);
        }
        int size = Integer.highestOneBit(slotCount - 1) << 1;
        this.slotSamples = new float[size][frameCapacitySamples];
        this.slotLength = new int[size];
        this.slotRateHz = new int[size];
        this.slotStartSample = new long[size];
        this.mask = size - 1;
        this.frameCapacitySamples = frameCapacitySamples;
    }

    /** Number of slots (a power of two): how far a consumer may fall behind before it loses frames. */
    public int capacity() {
        return slotSamples.length;
    }

    public int frameCapacitySamples() {
        return frameCapacitySamples;
    }

    /** Frames published so far; the next frame gets this sequence. */
    public long published() {
        return (long) PUBLISHED.getAcquire(this);
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * Copies a frame into the ring and makes it visible to every consumer. Never blocks. The frame's
     * {@link AudioFrame#sequence()} in the ring is the ring's own sequence (0, 1, 2, ...), so consumers can see gaps.
     *
     * @return the sequence given to the frame
     * @throws IllegalArgumentException if the frame is longer than a slot, or the rate is not positive
     * @throws IllegalStateException    if the ring is closed
     */
    public long publish(float[] samples, int offset, int length, int sampleRateHz, long startSample) {
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
        if (closed) {
            throw new IllegalStateException("frame ring is closed");
        }
        long seq = (long) PUBLISHED.getOpaque(this); // only this thread writes it
        // Seqlock write side: announce the overwrite before any slot store can become visible.
        CLAIMED.setOpaque(this, seq);
        VarHandle.storeStoreFence();
        int slot = (int) seq & mask;
        System.arraycopy(samples, offset, slotSamples[slot], 0, length);
        slotLength[slot] = length;
        slotRateHz[slot] = sampleRateHz;
        slotStartSample[slot] = startSample;
        // Volatile (not just release) store: pairs with the waiter's volatile increment so that either the
        // producer sees the waiter or the waiter sees the new frame (Dekker); a lost wake-up is impossible.
        PUBLISHED.setVolatile(this, seq + 1);
        if ((int) WAITERS.getVolatile(this) != 0) {
            wakeAll();
        }
        return seq;
    }

    /** Convenience for {@link #publish(float[], int, int, int, long)} from another frame's samples. */
    public long publish(AudioFrame frame) {
        return publish(frame.samples(), 0, frame.length(), frame.sampleRateHz(), frame.startSample());
    }

    /**
     * A new consumer whose first frame is the next one published (the current head). Allocates; call outside the
     * hot path.
     *
     * @throws IllegalStateException if the ring is closed
     */
    public Consumer subscribe(String name) {
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("frame ring is closed; cannot subscribe " + name);
            }
            Consumer c = new Consumer(name, published());
            Consumer[] old = consumers;
            Consumer[] next = Arrays.copyOf(old, old.length + 1);
            next[old.length] = c;
            consumers = next;
            return c;
        }
    }

    /** Closes the ring: wakes every waiting consumer; frames already published can still be polled. */
    @Override
    public void close() {
        synchronized (this) {
            CLOSED.setVolatile(this, true);
        }
        wakeAll();
    }

    private void remove(Consumer c) {
        synchronized (this) {
            Consumer[] old = consumers;
            int i = Arrays.asList(old).indexOf(c);
            if (i < 0) {
                return;
            }
            Consumer[] next = new Consumer[old.length - 1];
            System.arraycopy(old, 0, next, 0, i);
            System.arraycopy(old, i + 1, next, i, old.length - i - 1);
            consumers = next;
        }
    }

    private void wakeAll() {
        for (Consumer c : consumers) {
            Thread t = c.waiter;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
    }

    /** One reader's cursor. Not thread safe: use each consumer from one thread at a time. */
    public final class Consumer implements AutoCloseable {
        private static final VarHandle DROPPED;
        private static final VarHandle NEXT;

        static {
            try {
                MethodHandles.Lookup lookup = MethodHandles.lookup();
                DROPPED = lookup.findVarHandle(Consumer.class, "dropped", long.class);
                NEXT = lookup.findVarHandle(Consumer.class, "next", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final String name;
        /** Written only by the consumer thread; opaque access lets metrics read it from elsewhere. */
        private long next;
        private long dropped;
        private volatile Thread waiter;
        private volatile boolean consumerClosed;
        private volatile boolean woken;

        private Consumer(String name, long start) {
            this.name = name;
            this.next = start;
        }

        public String name() {
            return name;
        }

        /**
         * Copies the oldest unread intact frame into {@code dest}. Never blocks.
         *
         * @return false if no new frame has been published
         * @throws IllegalArgumentException if {@code dest} is smaller than a slot
         */
        public boolean poll(AudioFrame dest) {
            if (dest.capacity() < frameCapacitySamples) {
                throw new IllegalArgumentException("destination frame must hold " + frameCapacitySamples
                        + " samples, holds " + dest.capacity());
            }
            long n = next;
            long size = slotSamples.length;
            while (true) {
                long head = (long) PUBLISHED.getAcquire(FrameRing.this);
                if (n >= head) {
                    NEXT.setOpaque(this, n);
                    return false;
                }
                if (head - n > size) {
                    // Lapped before we even started: everything older than head - size is gone.
                    long oldest = head - size;
                    addDropped(oldest - n);
                    n = oldest;
                }
                // Every value a torn read can observe was written by publish() with a valid length and rate, so the
                // copy cannot throw; whether it is consistent is decided by the check below.
                int slot = (int) n & mask;
                dest.set(slotSamples[slot], 0, slotLength[slot], slotRateHz[slot], slotStartSample[slot], n);
                VarHandle.acquireFence(); // the copy's loads complete before we look at the claim
                long claimedNow = (long) CLAIMED.getVolatile(FrameRing.this);
                if (claimedNow - size >= n) {
                    // Slot n was (being) overwritten by frame claimedNow; frames up to claimedNow - size are lost.
                    long oldest = claimedNow - size + 1;
                    addDropped(oldest - n);
                    n = oldest;
                    continue;
                }
                NEXT.setOpaque(this, n + 1);
                return true;
            }
        }

        /**
         * Waits up to {@code timeout} for a frame, parking rather than spinning.
         *
         * @return true with a frame in {@code dest}; false on timeout, on {@link #wakeup()}, or when this consumer or
         *         the ring is closed and nothing is left to read
         */
        public boolean await(AudioFrame dest, long timeout, TimeUnit unit) throws InterruptedException {
            if (poll(dest)) {
                return true;
            }
            long deadline = System.nanoTime() + unit.toNanos(timeout);
            waiter = Thread.currentThread();
            WAITERS.getAndAdd(FrameRing.this, 1);
            try {
                while (true) {
                    if (poll(dest)) {
                        return true;
                    }
                    if (consumerClosed || closed) {
                        return false;
                    }
                    if (woken) {
                        woken = false;
                        return false;
                    }
                    long remaining = deadline - System.nanoTime();
                    if (remaining <= 0) {
                        return false;
                    }
                    LockSupport.parkNanos(this, remaining);
                    if (Thread.interrupted()) {
                        throw new InterruptedException("interrupted while waiting on " + name);
                    }
                }
            } finally {
                WAITERS.getAndAdd(FrameRing.this, -1);
                waiter = null;
            }
        }

        /** Frames this consumer lost because the producer lapped it. Readable from any thread. */
        public long droppedFrames() {
            return (long) DROPPED.getOpaque(this);
        }

        /**
         * Skips unread frames that are older than both frame {@code sequence} and the last {@code keepLast} frames
         * published; skipped frames are not counted as dropped. A consumer that reads only when it needs to (the
         * recogniser between utterances) comes back with it without reporting the frames it chose not to read.
         * Consumer thread only.
         */
        public void skipOlderThan(long sequence, int keepLast) {
            long oldest = Math.min(sequence, published() - Math.max(0, keepLast));
            if (next < oldest) {
                NEXT.setOpaque(this, oldest);
            }
        }

        /**
         * Makes the consumer's current (or next) {@link #await} return false at once: its thread has something
         * other than frames to do, such as a command. Any thread.
         */
        public void wakeup() {
            woken = true;
            Thread t = waiter;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }

        /** Detaches this consumer and releases a thread waiting in {@link #await}. */
        @Override
        public void close() {
            consumerClosed = true;
            remove(this);
            Thread t = waiter;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }

        private void addDropped(long count) {
            DROPPED.setOpaque(this, dropped + count); // single writer: a plain read of our own field is exact
        }

        @Override
        public String toString() {
            return "FrameRing.Consumer[" + name + ", next=" + next + ", dropped=" + droppedFrames() + "]";
        }
    }
}
