package io.github.voicechat.examples;

/** The command line's exit codes: one meaning each, listed in every command's {@code --help} and in the README. */
final class ExitCode {

    /** It did what was asked. */
    static final int OK = 0;
    /** It ran and failed: an engine error part-way, a failed verification or download, a session that failed. */
    static final int FAILED = 1;
    /** Bad usage or input: an unknown or out-of-range option, a missing, unreadable or malformed file, an unwritable output. */
    static final int USAGE = 2;
    /** Something needed is not available here: an engine or model not installed, a native library, a sound device. */
    static final int UNAVAILABLE = 3;
    /** Ended by Ctrl-C (SIGINT), after finishing what it had started (128 + 2, as shells report it). */
    static final int INTERRUPTED = 130;

    /** The footer of every command's help. */
    static final String HELP = "%nExit codes:%n"
            + "  0    done%n"
            + "  1    failed while running: engine error, verification or download failed%n"
            + "  2    bad usage or input: an option, the input file or an output path%n"
            + "  3    not available here: engine, model, native library or sound device%n"
            + "  130  interrupted by Ctrl-C, after finishing and writing what was started%n";

    private ExitCode() {
    }
}
