package io.github.voicechat.examples;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * Points the process's file descriptor 1 at {@code /dev/null} once the command line has written everything it
 * means to write, so that native libraries printing from {@code exit()} cannot append to its output.
 *
 * <p>Why this exists: webrtc-java 0.14.0 (the latest release) prints {@code VM attach current thread failed} and
 * {@code Failed to attach thread N} to stdout at the end of every process that loaded it, even when every native
 * object was disposed. The lines come from C++ static destructors of the registries its {@code JNI_OnLoad} fills
 * ({@code jni::JavaFactory}, {@code jni::JavaEnums}): {@code exit()} runs them on the JVM's VM thread after the JVM
 * has shut down, each calls {@code AttachCurrentThread()} to delete a global reference, the attach fails, and
 * {@code JavaThreadEnv} reports it with {@code std::cout}. Measured with gdb (a breakpoint on
 * {@code JavaThreadEnv::JavaThreadEnv} hit from {@code __run_exit_handlers} on the "VM Thread"); upstream issue
 * devopvoid/webrtc-java#212 shows the same destructors, and the quiet fix (PR #269) is not in a release. No Java
 * code runs after those destructors and nothing can dispose the registries, so the application, which owns its
 * stdout, closes it at the very end. A test ({@code CleanStdoutTest}) fails once webrtc-java stops printing, so this
 * can then be removed.
 */
final class NativeStdout {

    /** The few libc calls needed; POSIX only. */
    interface LibC extends Library {
        int open(String path, int flags);

        int dup2(int oldFd, int newFd);

        int close(int fd);
    }

    private static final int O_WRONLY = 1; // the same on Linux and macOS
    private static final int STDOUT_FD = 1;

    private NativeStdout() {
    }

    /**
     * Flushes {@link System#out} and makes later writes to file descriptor 1, by any code, go to {@code /dev/null}.
     * Returns whether it did; on Windows, or without libc, it does nothing.
     */
    static boolean discardFromNowOn() {
        System.out.flush();
        if (Platform.isWindows()) {
            return false;
        }
        try {
            LibC c = Native.load("c", LibC.class);
            int devNull = c.open("/dev/null", O_WRONLY);
            if (devNull < 0) {
                return false;
            }
            int rc = c.dup2(devNull, STDOUT_FD);
            c.close(devNull);
            return rc == STDOUT_FD;
        } catch (LinkageError e) {
            return false;
        }
    }
}
