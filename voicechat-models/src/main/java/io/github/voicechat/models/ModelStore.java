package io.github.voicechat.models;

import io.github.voicechat.models.ModelDownloadException.Reason;
import io.github.voicechat.models.internal.Archives;
import io.github.voicechat.models.internal.Backoff;
import io.github.voicechat.models.internal.DownloadFailure;
import io.github.voicechat.models.internal.Hashing;
import io.github.voicechat.models.internal.HttpDownloader;
import io.github.voicechat.models.internal.PullLock;
import io.github.voicechat.models.internal.StoreManifest;
import io.github.voicechat.time.Clock;
import io.github.voicechat.time.VirtualClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Finds, fetches and verifies model files.
 *
 * <p>Look-up order for a model: the user-given offline folders ({@code <dir>/<id>/<file>} or {@code <dir>/<file>}),
 * then the model home ({@code <home>/<id>/}, installed and verified by {@link #pull}), then the classpath. A pull
 * downloads each file to {@code <home>/.partial/<id>/} (resuming with HTTP Range), checks the strongest published
 * digest and the size, and only then moves it atomically into {@code <home>/<id>/}; a file that fails is moved to
 * {@code <home>/.rejected/<id>/} and never used. After a verified install the store records each file's SHA-256,
 * size and modification time; a later {@link #resolve} re-hashes a file whose time changed and refuses one whose
 * size changed.
 *
 * <p>Concurrent pulls of one model in this store are coalesced into one download. Pulls of one model from other
 * stores or other processes on the same home take turns through a lock file ({@code <home>/.locks/<id>.lock}): the
 * second waits, then finds the model installed, or resumes what a killed first pull left.
 *
 * <p>A download never writes more bytes than the catalog (or, for a file the catalog gives no size, the server)
 * says the file has; it checks free space before writing; it gives up on a transfer that stalls or trickles below
 * {@link Builder#minTransferRate}; and it retries only what can succeed (timeouts, refused or dropped connections,
 * 408/429/5xx), with exponential backoff and jitter. Every failure names its cause
 * ({@link ModelDownloadException#reason()}). A download that fails verification is kept aside in
 * {@code <home>/.rejected/<id>/} for inspection: only the latest rejection of each model, removed by
 * {@link #remove}.
 *
 * <p>Thread safe. Each pull uses a fresh {@link HttpClient} (Java 17's client cannot be closed; dropping it lets its
 * selector thread end), so an idle store holds no threads.
 */
public final class ModelStore {
    /** Environment variable naming the voicechat home; models live in its {@code models} folder. */
    public static final String HOME_ENV = "VOICECHAT_HOME";
    /** System property overriding the model home folder. */
    public static final String HOME_PROPERTY = "voicechat.models.home";
    /** System property with a mirror base URL that replaces every catalog URL's scheme and host. */
    public static final String MIRROR_PROPERTY = "voicechat.models.mirror";

    private static final Logger LOG = LoggerFactory.getLogger(ModelStore.class);
    private static final String PARTIAL = ".partial";
    private static final String REJECTED = ".rejected";
    private static final String CLASSPATH_CACHE = ".classpath-cache";
    private static final String LOCKS = ".locks";
    /** Cap for a file whose size neither the catalog nor the server states (the largest Whisper model is ~3 GB). */
    private static final long MAX_UNKNOWN_SIZE_BYTES = 16L << 30;

    private final ModelCatalog catalog;
    private final Path home;
    private final List<Path> offlineDirs;
    private final ClassLoader classLoader;
    private final URI mirror;
    private final boolean offline;
    private final Duration connectTimeout;
    private final Duration idleTimeout;
    private final int maxAttempts;
    private final Backoff backoff;
    private final long minBytesPerSecond;
    private final Duration rateWindow;
    private final Clock clock;
    private final StoreListener listener;
    private final ConcurrentHashMap<String, CompletableFuture<PullResult>> inFlight = new ConcurrentHashMap<>();

    private ModelStore(Builder b) {
        this.catalog = b.catalog != null ? b.catalog : ModelCatalog.builtIn();
        this.home = (b.home != null ? b.home : defaultHome()).toAbsolutePath().normalize();
        this.offlineDirs = List.copyOf(b.offlineDirs);
        this.classLoader = b.classLoader != null ? b.classLoader : ModelStore.class.getClassLoader();
        String mirrorProp = System.getProperty(MIRROR_PROPERTY);
        URI m = b.mirror != null ? b.mirror : (mirrorProp == null || mirrorProp.isBlank() ? null : URI.create(mirrorProp));
        this.mirror = m == null || m.toString().endsWith("/") ? m : URI.create(m + "/");
        this.offline = b.offline;
        this.connectTimeout = b.connectTimeout;
        this.idleTimeout = b.idleTimeout;
        this.maxAttempts = b.maxAttempts;
        this.backoff = new Backoff(b.backoffInitial, b.backoffMax,
                bound -> bound <= 0 ? 0 : ThreadLocalRandom.current().nextLong(bound + 1));
        this.minBytesPerSecond = b.minBytesPerSecond;
        this.rateWindow = b.rateWindow;
        this.clock = b.clock;
        this.listener = b.listener;
    }

    /** {@return a builder with the defaults: the built-in catalog and the default home} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The default model home: {@code -Dvoicechat.models.home}, else {@code $VOICECHAT_HOME/models}, else the
     * platform cache folder ({@code $XDG_CACHE_HOME} or {@code ~/.cache} on Linux, {@code ~/Library/Caches} on
     * macOS, {@code %LOCALAPPDATA%} on Windows) plus {@code voicechat/models}.
     *
     * @return the folder
     */
    public static Path defaultHome() {
        String prop = System.getProperty(HOME_PROPERTY);
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop);
        }
        String env = System.getenv(HOME_ENV);
        if (env != null && !env.isBlank()) {
            return Path.of(env, "models");
        }
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        Path user = Path.of(System.getProperty("user.home"));
        if (os.contains("win")) {
            String local = System.getenv("LOCALAPPDATA");
            return (local != null ? Path.of(local) : user.resolve("AppData").resolve("Local"))
                    .resolve("voicechat").resolve("models");
        }
        if (os.contains("mac")) {
            return user.resolve("Library").resolve("Caches").resolve("voicechat").resolve("models");
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        return (xdg != null && !xdg.isBlank() ? Path.of(xdg) : user.resolve(".cache"))
                .resolve("voicechat").resolve("models");
    }

    /** {@return the catalog of models this store knows} */
    public ModelCatalog catalog() {
        return catalog;
    }

    /** {@return the folder pulled models are installed in} */
    public Path home() {
        return home;
    }

    /** {@return the folders with model files searched before the home, in order} */
    public List<Path> offlineDirs() {
        return offlineDirs;
    }

    /**
     * {@return the folder a pulled model is installed in ({@code <home>/<id>})} It exists only once pulled.
     *
     * @param id the model's id
     * @throws UnknownModelException if the catalog has no such model
     */
    public Path modelDir(String id) {
        return home.resolve(catalog.get(id).id());
    }

    /**
     * {@return the URL a file is fetched from: the catalog URL, rebased onto the mirror when one is set} Null when
     * the file has no URL.
     *
     * @param file a model file
     */
    public URI downloadUrl(ModelFile file) {
        if (file.url() == null) {
            return null;
        }
        if (mirror == null) {
            return file.url();
        }
        String path = file.url().getRawPath();
        String rel = (path.startsWith("/") ? path.substring(1) : path)
                + (file.url().getRawQuery() == null ? "" : "?" + file.url().getRawQuery());
        return mirror.resolve(rel);
    }

    /**
     * {@return where a model is available now, without hashing anything; empty when it is not installed}
     *
     * @param id the model's id
     * @throws UnknownModelException if the catalog has no such model
     */
    public Optional<ResolvedModel.Location> locate(String id) {
        ModelEntry e = catalog.get(id);
        if (e.files().isEmpty()) {
            return Optional.of(ResolvedModel.Location.NONE);
        }
        if (findOffline(e).isPresent()) {
            return Optional.of(ResolvedModel.Location.OFFLINE_DIR);
        }
        if (homeComplete(e)) {
            return Optional.of(ResolvedModel.Location.HOME);
        }
        if (classpathResources(e).isPresent()) {
            return Optional.of(ResolvedModel.Location.CLASSPATH);
        }
        return Optional.empty();
    }

    /**
     * The model's files, checked: an installed file whose size changed since verification is refused, one whose
     * modification time changed is re-hashed.
     *
     * @param id the model's id
     * @return where each file is
     * @throws UnknownModelException      for an id not in the catalog (with the nearest ids)
     * @throws ModelNotInstalledException when it is nowhere (the message says where the store looked)
     * @throws ModelIntegrityException    when an installed file changed
     */
    public ResolvedModel resolve(String id) {
        return resolve(catalog.get(id));
    }

    ResolvedModel resolve(ModelEntry e) {
        if (e.files().isEmpty()) {
            return new ResolvedModel(e, ResolvedModel.Location.NONE, null, Map.of(), Map.of(), cacheDir());
        }
        Optional<ResolvedModel> off = findOffline(e);
        if (off.isPresent()) {
            return off.get();
        }
        if (homeComplete(e)) {
            return resolveHome(e);
        }
        Optional<Map<String, URL>> cp = classpathResources(e);
        if (cp.isPresent()) {
            return new ResolvedModel(e, ResolvedModel.Location.CLASSPATH, null, Map.of(), cp.get(), cacheDir());
        }
        throw new ModelNotInstalledException(e.id(), notInstalledReason(e), searched(e));
    }

    private String notInstalledReason(ModelEntry e) {
        boolean partial = Files.isDirectory(home.resolve(PARTIAL).resolve(e.id()));
        return partial ? "a download was started but not finished" : "no copy found";
    }

    private List<String> searched(ModelEntry e) {
        List<String> s = new ArrayList<>();
        offlineDirs.forEach(d -> s.add(d.resolve(e.id()) + " and " + d));
        s.add(home.resolve(e.id()).toString());
        if (e.files().stream().anyMatch(f -> f.classpath() != null)) {
            s.add("the classpath");
        }
        return s;
    }

    private Path cacheDir() {
        return home.resolve(CLASSPATH_CACHE);
    }

    private Optional<ResolvedModel> findOffline(ModelEntry e) {
        for (Path d : offlineDirs) {
            for (Path base : List.of(d.resolve(e.id()), d)) {
                Map<String, Path> paths = new LinkedHashMap<>();
                for (ModelFile f : e.files()) {
                    Path p = base.resolve(f.path());
                    if (!Files.exists(p)) {
                        p = base.resolve(f.fileName());
                    }
                    if (!Files.exists(p)) {
                        break;
                    }
                    paths.put(f.path(), p);
                }
                if (paths.size() == e.files().size()) {
                    for (ModelFile f : e.files()) {
                        checkSize(e, f, paths.get(f.path()));
                    }
                    return Optional.of(new ResolvedModel(e, ResolvedModel.Location.OFFLINE_DIR, base, paths, Map.of(),
                            cacheDir()));
                }
            }
        }
        return Optional.empty();
    }

    private static void checkSize(ModelEntry e, ModelFile f, Path p) {
        if (f.sizeBytes() == null || f.archive() != null || Files.isDirectory(p)) {
            return;
        }
        try {
            long size = Files.size(p);
            if (size != f.sizeBytes()) {
                throw new ModelIntegrityException(e.id(), "model file " + p + " has " + size + " bytes but the catalog"
                        + " says " + f.sizeBytes() + "; replace it or run: voicechat models pull " + e.id());
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot read size of " + p, ex);
        }
    }

    private Optional<Map<String, URL>> classpathResources(ModelEntry e) {
        Map<String, URL> urls = new LinkedHashMap<>();
        for (ModelFile f : e.files()) {
            URL u = f.classpath() == null ? null : classLoader.getResource(f.classpath());
            if (u == null) {
                return Optional.empty();
            }
            urls.put(f.path(), u);
        }
        return Optional.of(urls);
    }

    private boolean homeComplete(ModelEntry e) {
        Path dir = home.resolve(e.id());
        if (!Files.isRegularFile(dir.resolve(StoreManifest.FILE_NAME))) {
            return false;
        }
        try {
            StoreManifest m = StoreManifest.read(dir, e.id());
            return e.files().stream().allMatch(f -> m.complete().contains(f.path()));
        } catch (IOException ex) {
            LOG.warn("ignoring unreadable store record of {}: {}", e.id(), ex.getMessage());
            return false;
        }
    }

    private ResolvedModel resolveHome(ModelEntry e) {
        Path dir = home.resolve(e.id());
        try {
            StoreManifest m = StoreManifest.read(dir, e.id());
            boolean updated = false;
            for (Map.Entry<String, StoreManifest.FileRecord> r : m.files().entrySet()) {
                updated |= checkRecord(e.id(), dir, r.getKey(), r.getValue(), m);
            }
            if (updated) {
                writeRefreshedRecord(m, dir);
            }
            Map<String, Path> paths = new LinkedHashMap<>();
            e.files().forEach(f -> paths.put(f.path(), dir.resolve(f.path())));
            return new ResolvedModel(e, ResolvedModel.Location.HOME, dir, paths, Map.of(), cacheDir());
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot read installed model " + e.id() + " in " + dir, ex);
        }
    }

    /**
     * Saves a record whose times were refreshed. Best effort: the files were just verified, so a read-only or full
     * model home must not stop them from being used; the next resolve re-hashes them again.
     */
    private static void writeRefreshedRecord(StoreManifest m, Path dir) {
        try {
            m.write(dir);
        } catch (IOException ex) {
            LOG.warn("cannot update the store record in {} ({}); the files were verified and are used anyway", dir,
                    DownloadFailure.fileSystem(ex, dir).getMessage());
        }
    }

    /** @return whether the record was refreshed (time changed, content identical) */
    private boolean checkRecord(String id, Path dir, String rel, StoreManifest.FileRecord r, StoreManifest m)
            throws IOException {
        Path p = dir.resolve(rel);
        if (!Files.isRegularFile(p)) {
            throw new ModelIntegrityException(id, "installed file " + p + " is missing; run: voicechat models pull " + id);
        }
        long size = Files.size(p);
        if (size != r.sizeBytes()) {
            throw new ModelIntegrityException(id, "installed file " + p + " changed size since it was verified: "
                    + "expected " + r.sizeBytes() + " bytes, found " + size + " bytes; run: voicechat models pull " + id);
        }
        long mtime = Files.getLastModifiedTime(p).toMillis();
        if (mtime == r.modifiedMillis()) {
            return false;
        }
        Digest actual = Hashing.sha256(p);
        if (!actual.hex().equals(r.sha256())) {
            throw new ChecksumMismatchException(id, rel, new Digest(DigestAlgorithm.SHA256, r.sha256()), actual, null);
        }
        LOG.info("{} was touched since verification but its SHA-256 is unchanged; record updated", p);
        m.files().put(rel, new StoreManifest.FileRecord(r.sha256(), size, mtime, r.verifiedWith()));
        return true;
    }

    /**
     * Pulls a model whose every file has a published digest, as {@link #pull(String, boolean) pull(id, false)}.
     *
     * @param id the model's id
     * @return where the files are and what was downloaded
     */
    public PullResult pull(String id) {
        return pull(id, false);
    }

    /**
     * Makes the model available, downloading what is missing.
     *
     * @param id              the model's id
     * @param allowUnverified accept files for which the publisher states no digest (they are still size-checked
     *                        when a size is published, and their SHA-256 is recorded)
     * @return where the files are and what was downloaded
     * @throws UnverifiedModelException   a file has no digest and {@code allowUnverified} is false
     * @throws ModelNotInstalledException offline, or no URL to fetch from
     * @throws ModelDownloadException     HTTP error, timeout, connection failure after retries, disk full
     * @throws ChecksumMismatchException  the download is not what was published (kept aside, not used)
     */
    public PullResult pull(String id, boolean allowUnverified) {
        ModelEntry e = catalog.get(id);
        Optional<ResolvedModel.Location> where = locate(id);
        if (where.isPresent()) {
            try {
                return new PullResult(resolve(e), List.of(), false);
            } catch (ModelIntegrityException ex) {
                if (where.get() != ResolvedModel.Location.HOME) {
                    throw ex;
                }
                LOG.warn("{}; downloading it again", ex.getMessage());
            }
        }
        List<String> noUrl = e.files().stream().filter(f -> f.url() == null).map(ModelFile::path).toList();
        if (!noUrl.isEmpty()) {
            throw new ModelNotInstalledException(id, "the catalog gives no download URL for " + String.join(", ", noUrl)
                    + (e.files().stream().anyMatch(f -> f.classpath() != null)
                    ? " (it ships in an adapter jar: add that artifact to the classpath)" : ""), searched(e));
        }
        List<String> unverified = e.files().stream().filter(f -> f.digests().isEmpty()).map(ModelFile::path).toList();
        if (!unverified.isEmpty() && !allowUnverified) {
            throw new UnverifiedModelException(id, unverified);
        }
        if (offline) {
            throw new ModelNotInstalledException(id, "the store is offline", searched(e));
        }
        CompletableFuture<PullResult> mine = new CompletableFuture<>();
        CompletableFuture<PullResult> running = inFlight.putIfAbsent(id, mine);
        if (running != null) {
            listener.pullJoined(id);
            try {
                PullResult r = running.join();
                return new PullResult(r.model(), List.of(), true);
            } catch (CompletionException ex) {
                if (ex.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw ex;
            }
        }
        try {
            PullResult r = lockedDownload(e);
            mine.complete(r);
            return r;
        } catch (RuntimeException ex) {
            mine.completeExceptionally(ex);
            throw ex;
        } finally {
            inFlight.remove(id, mine);
        }
    }

    private Path lockFile(String id) {
        return home.resolve(LOCKS).resolve(id + ".lock");
    }

    /**
     * Downloads under the model's lock, so that another process (or another store on this home) pulling the same
     * model waits instead of writing the same partial file. The waiter then finds the files installed and
     * downloads nothing, or resumes what a killed holder left.
     */
    @SuppressWarnings("try") // the lock is held for the block, not used in it
    private PullResult lockedDownload(ModelEntry e) {
        boolean[] waited = {false};
        try (PullLock ignored = PullLock.acquire(lockFile(e.id()), () -> {
            waited[0] = true;
            LOG.info("another pull of {} holds {}; waiting for it", e.id(), lockFile(e.id()));
            listener.waitingForOtherPull(e.id(), lockFile(e.id()));
        })) {
            PullResult r = download(e);
            return waited[0] && r.downloaded().isEmpty() ? new PullResult(r.model(), List.of(), true) : r;
        } catch (IOException ex) {
            DownloadFailure f = DownloadFailure.classify(ex, null, connectTimeout);
            throw new ModelDownloadException(e.id(), null, f.reason(), -1, 0, "cannot pull " + e.id()
                    + ": cannot take the lock " + lockFile(e.id()) + " in the model home: " + f.getMessage(), ex);
        }
    }

    private PullResult download(ModelEntry e) {
        Path dir = home.resolve(e.id());
        Path partialDir = home.resolve(PARTIAL).resolve(e.id());
        List<String> downloaded = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            Files.createDirectories(partialDir);
            StoreManifest m = StoreManifest.read(dir, e.id());
            HttpClient client = HttpClient.newBuilder().connectTimeout(connectTimeout)
                    .followRedirects(HttpClient.Redirect.NORMAL).build();
            HttpDownloader http = new HttpDownloader(client, new HttpDownloader.Limits(idleTimeout, minBytesPerSecond,
                    rateWindow, MAX_UNKNOWN_SIZE_BYTES), clock);
            for (ModelFile f : e.files()) {
                if (m.complete().contains(f.path()) && intact(e.id(), dir, f, m)) {
                    continue;
                }
                m.complete().remove(f.path());
                fetchVerifyInstall(e, f, http, dir, partialDir, m);
                m.complete().add(f.path());
                m.write(dir);
                downloaded.add(f.path());
            }
            // Only this model's folder: ".partial" itself may be in use by a pull of another model.
            deleteEmptyDirs(partialDir, home.resolve(PARTIAL).resolve(e.id()));
        } catch (IOException ex) {
            DownloadFailure f = DownloadFailure.fileSystem(ex, home);
            throw new ModelDownloadException(e.id(), null, f.reason(), -1, 0, "cannot install " + e.id() + " into "
                    + dir + ": " + f.getMessage(), ex);
        }
        return new PullResult(resolve(e), downloaded, false);
    }

    private boolean intact(String id, Path dir, ModelFile f, StoreManifest m) {
        try {
            for (Map.Entry<String, StoreManifest.FileRecord> r : m.files().entrySet()) {
                if (r.getKey().equals(f.path()) || r.getKey().startsWith(f.path() + "/")) {
                    checkRecord(id, dir, r.getKey(), r.getValue(), m);
                }
            }
            return true;
        } catch (ModelIntegrityException | IOException ex) {
            LOG.warn("{}: {}; fetching it again", f.path(), ex.getMessage());
            return false;
        }
    }

    private void fetchVerifyInstall(ModelEntry e, ModelFile f, HttpDownloader http, Path dir, Path partialDir,
                                    StoreManifest m) throws IOException {
        URI url = downloadUrl(f);
        Path part = partialDir.resolve(f.path() + ".part");
        Files.createDirectories(part.getParent());
        String what = e.id() + "/" + f.path();
        HttpDownloader.SpaceCheck space = bytes -> {
            long free = Files.getFileStore(partialDir).getUsableSpace();
            if (bytes > free) {
                throw DownloadFailure.of(Reason.DISK_FULL, "not enough disk space: " + what + " needs " + bytes
                        + " more bytes but only " + free + " are free in " + partialDir, null);
            }
        };
        long expected = f.sizeBytes() == null ? -1L : f.sizeBytes();
        for (int attempt = 1; ; attempt++) {
            long have = Files.exists(part) ? Files.size(part) : 0L;
            if (expected >= 0) {
                try {
                    space.require(Math.max(0, expected - have));
                } catch (DownloadFailure df) {
                    throw new ModelDownloadException(e.id(), url, df.reason(), -1, attempt - 1, df.getMessage(), df);
                }
            }
            listener.downloadStarted(e.id(), f, url, have);
            try {
                http.fetch(url, part, expected, space, (done, total) -> listener.downloadProgress(e.id(), f, done,
                        total));
                break;
            } catch (DownloadFailure df) {
                if (df.integrity()) {
                    Files.deleteIfExists(part);
                    throw new ModelIntegrityException(e.id(), "download of " + what + ": " + df.getMessage());
                }
                ModelDownloadException failed = new ModelDownloadException(e.id(), url, df.reason(), df.status(),
                        attempt, "download of " + what + " from " + url + " failed after " + attempt
                        + (attempt == 1 ? " attempt: " : " attempts: ") + df.getMessage(), df);
                if (!df.retryable() || attempt >= maxAttempts) {
                    throw failed;
                }
                Duration delay = backoff.delay(attempt, df.retryAfter());
                LOG.warn("attempt {} of {} to download {} failed: {}; retrying in {} ms", attempt, maxAttempts, what,
                        df.getMessage(), delay.toMillis());
                listener.downloadRetrying(e.id(), f, attempt, maxAttempts, delay, failed);
                pause(delay, e.id(), url, attempt);
            }
        }
        Optional<Digest> expectedDigest = f.strongestDigest();
        Set<DigestAlgorithm> algs = EnumSet.of(DigestAlgorithm.SHA256);
        expectedDigest.ifPresent(d -> algs.add(d.algorithm()));
        Map<DigestAlgorithm, Digest> actual = Hashing.digest(part, algs);
        if (expectedDigest.isPresent() && !actual.get(expectedDigest.get().algorithm()).equals(expectedDigest.get())) {
            Path kept = keepAside(e.id(), f, part);
            throw new ChecksumMismatchException(e.id(), f.path(), expectedDigest.get(),
                    actual.get(expectedDigest.get().algorithm()), kept);
        }
        long size = Files.size(part);
        if (f.sizeBytes() != null && size != f.sizeBytes()) {
            Path kept = keepAside(e.id(), f, part);
            throw new ModelIntegrityException(e.id(), "download of " + what + " has " + size
                    + " bytes but the catalog says " + f.sizeBytes() + "; kept aside at " + kept + " and not used");
        }
        String verifiedWith = expectedDigest.map(d -> d.algorithm().catalogName()).orElse("unverified");
        if (expectedDigest.isEmpty()) {
            LOG.warn("{} installed without a published digest (allowed by the caller); its SHA-256 is {}",
                    what, actual.get(DigestAlgorithm.SHA256).hex());
        }
        m.files().keySet().removeIf(k -> k.equals(f.path()) || k.startsWith(f.path() + "/"));
        if (f.archive() != null) {
            Path tmp = partialDir.resolve(f.path() + ".extract");
            deleteRecursively(tmp);
            List<String> extracted;
            try {
                extracted = Archives.extract(part, f.archive(), tmp);
            } catch (IOException ex) {
                deleteRecursively(tmp);
                if (ex.getMessage() != null && ex.getMessage().contains("refusing the archive")) {
                    Path kept = keepAside(e.id(), f, part);
                    throw new ModelIntegrityException(e.id(), ex.getMessage() + "; archive kept aside at " + kept);
                }
                throw ex;
            }
            Path dest = dir.resolve(f.path());
            deleteRecursively(dest);
            Files.createDirectories(dest.getParent());
            Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE);
            for (String rel : extracted) {
                Path p = dest.resolve(rel);
                m.files().put(f.path() + "/" + rel, new StoreManifest.FileRecord(Hashing.sha256(p).hex(),
                        Files.size(p), Files.getLastModifiedTime(p).toMillis(), "archive:" + verifiedWith));
            }
            Files.delete(part);
        } else {
            Path dest = dir.resolve(f.path());
            Files.createDirectories(dest.getParent());
            Files.move(part, dest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            m.files().put(f.path(), new StoreManifest.FileRecord(actual.get(DigestAlgorithm.SHA256).hex(), size,
                    Files.getLastModifiedTime(dest).toMillis(), verifiedWith));
        }
        listener.downloadFinished(e.id(), f, expectedDigest.orElse(null));
    }

    /** Waits before the next attempt: on a {@link VirtualClock} by advancing it, so tests never sleep. */
    private void pause(Duration delay, String id, URI url, int attempts) {
        try {
            if (clock instanceof VirtualClock v) {
                v.advance(delay);
            } else {
                TimeUnit.NANOSECONDS.sleep(delay.toNanos());
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new ModelDownloadException(id, url, Reason.INTERRUPTED, -1, attempts, "download of " + id
                    + " interrupted while waiting to retry; the partial file is kept for resuming", ex);
        }
    }

    /**
     * Moves a download that failed verification to {@code .rejected/<id>/}, for inspection. Only the latest rejection
     * of a model is kept, so repeated failing pulls cannot fill the disk; {@link #remove} deletes it.
     */
    private Path keepAside(String id, ModelFile f, Path part) throws IOException {
        Path modelRejects = home.resolve(REJECTED).resolve(id);
        deleteRecursively(modelRejects);
        Path kept = modelRejects.resolve(f.path());
        Files.createDirectories(kept.getParent());
        Files.move(part, kept, StandardCopyOption.REPLACE_EXISTING);
        return kept;
    }

    /**
     * Re-hashes a model's files: installed files against the SHA-256 recorded at install and the published
     * digest; classpath and offline files against the published digest.
     *
     * @param id the model's id
     * @return the outcome per file; no files when the model is not installed
     */
    public VerifyReport verify(String id) {
        ModelEntry e = catalog.get(id);
        Optional<ResolvedModel.Location> where = locate(id);
        if (where.isEmpty()) {
            return new VerifyReport(id, null, List.of());
        }
        List<VerifyReport.FileCheck> checks = new ArrayList<>();
        try {
            switch (where.get()) {
                case HOME -> verifyHome(e, checks);
                case OFFLINE_DIR, CLASSPATH -> {
                    ResolvedModel r = resolve(e);
                    for (ModelFile f : e.files()) {
                        Optional<Digest> want = f.strongestDigest();
                        if (want.isEmpty()) {
                            checks.add(new VerifyReport.FileCheck(f.path(), true, "no published digest (unverified)"));
                            continue;
                        }
                        Digest got;
                        try (InputStream in = r.open(f.path())) {
                            got = Hashing.digest(in, EnumSet.of(want.get().algorithm())).get(want.get().algorithm());
                        }
                        checks.add(check(f.path(), want.get(), got));
                    }
                }
                case NONE -> {
                }
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot verify " + id, ex);
        }
        return new VerifyReport(id, where.get(), checks);
    }

    private void verifyHome(ModelEntry e, List<VerifyReport.FileCheck> checks) throws IOException {
        Path dir = home.resolve(e.id());
        StoreManifest m = StoreManifest.read(dir, e.id());
        boolean updated = false;
        for (Map.Entry<String, StoreManifest.FileRecord> r : m.files().entrySet()) {
            Path p = dir.resolve(r.getKey());
            if (!Files.isRegularFile(p)) {
                checks.add(new VerifyReport.FileCheck(r.getKey(), false, "missing: " + p));
                continue;
            }
            Optional<ModelFile> mf = e.file(r.getKey());
            Set<DigestAlgorithm> algs = EnumSet.of(DigestAlgorithm.SHA256);
            mf.flatMap(ModelFile::strongestDigest).ifPresent(d -> algs.add(d.algorithm()));
            Map<DigestAlgorithm, Digest> got = Hashing.digest(p, algs);
            VerifyReport.FileCheck c = check(r.getKey(), new Digest(DigestAlgorithm.SHA256, r.getValue().sha256()),
                    got.get(DigestAlgorithm.SHA256));
            if (c.ok() && mf.isPresent() && mf.get().strongestDigest().isPresent()) {
                Digest want = mf.get().strongestDigest().get();
                VerifyReport.FileCheck pub = check(r.getKey(), want, got.get(want.algorithm()));
                c = pub.ok() ? new VerifyReport.FileCheck(r.getKey(), true, c.detail() + ", published " + pub.detail())
                        : pub;
            }
            checks.add(c);
            long mtime = Files.getLastModifiedTime(p).toMillis();
            if (c.ok() && mtime != r.getValue().modifiedMillis()) {
                r.setValue(new StoreManifest.FileRecord(r.getValue().sha256(), Files.size(p), mtime,
                        r.getValue().verifiedWith()));
                updated = true;
            }
        }
        if (updated) {
            writeRefreshedRecord(m, dir);
        }
    }

    private static VerifyReport.FileCheck check(String path, Digest want, Digest got) {
        return want.equals(got)
                ? new VerifyReport.FileCheck(path, true, want.algorithm().catalogName() + " ok")
                : new VerifyReport.FileCheck(path, false, want.algorithm().catalogName() + " mismatch: expected "
                + want.hex() + " but was " + got.hex());
    }

    /**
     * Deletes a pulled model from the model home, with any partial download and any rejected download kept aside.
     * Classpath and offline copies are not the store's to delete.
     *
     * @param id the model's id
     * @return whether anything was deleted
     * @throws ModelException when a pull of the model is in progress (in this or another process)
     */
    @SuppressWarnings("try") // the lock is held for the block, not used in it
    public boolean remove(String id) {
        ModelEntry e = catalog.get(id);
        List<Path> targets = List.of(home.resolve(e.id()), home.resolve(PARTIAL).resolve(e.id()),
                home.resolve(REJECTED).resolve(e.id()), cacheDir().resolve(e.id()));
        if (targets.stream().noneMatch(Files::exists)) {
            return false;
        }
        try (PullLock ignored = PullLock.tryAcquire(lockFile(e.id())).orElseThrow(() -> new ModelException(e.id(),
                "cannot remove " + e.id() + ": a pull of it is in progress (it holds " + lockFile(e.id())
                        + "); try again when it ends"))) {
            boolean any = false;
            for (Path p : targets) {
                if (Files.exists(p)) {
                    deleteRecursively(p);
                    any = true;
                }
            }
            return any;
        } catch (IOException ex) {
            DownloadFailure f = DownloadFailure.fileSystem(ex, home);
            throw new ModelDownloadException(e.id(), null, f.reason(), -1, 0, "cannot remove " + e.id() + " from "
                    + home + ": " + f.getMessage(), ex);
        }
    }

    static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        Files.walkFileTree(p, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void deleteEmptyDirs(Path from, Path upTo) {
        for (Path p = from; p != null && p.startsWith(upTo); p = p.getParent()) {
            try {
                Files.deleteIfExists(p);
            } catch (DirectoryNotEmptyException ignored) {
                return;
            } catch (NoSuchFileException ignored) {
                // Already gone.
            } catch (IOException ex) {
                return;
            }
        }
    }

    /** Configures a {@link ModelStore}. */
    public static final class Builder {
        private ModelCatalog catalog;
        private Path home;
        private final List<Path> offlineDirs = new ArrayList<>();
        private ClassLoader classLoader;
        private URI mirror;
        private boolean offline;
        private Duration connectTimeout = Duration.ofSeconds(20);
        private Duration idleTimeout = Duration.ofSeconds(60);
        private int maxAttempts = 4;
        private Duration backoffInitial = Duration.ofSeconds(1);
        private Duration backoffMax = Duration.ofSeconds(30);
        private long minBytesPerSecond = 1024;
        private Duration rateWindow = Duration.ofSeconds(30);
        private Clock clock = Clock.system();
        private StoreListener listener = StoreListener.NONE;

        private Builder() {
        }

        /**
         * Sets the catalog; default {@link ModelCatalog#builtIn()}.
         *
         * @param catalog the catalog
         * @return this builder
         */
        public Builder catalog(ModelCatalog catalog) {
            this.catalog = Objects.requireNonNull(catalog);
            return this;
        }

        /**
         * Sets the model home; default {@link ModelStore#defaultHome()}.
         *
         * @param home the folder
         * @return this builder
         */
        public Builder home(Path home) {
            this.home = Objects.requireNonNull(home);
            return this;
        }

        /**
         * Adds a folder with model files (offline bundle), searched before the home.
         *
         * @param dir the folder
         * @return this builder
         */
        public Builder offlineDir(Path dir) {
            offlineDirs.add(Objects.requireNonNull(dir));
            return this;
        }

        /**
         * Sets where classpath model files are found; default this class's loader.
         *
         * @param classLoader the loader
         * @return this builder
         */
        public Builder classLoader(ClassLoader classLoader) {
            this.classLoader = Objects.requireNonNull(classLoader);
            return this;
        }

        /**
         * Fetch from a mirror: each catalog URL's path is resolved against this base, so
         * {@code https://huggingface.co/a/b.bin} becomes {@code <mirror>/a/b.bin}. Default: the
         * {@value #MIRROR_PROPERTY} system property, else none.
         *
         * @param mirror the base URL
         * @return this builder
         */
        public Builder mirror(URI mirror) {
            this.mirror = mirror;
            return this;
        }

        /**
         * Never downloads when set; a missing model then fails with {@link ModelNotInstalledException}.
         *
         * @param offline whether to stay offline
         * @return this builder
         */
        public Builder offline(boolean offline) {
            this.offline = offline;
            return this;
        }

        /**
         * Sets how long connecting may take; default 20 s.
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connect timeout");
            return this;
        }

        /**
         * Sets how long a download may receive nothing (headers or body) before it is abandoned; default 60 s.
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = positive(timeout, "idle timeout");
            return this;
        }

        /**
         * Attempts per file, resuming where the last one stopped; default 4. Failures that another attempt cannot
         * cure (unknown host, TLS, HTTP 4xx other than 408/429, a full or read-only disk, a wrong checksum) are not
         * retried.
         *
         * @param attempts at least 1
         * @return this builder
         */
        public Builder maxAttempts(int attempts) {
            if (attempts < 1 || attempts > 100) {
                throw new IllegalArgumentException("max attempts must be 1..100, was " + attempts);
            }
            this.maxAttempts = attempts;
            return this;
        }

        /**
         * Wait between attempts: after the n-th failure about {@code initial * 2^(n-1)}, capped at {@code max}, of
         * which the upper half is random (jitter); a longer {@code Retry-After} from the server is honoured up to
         * {@code max}. Default 1 s and 30 s.
         *
         * @param initial the first wait
         * @param max     the longest wait
         * @return this builder
         */
        public Builder retryBackoff(Duration initial, Duration max) {
            positive(initial, "initial backoff");
            positive(max, "maximum backoff");
            if (max.compareTo(initial) < 0 || max.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("maximum backoff must be between the initial one (" + initial
                        + ") and 1 h, was " + max);
            }
            this.backoffInitial = initial;
            this.backoffMax = max;
            return this;
        }

        /**
         * The slowest acceptable transfer: a download averaging fewer than {@code bytesPerSecond} over
         * {@code window} is abandoned (and resumed by the next attempt), so a server trickling a byte every few
         * seconds cannot hold a pull forever. Default 1024 B/s over 30 s; 0 turns the check off.
         *
         * @param bytesPerSecond the slowest average, or 0
         * @param window         the time it is averaged over
         * @return this builder
         */
        public Builder minTransferRate(long bytesPerSecond, Duration window) {
            if (bytesPerSecond < 0) {
                throw new IllegalArgumentException("minimum transfer rate must be >= 0 B/s, was " + bytesPerSecond);
            }
            this.minBytesPerSecond = bytesPerSecond;
            this.rateWindow = positive(window, "transfer rate window");
            return this;
        }

        /**
         * The clock for download timeouts, the transfer rate and retry waits; default the system clock. On a
         * {@link VirtualClock} a retry wait advances the clock instead of sleeping, so tests run without waiting.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        /**
         * Sets who hears of a pull's progress; none by default.
         *
         * @param listener called on the pulling thread
         * @return this builder
         */
        public Builder listener(StoreListener listener) {
            this.listener = Objects.requireNonNull(listener);
            return this;
        }

        private static Duration positive(Duration d, String what) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, was " + d);
            }
            return d;
        }

        /** {@return the store} */
        public ModelStore build() {
            return new ModelStore(this);
        }
    }
}
