package io.github.voicechat.examples;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Progress lines on stderr, so that a user sees why nothing happens for seconds (Sphinx4 loads for about 7 s) and
 * stdout stays for results. A line that was started is always ended before anything else is printed.
 */
final class Progress {

    private Progress() {
    }

    /** Runs {@code step}, printing {@code "what ... done in 1.2 s"} (or {@code "... failed"}) on stderr around it. */
    static <T> T step(String what, Supplier<T> step) {
        PrintStream err = System.err;
        err.print(what + " ...");
        err.flush();
        long t0 = System.nanoTime();
        boolean ok = false;
        try {
            T result = step.get();
            ok = true;
            return result;
        } finally {
            err.printf(Locale.ROOT, ok ? " done in %.1f s%n" : " failed%n", (System.nanoTime() - t0) / 1e9);
            err.flush();
        }
    }
}
