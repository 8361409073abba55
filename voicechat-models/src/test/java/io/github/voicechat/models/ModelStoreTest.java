package io.github.voicechat.models;

import io.github.voicechat.models.internal.Hashing;
import io.github.voicechat.models.internal.StoreManifest;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelStoreTest {
    /** This test's own folder; the store lives in it, so a search for escaped files stays inside it. */
    @TempDir
    Path tmp;
    private Path home;
    private LocalServer server;
    private final byte[] data = randomBytes(300_000, 7);

    @BeforeEach
    void start() throws IOException {
        home = Files.createDirectories(tmp.resolve("store"));
        server = new LocalServer();
    }

    @AfterEach
    void stop() throws InterruptedException {
        server.close();
    }

    private static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static String hex(String algorithm, byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
    }

    private ModelEntry entry(String id, ModelFile... files) {
        return new ModelEntry(id, "fake", ModelTask.TTS, List.of("en-US"), 16000, List.of(files), "MIT", "test");
    }

    private ModelFile served(String path, byte[] content, String urlPath) throws Exception {
        return ModelFile.download(path, server.uri(urlPath), (long) content.length,
                new Digest(DigestAlgorithm.SHA256, hex("SHA-256", content)));
    }

    private ModelStore store(ModelEntry e, StoreListener listener) {
        return ModelStore.builder().catalog(ModelCatalog.of(List.of(e))).home(home)
                .idleTimeout(Duration.ofSeconds(5)).listener(listener).build();
    }

    @Test
    void pullVerifiesInstallsAndRecordsSha256SizeAndTime() throws Exception {
        server.file("/m/voice.onnx", data);
        ModelEntry e = entry("fake-voice", served("voice.onnx", data, "/m/voice.onnx"));
        ModelStore store = store(e, StoreListener.NONE);

        PullResult r = store.pull("fake-voice");

        Path installed = home.resolve("fake-voice").resolve("voice.onnx");
        assertThat(r.downloaded()).containsExactly("voice.onnx");
        assertThat(r.model().location()).isEqualTo(ResolvedModel.Location.HOME);
        assertThat(r.model().path("voice.onnx")).isEqualTo(installed);
        assertThat(Files.readAllBytes(installed)).isEqualTo(data);
        StoreManifest.FileRecord rec = StoreManifest.read(home.resolve("fake-voice"), "fake-voice").files().get("voice.onnx");
        assertThat(rec.sha256()).isEqualTo(hex("SHA-256", data));
        assertThat(rec.sizeBytes()).isEqualTo(data.length);
        assertThat(rec.modifiedMillis()).isEqualTo(Files.getLastModifiedTime(installed).toMillis());
        assertThat(rec.verifiedWith()).isEqualTo("sha256");
        assertThat(home.resolve(".partial/fake-voice")).doesNotExist();
        // Pulling again downloads nothing.
        assertThat(store.pull("fake-voice").downloaded()).isEmpty();
        assertThat(server.requestsTo("/m/voice.onnx")).isEqualTo(1);
    }

    @Test
    void resumesWithRangeAfterTheConnectionIsCut() throws Exception {
        int half = 123_457;
        server.route("/cut/model.bin", ex -> {
            if (ex.getRequestHeaders().getFirst("Range") == null) {
                ex.sendResponseHeaders(200, data.length);
                OutputStream os = ex.getResponseBody();
                os.write(data, 0, half);
                os.flush();
                // Closing now, short of the promised length, cuts the connection.
            } else {
                LocalServer.sendRange(ex, data);
            }
        });
        ModelEntry e = entry("fake-cut", served("model.bin", data, "/cut/model.bin"));
        long[] resumedFrom = {-1};
        ModelStore store = store(e, new StoreListener() {
            @Override
            public void downloadStarted(String modelId, ModelFile file, java.net.URI url, long resumeFromBytes) {
                resumedFrom[0] = resumeFromBytes;
            }
        });

        store.pull("fake-cut");

        assertThat(server.requests).extracting(LocalServer.Request::range).containsExactly(null, "bytes=" + half + "-");
        assertThat(resumedFrom[0]).isEqualTo(half);
        assertThat(Files.readAllBytes(home.resolve("fake-cut/model.bin"))).isEqualTo(data);
    }

    @Test
    void checksumMismatchKeepsTheDownloadAsideAndInstallsNothing() throws Exception {
        byte[] other = randomBytes(data.length, 8);
        server.file("/bad/model.bin", other);
        ModelFile f = ModelFile.download("model.bin", server.uri("/bad/model.bin"), null,
                new Digest(DigestAlgorithm.SHA1, hex("SHA-1", data)), new Digest(DigestAlgorithm.MD5, hex("MD5", data)));
        ModelStore store = store(entry("fake-bad", f), StoreListener.NONE);

        assertThatThrownBy(() -> store.pull("fake-bad")).isInstanceOfSatisfying(ChecksumMismatchException.class, ex -> {
            assertThat(ex.expected()).isEqualTo(new Digest(DigestAlgorithm.SHA1, hexUnchecked("SHA-1", data)));
            assertThat(ex.actual().hex()).isEqualTo(hexUnchecked("SHA-1", other));
            assertThat(ex.keptAt()).isEqualTo(home.resolve(".rejected/fake-bad/model.bin"));
            assertThat(ex.getMessage()).contains("expected sha1:" + hexUnchecked("SHA-1", data), "kept aside");
        });
        assertThat(Files.readAllBytes(home.resolve(".rejected/fake-bad/model.bin"))).isEqualTo(other);
        assertThat(home.resolve("fake-bad/model.bin")).doesNotExist();
        assertThat(store.locate("fake-bad")).isEmpty();
        assertThatThrownBy(() -> store.resolve("fake-bad")).isInstanceOf(ModelNotInstalledException.class);
    }

    private static String hexUnchecked(String alg, byte[] b) {
        try {
            return hex(alg, b);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void zipSlipArchiveIsRefused() throws Exception {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bos)) {
            z.putNextEntry(new ZipEntry("ok.txt"));
            z.write("fine".getBytes(StandardCharsets.UTF_8));
            z.putNextEntry(new ZipEntry("../../escaped.txt"));
            z.write("evil".getBytes(StandardCharsets.UTF_8));
        }
        byte[] zip = bos.toByteArray();
        server.file("/evil.zip", zip);
        ModelFile f = new ModelFile("bundle", server.uri("/evil.zip"), null, (long) zip.length,
                List.of(new Digest(DigestAlgorithm.SHA256, hex("SHA-256", zip))), ArchiveFormat.ZIP);
        ModelStore store = store(entry("fake-zip", f), StoreListener.NONE);

        assertThatThrownBy(() -> store.pull("fake-zip")).isInstanceOf(ModelIntegrityException.class)
                .hasMessageContaining("archive entry '../../escaped.txt' would be written outside")
                .hasMessageContaining("path traversal");
        // The extraction folder is at least three levels below tmp, so "../../" cannot leave it. (Walking the
        // parent of a @TempDir walked all of /tmp, where other processes' files vanish mid-walk.)
        try (var files = Files.walk(tmp)) {
            assertThat(files.filter(p -> p.getFileName().toString().equals("escaped.txt"))).isEmpty();
        }
        assertThat(home.resolve("fake-zip/bundle")).doesNotExist();
        assertThat(home.resolve(".rejected/fake-zip/bundle")).exists();
    }

    @Test
    void tarGzAndTarBz2ArchivesAreExtractedAndEachFileRecorded() throws Exception {
        Map<String, byte[]> content = Map.of("model/weights.bin", randomBytes(5000, 1), "model/config.json",
                "{\"a\":1}".getBytes(StandardCharsets.UTF_8));
        byte[] tgz = tar(content, true);
        byte[] tbz = tar(content, false);
        server.file("/a.tar.gz", tgz).file("/a.tar.bz2", tbz);
        ModelFile gz = new ModelFile("gz", server.uri("/a.tar.gz"), null, null,
                List.of(new Digest(DigestAlgorithm.SHA256, hex("SHA-256", tgz))), ArchiveFormat.TAR_GZ);
        ModelFile bz = new ModelFile("bz", server.uri("/a.tar.bz2"), null, null,
                List.of(new Digest(DigestAlgorithm.SHA256, hex("SHA-256", tbz))), ArchiveFormat.TAR_BZ2);
        ModelStore store = store(entry("fake-tar", gz, bz), StoreListener.NONE);

        ResolvedModel r = store.pull("fake-tar").model();

        for (String dir : List.of("gz", "bz")) {
            assertThat(r.path(dir)).isEqualTo(home.resolve("fake-tar").resolve(dir));
            for (Map.Entry<String, byte[]> c : content.entrySet()) {
                assertThat(Files.readAllBytes(r.path(dir).resolve(c.getKey()))).isEqualTo(c.getValue());
            }
        }
        StoreManifest m = StoreManifest.read(home.resolve("fake-tar"), "fake-tar");
        assertThat(m.files().keySet()).containsExactlyInAnyOrder("gz/model/weights.bin", "gz/model/config.json",
                "bz/model/weights.bin", "bz/model/config.json");
        assertThat(m.files().get("gz/model/weights.bin").sha256())
                .isEqualTo(hex("SHA-256", content.get("model/weights.bin")));
        assertThat(store.verify("fake-tar").ok()).isTrue();
    }

    @Test
    void tarWithTraversalIsRefused() throws Exception {
        byte[] tgz = tar(Map.of("../outside.txt", new byte[]{1, 2, 3}), true);
        server.file("/evil.tar.gz", tgz);
        ModelFile f = new ModelFile("t", server.uri("/evil.tar.gz"), null, null,
                List.of(new Digest(DigestAlgorithm.SHA256, hex("SHA-256", tgz))), ArchiveFormat.TAR_GZ);
        ModelStore store = store(entry("fake-eviltar", f), StoreListener.NONE);

        assertThatThrownBy(() -> store.pull("fake-eviltar")).isInstanceOf(ModelIntegrityException.class)
                .hasMessageContaining("'../outside.txt' would be written outside");
        assertThat(home.resolve(".partial/fake-eviltar/outside.txt")).doesNotExist();
    }

    private static byte[] tar(Map<String, byte[]> files, boolean gzip) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (OutputStream compressed = gzip ? new GZIPOutputStream(bos) : new BZip2CompressorOutputStream(bos);
             TarArchiveOutputStream t = new TarArchiveOutputStream(compressed)) {
            t.setLongFileMode(TarArchiveOutputStream.LONGFILE_GNU);
            for (Map.Entry<String, byte[]> e : new java.util.TreeMap<>(files).entrySet()) {
                TarArchiveEntry te = new TarArchiveEntry(e.getKey(), true);
                te.setSize(e.getValue().length);
                t.putArchiveEntry(te);
                t.write(e.getValue());
                t.closeArchiveEntry();
            }
        }
        return bos.toByteArray();
    }

    @Test
    void twoThreadsPullingTheSameModelDownloadOnce() throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch joined = new CountDownLatch(1);
        server.route("/shared.bin", ex -> {
            arrived.countDown();
            await(release);
            LocalServer.sendRange(ex, data);
        });
        ModelStore store = store(entry("fake-shared", served("s.bin", data, "/shared.bin")), new StoreListener() {
            @Override
            public void pullJoined(String modelId) {
                joined.countDown();
            }
        });
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<PullResult> first = pool.submit(() -> store.pull("fake-shared"));
            assertThat(arrived.await(10, TimeUnit.SECONDS)).isTrue();
            Future<PullResult> second = pool.submit(() -> store.pull("fake-shared"));
            assertThat(joined.await(10, TimeUnit.SECONDS)).isTrue();
            release.countDown();
            PullResult a = first.get(10, TimeUnit.SECONDS);
            PullResult b = second.get(10, TimeUnit.SECONDS);
            assertThat(a.joined()).isFalse();
            assertThat(a.downloaded()).containsExactly("s.bin");
            assertThat(b.joined()).isTrue();
            assertThat(b.downloaded()).isEmpty();
            assertThat(b.model().path("s.bin")).isEqualTo(a.model().path("s.bin"));
            assertThat(server.requestsTo("/shared.bin")).isEqualTo(1);
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void twoStoresOnOneHomeTakeTurnsThroughTheModelLock() throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch waiting = new CountDownLatch(1);
        server.route("/locked.bin", ex -> {
            arrived.countDown();
            await(release);
            LocalServer.sendRange(ex, data);
        });
        ModelEntry e = entry("fake-locked", served("l.bin", data, "/locked.bin"));
        ModelStore one = store(e, StoreListener.NONE);
        ModelStore two = store(e, new StoreListener() {
            @Override
            public void waitingForOtherPull(String modelId, Path lockFile) {
                assertThat(lockFile).isEqualTo(home.resolve(".locks/fake-locked.lock"));
                waiting.countDown();
            }
        });
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<PullResult> first = pool.submit(() -> one.pull("fake-locked"));
            assertThat(arrived.await(10, TimeUnit.SECONDS)).isTrue();
            Future<PullResult> second = pool.submit(() -> two.pull("fake-locked"));
            assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();
            assertThatThrownBy(() -> two.remove("fake-locked")).isInstanceOf(ModelException.class)
                    .hasMessageContaining("a pull of it is in progress");
            release.countDown();
            assertThat(first.get(10, TimeUnit.SECONDS).downloaded()).containsExactly("l.bin");
            PullResult b = second.get(10, TimeUnit.SECONDS);
            assertThat(b.joined()).isTrue();
            assertThat(b.downloaded()).isEmpty();
            assertThat(server.requestsTo("/locked.bin")).isEqualTo(1);
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void fileWithoutDigestNeedsAllowUnverified() throws Exception {
        server.file("/u.bin", data);
        ModelFile f = ModelFile.download("u.bin", server.uri("/u.bin"), (long) data.length);
        ModelStore store = store(entry("fake-unverified", f), StoreListener.NONE);

        assertThatThrownBy(() -> store.pull("fake-unverified")).isInstanceOf(UnverifiedModelException.class)
                .hasMessageContaining("no published digest for u.bin").hasMessageContaining("--allow-unverified");
        assertThat(server.requests).isEmpty();

        store.pull("fake-unverified", true);
        StoreManifest.FileRecord rec = StoreManifest.read(home.resolve("fake-unverified"), "fake-unverified")
                .files().get("u.bin");
        assertThat(rec.verifiedWith()).isEqualTo("unverified");
        assertThat(rec.sha256()).isEqualTo(hex("SHA-256", data));
    }

    @Test
    void loadNoticesChangedSizeAndTimeAndVerifyRehashes() throws Exception {
        server.file("/c.bin", data);
        ModelStore store = store(entry("fake-change", served("c.bin", data, "/c.bin")), StoreListener.NONE);
        store.pull("fake-change");
        Path p = home.resolve("fake-change/c.bin");

        // Touched but identical: re-hashed once and accepted.
        Files.setLastModifiedTime(p, FileTime.fromMillis(Files.getLastModifiedTime(p).toMillis() + 60_000));
        assertThat(store.resolve("fake-change").path("c.bin")).isEqualTo(p);
        assertThat(StoreManifest.read(p.getParent(), "fake-change").files().get("c.bin").modifiedMillis())
                .isEqualTo(Files.getLastModifiedTime(p).toMillis());

        // Same size, different content, new time: refused at load and by verify.
        byte[] tampered = data.clone();
        tampered[100] ^= 1;
        Files.write(p, tampered);
        Files.setLastModifiedTime(p, FileTime.fromMillis(Files.getLastModifiedTime(p).toMillis() + 120_000));
        assertThatThrownBy(() -> store.resolve("fake-change")).isInstanceOf(ChecksumMismatchException.class)
                .hasMessageContaining("expected sha256:" + hex("SHA-256", data))
                .hasMessageContaining(hex("SHA-256", tampered));
        VerifyReport report = store.verify("fake-change");
        assertThat(report.ok()).isFalse();
        assertThat(report.files()).singleElement().satisfies(c -> assertThat(c.detail())
                .isEqualTo("sha256 mismatch: expected " + hexUnchecked("SHA-256", data) + " but was "
                        + hexUnchecked("SHA-256", tampered)));

        // Different size: refused without hashing.
        Files.write(p, new byte[10]);
        assertThatThrownBy(() -> store.resolve("fake-change")).isInstanceOf(ModelIntegrityException.class)
                .hasMessageContaining("changed size since it was verified: expected " + data.length
                        + " bytes, found 10 bytes");

        // Pull repairs it.
        assertThat(store.pull("fake-change").downloaded()).containsExactly("c.bin");
        assertThat(store.verify("fake-change").ok()).isTrue();
    }

    @Test
    void offlineAndMissingSaysWhereItLookedAndHowToPull() {
        ModelFile f = ModelFile.download("x.bin", server.uri("/x.bin"), 10L,
                new Digest(DigestAlgorithm.SHA256, "0".repeat(64)));
        ModelStore store = ModelStore.builder().catalog(ModelCatalog.of(List.of(entry("fake-off", f)))).home(home)
                .offline(true).build();
        assertThatThrownBy(() -> store.pull("fake-off")).isInstanceOf(ModelNotInstalledException.class)
                .hasMessageContaining("the store is offline")
                .hasMessageContaining(home.resolve("fake-off").toString())
                .hasMessageContaining("voicechat models pull fake-off");
        assertThat(server.requests).isEmpty();
    }

    @Test
    void notEnoughDiskSpaceFailsBeforeDownloading() {
        ModelFile f = ModelFile.download("huge.bin", server.uri("/huge.bin"), Long.MAX_VALUE / 2,
                new Digest(DigestAlgorithm.SHA256, "0".repeat(64)));
        ModelStore store = store(entry("fake-huge", f), StoreListener.NONE);
        assertThatThrownBy(() -> store.pull("fake-huge")).isInstanceOfSatisfying(ModelDownloadException.class, ex -> {
            assertThat(ex.reason()).isEqualTo(ModelDownloadException.Reason.DISK_FULL);
            assertThat(ex.attempts()).isZero();
        }).hasMessageStartingWith("not enough disk space: fake-huge/huge.bin needs " + (Long.MAX_VALUE / 2)
                + " more bytes but only ");
        assertThat(server.requests).isEmpty();
    }

    @Test
    void offlineDirectoryAndClasspathAreResolvedWithoutDownloading(@TempDir Path bundle) throws Exception {
        Files.write(bundle.resolve("v.onnx"), data);
        ModelEntry off = entry("fake-bundle", served("v.onnx", data, "/never.bin"));
        ModelFile cpFile = new ModelFile("catalog.json", null, ModelCatalog.RESOURCE, null, List.of(), null);
        ModelEntry cp = entry("fake-cp", cpFile);
        ModelStore store = ModelStore.builder().catalog(ModelCatalog.of(List.of(off, cp))).home(home)
                .offlineDir(bundle).build();

        ResolvedModel r = store.resolve("fake-bundle");
        assertThat(r.location()).isEqualTo(ResolvedModel.Location.OFFLINE_DIR);
        assertThat(r.path("v.onnx")).isEqualTo(bundle.resolve("v.onnx"));
        assertThat(store.verify("fake-bundle").ok()).isTrue();

        ResolvedModel c = store.resolve("fake-cp");
        assertThat(c.location()).isEqualTo(ResolvedModel.Location.CLASSPATH);
        try (var in = c.open("catalog.json")) {
            assertThat(ModelCatalog.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)).find("whisper-base.en"))
                    .isPresent();
        }
        assertThat(server.requests).isEmpty();
        assertThat(Hashing.sha256(bundle.resolve("v.onnx")).hex()).isEqualTo(hex("SHA-256", data));
    }

    @Test
    void mirrorRebasesCatalogUrls() {
        ModelStore store = ModelStore.builder().home(home).mirror(java.net.URI.create("http://127.0.0.1:9/m")).build();
        ModelFile f = store.catalog().get("whisper-tiny.en").files().get(0);
        assertThat(store.downloadUrl(f)).hasToString("http://127.0.0.1:9/m/ggerganov/whisper.cpp/resolve/main/ggml-tiny.en.bin");
    }
}
