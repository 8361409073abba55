package io.github.voicechat.models;

import io.github.voicechat.models.internal.StoreManifest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What only real other processes show: two processes pulling one model, a pull killed with {@code kill -9} and
 * resumed, a model home the process may not write, and a host name that does not resolve. Each runs
 * {@link PullProcess} in a forked JVM against a server on 127.0.0.1.
 */
class ModelStoreProcessTest {
    @TempDir
    Path dir;
    private Path home;
    private LocalServer server;
    private final byte[] data = new byte[400_000];
    private final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void start() throws IOException {
        new Random(11).nextBytes(data);
        home = dir.resolve("home");
        server = new LocalServer();
    }

    @AfterEach
    void stop() throws InterruptedException {
        release.countDown();
        server.close();
    }

    private ModelEntry entry(String id, String file, URI url) throws Exception {
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        return new ModelEntry(id, "fake", ModelTask.TTS, List.of("en-US"), 16000,
                List.of(ModelFile.download(file, url, (long) data.length, new Digest(DigestAlgorithm.SHA256, sha))),
                "MIT", "test");
    }

    private Path catalog(ModelEntry... entries) throws IOException {
        Path f = dir.resolve("catalog-" + entries[0].id() + ".json");
        Files.writeString(f, ModelCatalog.of(List.of(entries)).toJson());
        return f;
    }

