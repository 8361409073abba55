package io.github.voicechat.examples;

import io.github.voicechat.models.ModelCatalog;
import io.github.voicechat.models.ModelDownloadException;
import io.github.voicechat.models.ModelEntry;
import io.github.voicechat.models.ModelException;
import io.github.voicechat.models.ModelFile;
import io.github.voicechat.models.ModelNotInstalledException;
import io.github.voicechat.models.ModelStore;
import io.github.voicechat.models.PullResult;
import io.github.voicechat.models.ResolvedModel;
import io.github.voicechat.models.StoreListener;
import io.github.voicechat.models.UnknownModelException;
import io.github.voicechat.models.VerifyReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

/** {@code voicechat models list | pull ID | verify [ID] | path ID | rm ID}. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "List, download, verify and remove models.",
        subcommands = {ModelsCommand.ListCmd.class, ModelsCommand.Pull.class, ModelsCommand.Verify.class,
                ModelsCommand.PathCmd.class, ModelsCommand.Rm.class})
public class ModelsCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--home", description = "Model home (default: $VOICECHAT_HOME/models or ~/.cache/voicechat/models).")
    Path home;

    @Option(names = "--catalog", description = "A catalog.json to use instead of the built-in one.")
    Path catalog;

    @Option(names = "--mirror", description = "Base URL replacing every catalog URL's host, e.g. http://127.0.0.1:8080/"
            + " (default: system property " + ModelStore.MIRROR_PROPERTY + ").")
    URI mirror;

    @Option(names = "--offline-dir", description = "A folder with model files to use as they are (repeatable).")
    List<Path> offlineDirs = new ArrayList<>();

    @Option(names = "--offline", description = "Never download.")
    boolean offline;

    /** Last adjustments to the store; tests put it on a virtual clock so retries do not wait. */
    UnaryOperator<ModelStore.Builder> storeSettings = UnaryOperator.identity();

    /** The clock the progress line measures its rate with. */
    LongSupplier progressNanos = System::nanoTime;

    public ModelsCommand() {
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    ModelStore store(StoreListener listener) throws IOException {
        ModelStore.Builder b = ModelStore.builder().listener(listener).offline(offline);
        if (home != null) {
            b.home(home);
        }
        if (catalog != null) {
            b.catalog(ModelCatalog.load(catalog));
        }
        if (mirror != null) {
            b.mirror(mirror);
        }
        offlineDirs.forEach(b::offlineDir);
        return storeSettings.apply(b).build();
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Runs an action, turning model errors into one line on stderr and an exit code ({@link #exitCode}). */
    int run(Action a) {
        try {
            return a.run();
        } catch (ModelException | IOException | IllegalArgumentException e) {
            err().println("error: " + (e instanceof IOException io ? CliFiles.describe(io) : e.getMessage()));
            err().flush();
            return exitCode(e);
        }
    }

    /**
     * The documented exit code for a failure of a models command: an id the catalog does not hold is a usage error
     * (2), as are a bad argument or catalog file; a model that is not installed and cannot be fetched now (offline,
     * no URL) is not available here (3); a download or verification that failed is 1.
     */
    static int exitCode(Exception e) {
        if (e instanceof UnknownModelException) {
            return ExitCode.USAGE;
        }
        if (e instanceof ModelNotInstalledException) {
            return ExitCode.UNAVAILABLE;
        }
        return e instanceof ModelException ? ExitCode.FAILED : VoicechatCli.exitCode(e);
    }

    interface Action {
        int run() throws IOException;
    }

    static String size(Optional<Long> bytes) {
        if (bytes.isEmpty()) {
            return "?";
        }
        double mib = bytes.get() / (1024.0 * 1024.0);
        return mib >= 1024 ? String.format(Locale.ROOT, "%.1f GiB", mib / 1024)
                : String.format(Locale.ROOT, "%.1f MiB", mib);
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Print the catalog and where each model is.")
    static final class ListCmd implements Callable<Integer> {
        @ParentCommand
        ModelsCommand parent;

        @Override
        public Integer call() {
            return parent.run(() -> {
                ModelStore store = parent.store(StoreListener.NONE);
                PrintWriter out = parent.out();
                out.printf(Locale.ROOT, "%-30s %-4s %-8s %-10s %-11s %s%n", "ID", "TASK", "ENGINE", "SIZE", "STATUS",
                        "DESCRIPTION");
                for (ModelEntry e : store.catalog().entries()) {
                    String status = store.locate(e.id()).map(l -> switch (l) {
                        case HOME -> "installed";
                        case OFFLINE_DIR -> "offline-dir";
                        case CLASSPATH -> "classpath";
                        case NONE -> "no-files";
                    }).orElse("-");
                    out.printf(Locale.ROOT, "%-30s %-4s %-8s %-10s %-11s %s%n", e.id(),
                            e.task().name().toLowerCase(Locale.ROOT), e.engine(), size(e.totalSizeBytes()), status,
                            e.description());
                }
                out.flush();
                return 0;
            });
        }
    }

    @Command(name = "pull", mixinStandardHelpOptions = true, description = "Download a model, verify its published digest and install it.")
    static final class Pull implements Callable<Integer> {
        @ParentCommand
        ModelsCommand parent;

        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Option(names = "--allow-unverified", description = "Accept files whose publisher states no digest.")
        boolean allowUnverified;

        @Override
        public Integer call() {
            ProgressBar bar = new ProgressBar(parent.err(), parent.progressNanos);
            return parent.run(() -> {
                PullResult r;
                try {
                    r = parent.store(bar).pull(id, allowUnverified);
                } finally {
                    // An error message must not continue the progress line.
                    bar.endLine();
                }
                PrintWriter out = parent.out();
                if (r.downloaded().isEmpty()) {
                    out.println(id + " is already available (" + r.model().location().name().toLowerCase(Locale.ROOT)
                            + r.model().directory().map(d -> " " + d).orElse("") + ")");
                } else {
                    out.println("installed " + id + " in " + r.model().directory().orElseThrow() + " ("
                            + String.join(", ", r.downloaded()) + ")");
                }
                out.flush();
                return 0;
            });
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true, description = "Re-hash the files of one model, or of every available model.")
    static final class Verify implements Callable<Integer> {
        @ParentCommand
        ModelsCommand parent;

        @Parameters(index = "0", paramLabel = "ID", arity = "0..1")
        String id;

        @Override
        public Integer call() {
            return parent.run(() -> {
                ModelStore store = parent.store(StoreListener.NONE);
                List<String> ids = new ArrayList<>();
                if (id != null) {
                    ids.add(store.catalog().get(id).id());
                } else {
                    store.catalog().entries().stream().filter(e -> store.locate(e.id()).isPresent())
                            .forEach(e -> ids.add(e.id()));
                }
                boolean allOk = true;
                PrintWriter out = parent.out();
                for (String m : ids) {
                    VerifyReport r = store.verify(m);
                    if (!r.installed()) {
                        out.println(m + ": not installed");
                        allOk = false;
                        continue;
                    }
                    out.println(m + ": " + (r.ok() ? "OK" : "FAILED") + " ("
                            + r.location().name().toLowerCase(Locale.ROOT) + ")");
                    for (VerifyReport.FileCheck c : r.files()) {
                        out.println("  " + (c.ok() ? "ok   " : "BAD  ") + c.path() + "  " + c.detail());
                    }
                    allOk &= r.ok();
                }
                out.flush();
                return allOk ? 0 : 1;
            });
        }
    }

    @Command(name = "path", mixinStandardHelpOptions = true, description = "Print where a model's files are.")
    static final class PathCmd implements Callable<Integer> {
        @ParentCommand
        ModelsCommand parent;

        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Override
        public Integer call() {
            return parent.run(() -> {
                ResolvedModel r = parent.store(StoreListener.NONE).resolve(id);
                PrintWriter out = parent.out();
                if (r.directory().isPresent()) {
                    out.println(r.directory().get());
                } else {
                    for (ModelFile f : r.entry().files()) {
                        out.println(r.url(f.path()));
                    }
                }
                out.flush();
                return 0;
            });
        }
    }

    @Command(name = "rm", mixinStandardHelpOptions = true, description = "Delete a pulled model from the model home.")
    static final class Rm implements Callable<Integer> {
        @ParentCommand
        ModelsCommand parent;

        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Override
        public Integer call() {
            return parent.run(() -> {
                ModelStore store = parent.store(StoreListener.NONE);
                boolean removed = store.remove(id);
                parent.out().println(removed ? "removed " + id + " from " + store.home()
                        : id + " is not in " + store.home() + " (nothing to remove)");
                parent.out().flush();
                return 0;
            });
        }
    }

    /**
     * The download progress on stderr: one line, redrawn in place at most every 200 ms, with the bytes so far, the
     * rate since this attempt began and, when the size is known, a bar and the time left. Retries, waits for another
     * pull and verification get lines of their own.
     */
    static final class ProgressBar implements StoreListener {
        private static final int WIDTH = 30;
        private static final long REDRAW_NANOS = 200_000_000L;
        private final PrintWriter err;
        private final LongSupplier nanos;
        private long startNanos;
        private long startBytes;
        private long lastDrawNanos;
        private int lastLength;
        private boolean lineOpen;

        ProgressBar(PrintWriter err, LongSupplier nanos) {
            this.err = err;
            this.nanos = nanos;
        }

        @Override
        public synchronized void downloadStarted(String modelId, ModelFile file, URI url, long resumeFromBytes) {
            endLine();
            startNanos = nanos.getAsLong();
            startBytes = resumeFromBytes;
            lastDrawNanos = Long.MIN_VALUE;
            err.println((resumeFromBytes > 0 ? "resuming " + file.path() + " at " + bytes(resumeFromBytes)
                    : "downloading " + file.path()) + " from " + url);
            err.flush();
        }

        @Override
        public synchronized void downloadProgress(String modelId, ModelFile file, long done, long total) {
            long now = nanos.getAsLong();
            boolean finished = total > 0 && done >= total;
            if (!finished && lastDrawNanos != Long.MIN_VALUE && now - lastDrawNanos < REDRAW_NANOS) {
                return;
            }
            lastDrawNanos = now;
            String line = line(done, total, now - startNanos);
            err.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
            err.flush();
            lastLength = line.length();
            lineOpen = true;
        }

        /** {@code [#####.....]  45% 12.3 MiB / 27.0 MiB  3.4 MiB/s  ETA 0:04}, or without bar and ETA. */
        String line(long done, long total, long elapsedNanos) {
            long fresh = Math.max(0, done - startBytes);
            double rate = elapsedNanos > 0 ? fresh * 1e9 / elapsedNanos : 0;
            String speed = elapsedNanos > 0 && fresh > 0 ? bytes(Math.round(rate)) + "/s" : "-- B/s";
            if (total <= 0) {
                return bytes(done) + "  " + speed;
            }
            int filled = (int) Math.min(WIDTH, done * WIDTH / total);
            String eta = rate > 0 ? clock(Math.round((total - done) / rate)) : "--:--";
            return String.format(Locale.ROOT, "[%s%s] %3d%% %s / %s  %s  ETA %s", "#".repeat(filled),
                    ".".repeat(WIDTH - filled), Math.min(100, done * 100 / total), bytes(done), bytes(total), speed,
                    eta);
        }

        @Override
        public synchronized void downloadFinished(String modelId, ModelFile file, io.github.voicechat.models.Digest d) {
            endLine();
            err.println("verified " + file.path() + (d == null ? " (no published digest: UNVERIFIED)" : " " + d));
            err.flush();
        }

        @Override
        public synchronized void downloadRetrying(String modelId, ModelFile file, int failedAttempt, int maxAttempts,
                                                  Duration delay, ModelDownloadException cause) {
            endLine();
            String what = cause.reason() == ModelDownloadException.Reason.HTTP_STATUS
                    ? "HTTP " + cause.httpStatus() : cause.reason().name().toLowerCase(Locale.ROOT).replace('_', ' ');
            err.printf(Locale.ROOT, "attempt %d of %d failed (%s); retrying in %.1f s%n", failedAttempt, maxAttempts,
                    what, delay.toMillis() / 1000.0);
            err.flush();
        }

        @Override
        public synchronized void waitingForOtherPull(String modelId, Path lockFile) {
            endLine();
            err.println("another pull of " + modelId + " is in progress (it holds " + lockFile + "); waiting for it");
            err.flush();
        }

        /** Ends an open progress line, so that what follows starts on a line of its own. */
        synchronized void endLine() {
            if (lineOpen) {
                err.println();
                err.flush();
                lineOpen = false;
                lastLength = 0;
            }
        }

        static String bytes(long n) {
            if (n < 1024) {
                return n + " B";
            }
            String[] units = {"KiB", "MiB", "GiB", "TiB"};
            double v = n;
            int u = -1;
            while (v >= 1024 && u < units.length - 1) {
                v /= 1024;
                u++;
            }
            return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
        }

        static String clock(long seconds) {
            return seconds >= 3600
                    ? String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
                    : String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
        }
    }
}
