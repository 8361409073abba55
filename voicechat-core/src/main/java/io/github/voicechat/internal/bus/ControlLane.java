package io.github.voicechat.internal.bus;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Bounded lock-free multi-producer, single-consumer queue of {@link PlaybackCommand}s with a {@code long} argument.
 *
 * <p>Preallocated (a sequence-stamped array queue in the style of Dmitry Vyukov's bounded queue), so sending and
 * reading never allocate. Any thread may {@link #offer}; one thread (the playout) may {@link #poll}.
 */
public final class ControlLane {

    private static final VarHandle STAMP = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle TAIL;

    static {
        try {
            TAIL = MethodHandles.lookup().findVarHandle(ControlLane.class, "tail", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final long[] stamps;
    private final PlaybackCommand[] commands;
    private final long[] arguments;
    private final int mask;
    private volatile long tail;
    /** Consumer-owned. */
    private long head;
    private long lastArgument;

    /** @param capacity commands that may wait unread; rounded up to a power of two */
    public ControlLane(int capacity) {
        if (capacity < 2 || capacity > (1 << 16)) {
            throw new IllegalArgumentException("control lane capacity must be 2.." + (1 << 16) + ", was " + capacity);
        }
        int size = Integer.highestOneBit(capacity - 1) << 1;
        stamps = new long[size];
        for (int i = 0; i < size; i++) {
            stamps[i] = i;
        }
        commands = new PlaybackCommand[size];
        arguments = new long[size];
        mask = size - 1;
    }

    public int capacity() {
        return stamps.length;
    }

    /**
     * Enqueues a command. Never blocks.
     *
     * @return false if the lane is full ({@link #capacity()} commands unread)
     */
    public boolean offer(PlaybackCommand command, long argument) {
        if (command == null) {
            throw new NullPointerException("command");
        }
        long pos = tail;
        while (true) {
            int idx = (int) pos & mask;
            long stamp = (long) STAMP.getAcquire(stamps, idx);
            long diff = stamp - pos;
            if (diff == 0) {
                if (TAIL.compareAndSet(this, pos, pos + 1)) {
                    commands[idx] = command;
                    arguments[idx] = argument;
                    STAMP.setRelease(stamps, idx, pos + 1);
                    return true;
                }
                pos = tail;
            } else if (diff < 0) {
                return false; // the slot still holds a command from one lap ago: full
            } else {
                pos = tail; // another producer took this position
            }
        }
    }

    /** The next command, or null if none is waiting. Consumer thread only. */
    public PlaybackCommand poll() {
        int idx = (int) head & mask;
        if ((long) STAMP.getAcquire(stamps, idx) != head + 1) {
            return null;
        }
        PlaybackCommand c = commands[idx];
        lastArgument = arguments[idx];
        commands[idx] = null;
        STAMP.setRelease(stamps, idx, head + stamps.length);
        head++;
        return c;
    }

    /** The argument sent with the command last returned by {@link #poll()}. Consumer thread only. */
    public long lastArgument() {
        return lastArgument;
    }

    /** Whether a command is ready for {@link #poll()}. Consumer thread only. */
    public boolean isEmpty() {
        return (long) STAMP.getAcquire(stamps, (int) head & mask) != head + 1;
    }
}
