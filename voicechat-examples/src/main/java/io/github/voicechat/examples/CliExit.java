package io.github.voicechat.examples;

import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * The command line's one shutdown hook. Commands register what must happen when the process ends (close a live
 * session so it writes its last lines); the hook runs those, newest first, then flushes and closes stdout to native
 * code ({@link NativeStdout}). One hook rather than one per command, because the JVM runs hooks concurrently and the
 * stdout must close only after the last line was written.
 */
final class CliExit {

    private static final Deque<Runnable> CLEANUPS = new ConcurrentLinkedDeque<>();

    private CliExit() {
    }

    /** Runs {@code cleanup} at exit unless the returned handle is closed first. */
    static Registration onExit(Runnable cleanup) {
        CLEANUPS.push(cleanup);
        return () -> CLEANUPS.remove(cleanup);
    }

    /** A registered cleanup; closing it unregisters it. */
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    /** Installs the hook; only {@link VoicechatCli#main} calls it (tests call {@code run}, which leaves stdout open). */
    static void install() {
        Runtime.getRuntime().addShutdownHook(new Thread(CliExit::runHook, "voicechat-exit"));
    }

    private static void runHook() {
        Runnable r;
        while ((r = CLEANUPS.poll()) != null) {
            try {
                r.run();
            } catch (RuntimeException | Error e) {
                System.err.println("error while ending: " + e);
            }
        }
        System.err.flush();
        NativeStdout.discardFromNowOn();
    }
}
