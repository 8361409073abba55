package io.github.voicechat.models.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * Exclusive right to change one model in the model home, across threads and processes.
 *
 * <p>Two levels because an operating-system file lock belongs to the whole JVM: a second {@link FileChannel#lock()}
 * on the same file from this JVM throws rather than waits. So a per-file semaphore orders the threads of this JVM,
 * and the holder of that takes the file lock, which orders the processes. The operating system releases the file
 * lock when a process dies, even by {@code kill -9}, so a killed pull never blocks the next one.
 *
 * <p>Lock files live apart from the partial downloads ({@code <home>/.locks/<id>.lock}) and are never deleted:
 * deleting a lock file while another process waits on it would let a third process lock a new file of the same
 * name, and both would hold "the" lock.
 */
public final class PullLock implements AutoCloseable {
    private static final ConcurrentHashMap<Path, Semaphore> IN_JVM = new ConcurrentHashMap<>();

    private final Semaphore jvm;
    private final FileChannel channel;
    private final FileLock lock;

    private PullLock(Semaphore jvm, FileChannel channel, FileLock lock) {
        this.jvm = jvm;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock, waiting for its holder; {@code onWait} runs once, before the wait, when it is held.
     *
     * @throws java.nio.channels.ClosedByInterruptException or {@link java.io.InterruptedIOException} when
     *                                                      interrupted while waiting
     */
    public static PullLock acquire(Path lockFile, Runnable onWait) throws IOException {
        Semaphore jvm = IN_JVM.computeIfAbsent(lockFile.toAbsolutePath().normalize(), p -> new Semaphore(1));
        boolean waited = false;
        if (!jvm.tryAcquire()) {
            onWait.run();
            waited = true;
            try {
                jvm.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while waiting for " + lockFile);
            }
        }
        FileChannel ch = null;
        try {
            ch = open(lockFile);
            FileLock l = ch.tryLock();
            if (l == null) {
                if (!waited) {
                    onWait.run();
                }
                l = ch.lock();
            }
            return new PullLock(jvm, ch, l);
        } catch (IOException | RuntimeException e) {
            closeQuietly(ch);
            jvm.release();
            throw e;
        }
    }

    /** Takes the lock if nobody holds it. */
    public static Optional<PullLock> tryAcquire(Path lockFile) throws IOException {
        Semaphore jvm = IN_JVM.computeIfAbsent(lockFile.toAbsolutePath().normalize(), p -> new Semaphore(1));
        if (!jvm.tryAcquire()) {
            return Optional.empty();
        }
        FileChannel ch = null;
        try {
            ch = open(lockFile);
            FileLock l = ch.tryLock();
            if (l == null) {
                closeQuietly(ch);
                jvm.release();
                return Optional.empty();
            }
            return Optional.of(new PullLock(jvm, ch, l));
        } catch (IOException | RuntimeException e) {
            closeQuietly(ch);
            jvm.release();
            throw e;
        }
    }

    private static FileChannel open(Path lockFile) throws IOException {
        Files.createDirectories(lockFile.getParent());
        return FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // Closing releases any lock; nothing else to do.
            }
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // Closing the channel below releases it as well.
        } finally {
            closeQuietly(channel);
            jvm.release();
        }
    }
}
