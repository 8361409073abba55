package io.github.voicechat.whisper.internal;

import io.github.givimad.whisperjni.WhisperJNI;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one {@link WhisperJNI} of this class loader: loads the native library once, routes whisper.cpp's log output to
 * SLF4J, and guards the wrapper's handle tables.
 *
 * <p>Why the lock: whisper-jni 1.7.1 keeps its context and state handles in process-wide {@code std::map}s with no
 * synchronisation. Creating or freeing a handle inserts or erases while any running {@code full()} looks its handles
 * up, which is a data race in C++ (a torn map can crash the JVM). Look-ups only read, so transcriptions take the read
 * lock and run in parallel; creating and freeing take the write lock and wait for running transcriptions. The lock is
 * fair so a waiting load is not starved by a stream of transcriptions.
 */
public final class NativeWhisper {

    private static final Logger LOG = LoggerFactory.getLogger("io.github.voicechat.whisper.native");
    private static final ReentrantReadWriteLock HANDLES = new ReentrantReadWriteLock(true);
    private static final Object LOAD_LOCK = new Object();
    private static volatile WhisperJNI instance;
    private static volatile String loadFailure;

    private NativeWhisper() {
    }

    /**
     * The loaded binding.
     *
     * @throws IllegalStateException if the native library cannot be loaded on this platform (the message says why)
     */
    public static WhisperJNI get() {
        WhisperJNI w = instance;
        if (w != null) {
            return w;
        }
        synchronized (LOAD_LOCK) {
            if (instance != null) {
                return instance;
            }
            if (loadFailure != null) {
                throw new IllegalStateException(loadFailure);
            }
            try {
                WhisperJNI.loadLibrary(msg -> LOG.debug("whisper-jni loader: {}", msg));
                // whisper.cpp prints model and timing details to stderr unless a logger is set; a library is a
                // guest, so they go to SLF4J at DEBUG.
                WhisperJNI.setLibraryLogger(msg -> LOG.debug("whisper.cpp: {}", msg.strip()));
                instance = new WhisperJNI();
                return instance;
            } catch (IOException | LinkageError | RuntimeException e) {
                loadFailure = "whisper.cpp native library (whisper-jni) cannot be loaded on " + platform() + ": " + e;
                throw new IllegalStateException(loadFailure, e);
            }
        }
    }

    /** Why the native library cannot be loaded, if it cannot; loads it on first call. */
    public static Optional<String> unavailableReason() {
        try {
            get();
            return Optional.empty();
        } catch (IllegalStateException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** {@code os.name}/{@code os.arch} of this JVM. */
    public static String platform() {
        return System.getProperty("os.name") + "/" + System.getProperty("os.arch");
    }

    /** Held while a native call reads the handle tables (transcription, segment read-out). */
    public static ReentrantReadWriteLock.ReadLock readLock() {
        return HANDLES.readLock();
    }

    /** Held while a native call changes the handle tables (init, initState, free). */
    public static ReentrantReadWriteLock.WriteLock writeLock() {
        return HANDLES.writeLock();
    }
}