    /** The first request gets the headers and {@code half} bytes, then waits for {@link #release}; later ones 206. */
    private void serveHalfThenHold(String path, int half, AtomicInteger hits) {
        server.route(path, ex -> {
            if (hits.incrementAndGet() == 1 && ex.getRequestHeaders().getFirst("Range") == null) {
                ex.sendResponseHeaders(200, data.length);
                OutputStream os = ex.getResponseBody();
                os.write(data, 0, half);
                os.flush();
                try {
                    release.await(120, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                os.write(data, half, data.length - half);
                os.close();
            } else {
                LocalServer.sendRange(ex, data);
            }
        });
    }

    @Test
    void twoProcessesPullingOneModelTakeTurnsAndDownloadItOnce() throws Exception {
        int half = data.length / 2;
        AtomicInteger hits = new AtomicInteger();
        serveHalfThenHold("/two/model.bin", half, hits);
        Path catalog = catalog(entry("fake-two", "model.bin", server.uri("/two/model.bin")));

        try (ForkedJvm first = ForkedJvm.start(PullProcess.class, dir, home.toString(), catalog.toString(),
                "pull:fake-two")) {
            first.awaitLine(l -> l.equals("progress " + half), "the first process holding half the file");
            try (ForkedJvm second = ForkedJvm.start(PullProcess.class, dir, home.toString(), catalog.toString(),
                    "pull:fake-two")) {
                // Before the fix the second process "resumed" from the first one's partial file at this point.
                second.awaitLine(l -> l.equals("waiting fake-two"), "the second process waiting for the first");
                release.countDown();

                assertThat(first.exitCode()).as(first.describe()).isZero();
                assertThat(second.exitCode()).as(second.describe()).isZero();
                assertThat(first.lines()).contains("pulled fake-two downloaded=[model.bin] joined=false");
                assertThat(second.lines()).contains("pulled fake-two downloaded=[] joined=true")
                        .noneMatch(l -> l.startsWith("started"));
            }
        }
        assertThat(Files.readAllBytes(home.resolve("fake-two/model.bin"))).isEqualTo(data);
        assertThat(server.requestsTo("/two/model.bin")).isEqualTo(1);
        assertThat(home.resolve(".partial/fake-two")).doesNotExist();
    }

    @Test
    void aPullKilledWithSigkillIsResumedByTheNextPull() throws Exception {
        int half = 150_001;
        serveHalfThenHold("/kill/model.bin", half, new AtomicInteger());
        ModelEntry e = entry("fake-kill", "model.bin", server.uri("/kill/model.bin"));
        Path catalog = catalog(e);

        try (ForkedJvm killed = ForkedJvm.start(PullProcess.class, dir, home.toString(), catalog.toString(),
                "pull:fake-kill")) {
            killed.awaitLine(l -> l.equals("progress " + half), "the process holding part of the file");
            assertThat(killed.kill()).isEqualTo(128 + 9);
        }
        Path part = home.resolve(".partial/fake-kill/model.bin.part");
        assertThat(Files.size(part)).isEqualTo(half);
        assertThat(home.resolve("fake-kill/model.bin")).doesNotExist();

        long[] resumedFrom = {-1};
        ModelStore store = ModelStore.builder().catalog(ModelCatalog.of(List.of(e))).home(home)
                .listener(new StoreListener() {
                    @Override
                    public void downloadStarted(String modelId, ModelFile file, URI url, long resumeFromBytes) {
                        resumedFrom[0] = resumeFromBytes;
                    }
                }).build();
        // The killed process's lock died with it: this pull neither waits nor starts over.
        PullResult r = store.pull("fake-kill");

        assertThat(r.downloaded()).containsExactly("model.bin");
        assertThat(resumedFrom[0]).isEqualTo(half);
        assertThat(server.requests).extracting(LocalServer.Request::range).containsExactly(null, "bytes=" + half + "-");
        assertThat(Files.readAllBytes(home.resolve("fake-kill/model.bin"))).isEqualTo(data);
        assertThat(part).doesNotExist();
    }

    @Test
    void aReadOnlyModelHomeFailsOnlyThePullAndInstalledModelsStillLoad() throws Exception {
        server.file("/ro/a.bin", data).file("/ro/b.bin", data);
        ModelEntry a = entry("fake-a", "a.bin", server.uri("/ro/a.bin"));
        ModelEntry b = entry("fake-b", "b.bin", server.uri("/ro/b.bin"));
        Path catalog = catalog(a, b);
        ModelStore store = ModelStore.builder().catalog(ModelCatalog.of(List.of(a, b))).home(home).build();
        store.pull("fake-a");
        Path installed = home.resolve("fake-a/a.bin");
        // Touched since verification: resolving re-hashes it and would like to update the record.
        Files.setLastModifiedTime(installed, FileTime.fromMillis(Files.getLastModifiedTime(installed).toMillis()
                + 60_000));
        String manifestBefore = Files.readString(home.resolve("fake-a").resolve(StoreManifest.FILE_NAME));
        List<Path> dirs;
        try (Stream<Path> s = Files.walk(home)) {
            dirs = s.filter(Files::isDirectory).toList();
        }
        for (Path d : dirs) {
            Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("r-xr-xr-x"));
        }
        try (ForkedJvm child = ForkedJvm.start(withoutRootOverride(), List.of(), PullProcess.class, dir,
                home.toString(), catalog.toString(), "pull:fake-b", "resolve:fake-a", "verify:fake-a")) {
            assertThat(child.exitCode()).as(child.describe()).isEqualTo(1);
            assertThat(child.lines()).as(child.describe())
                    .anySatisfy(l -> assertThat(l).startsWith("error pull PERMISSION_DENIED cannot pull fake-b")
                            .contains("permission denied: " + home.resolve(".locks/fake-b.lock")))
                    .contains("resolved fake-a HOME", "verified fake-a ok=true");
        } finally {
            for (Path d : dirs) {
                Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
        assertThat(Files.readAllBytes(installed)).isEqualTo(data);
        assertThat(Files.readString(home.resolve("fake-a").resolve(StoreManifest.FILE_NAME))).isEqualTo(manifestBefore);
        assertThat(home.resolve("fake-b")).doesNotExist();
        assertThat(server.requestsTo("/ro/b.bin")).isZero();
        // Writable again, the same store pulls it: nothing was left half-done.
        assertThat(store.pull("fake-b").downloaded()).containsExactly("b.bin");
    }

    /**
     * Root ignores file permissions (CAP_DAC_OVERRIDE), and tests often run as root in containers. util-linux's
     * {@code setpriv} starts the child without that capability, so a read-only folder is read-only to it too.
     */
    private static List<String> withoutRootOverride() throws IOException {
        int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        if (uid != 0) {
            return List.of();
        }
        Path setpriv = Stream.of("/usr/bin/setpriv", "/bin/setpriv").map(Path::of).filter(Files::isExecutable)
                .findFirst().orElseThrow(() -> new AssertionError("running as root, this test needs setpriv to drop"
                        + " root's permission override: apt-get install -y util-linux"));
        return List.of(setpriv.toString(), "--bounding-set", "-dac_override,-dac_read_search",
                "--inh-caps", "-dac_override,-dac_read_search");
    }

    @Test
    void anUnknownHostIsNamedAndNotRetried() throws Exception {
        // A hosts file that knows only localhost makes the lookup fail at once, with no DNS traffic.
        Path hosts = dir.resolve("hosts");
        Files.writeString(hosts, "127.0.0.1 localhost\n");
        URI url = URI.create("http://models.voicechat.invalid/m.bin");
        Path catalog = catalog(entry("fake-dns", "m.bin", url));

        try (ForkedJvm child = ForkedJvm.start(List.of(), List.of("-Djdk.net.hosts.file=" + hosts),
                PullProcess.class, dir, home.toString(), catalog.toString(), "pull:fake-dns")) {
            assertThat(child.exitCode()).as(child.describe()).isEqualTo(1);
            assertThat(child.lines()).as(child.describe())
                    .contains("error pull UNKNOWN_HOST download of fake-dns/m.bin from " + url + " failed after 1"
                            + " attempt: unknown host models.voicechat.invalid (the name does not resolve: check the"
                            + " URL, the mirror and the network)")
                    .filteredOn(l -> l.startsWith("started")).hasSize(1);
        }
    }
}
