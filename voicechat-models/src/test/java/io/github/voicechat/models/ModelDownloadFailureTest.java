package io.github.voicechat.models;

import io.github.voicechat.models.ModelDownloadException.Reason;
import io.github.voicechat.time.VirtualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * How a pull fails: never more bytes than the file has, never forever on a trickle, free space checked first, the
 * cause named (refused, TLS, timeout, disk full), retries only where they can help and with exponential backoff and
 * jitter, measured on a {@link VirtualClock} so no test waits for real.
 */
class ModelDownloadFailureTest {
    @TempDir
    Path home;
    private LocalServer server;
    private final byte[] data = new byte[300_000];
    private final VirtualClock clock = new VirtualClock();
    private final List<Duration> delays = new ArrayList<>();
    private final List<ModelDownloadException> retried = new ArrayList<>();
    private final AtomicLong mostBytesSeen = new AtomicLong(-1);
    private final BlockingQueue<Long> progress = new LinkedBlockingQueue<>();
    private final ExecutorService pool = Executors.newCachedThreadPool();

    private final StoreListener recorder = new StoreListener() {
        @Override
        public void downloadProgress(String modelId, ModelFile file, long bytesDone, long bytesTotal) {
            mostBytesSeen.accumulateAndGet(bytesDone, Math::max);
            progress.add(bytesDone);
        }

        @Override
        public void downloadRetrying(String modelId, ModelFile file, int failedAttempt, int maxAttempts,
                                     Duration delay, ModelDownloadException cause) {
            delays.add(delay);
            retried.add(cause);
        }
    };

    @BeforeEach
    void start() throws IOException {
        new Random(5).nextBytes(data);
        server = new LocalServer();
    }

    @AfterEach
    void stop() throws InterruptedException {
        pool.shutdownNow();
        server.close();
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    private static ModelEntry entry(String id, ModelFile f) {
        return new ModelEntry(id, "fake", ModelTask.TTS, List.of("en-US"), 16000, List.of(f), "MIT", "test");
    }

    private ModelFile file(String name, URI url, Long size, byte[] content) throws Exception {
        return ModelFile.download(name, url, size, new Digest(DigestAlgorithm.SHA256, sha256(content)));
    }

    private ModelStore.Builder store(ModelEntry e) {
        return ModelStore.builder().catalog(ModelCatalog.of(List.of(e))).home(home).clock(clock).listener(recorder);
    }

    private static ModelDownloadException downloadFailure(org.assertj.core.api.ThrowableAssert.ThrowingCallable c) {
        Throwable t = catchThrowable(c);
        assertThat(t).isInstanceOf(ModelDownloadException.class);
        return (ModelDownloadException) t;
    }

    /** Writes {@code total} bytes in 64 KiB chunks until done or the client hangs up. */
    private static void flood(OutputStream os, long total) {
        byte[] chunk = new byte[1 << 16];
        try {
            for (long sent = 0; sent < total; sent += chunk.length) {
                os.write(chunk);
            }
            os.close();
        } catch (IOException clientHungUp) {
            // Expected: the client stops reading at its cap.
        }
    }

    @Test
    void aServerSendingFarMoreThanTheCatalogSizeIsCutOffAtThatSizeAndNothingIsKept() throws Exception {
        long fifty = 50L << 20;
        server.route("/flood.bin", ex -> {
            ex.sendResponseHeaders(200, 0); // chunked: the size is not announced
            flood(ex.getResponseBody(), fifty);
        });
        byte[] model = new byte[1000];
        ModelStore store = store(entry("fake-flood", file("f.bin", server.uri("/flood.bin"), 1000L, model))).build();

        assertThatThrownBy(() -> store.pull("fake-flood")).isInstanceOf(ModelIntegrityException.class)
                .hasMessageContaining("server sent more than the 1000 bytes the file has from "
                        + server.uri("/flood.bin"));
        assertThat(mostBytesSeen.get()).isLessThanOrEqualTo(1000);
        assertThat(home.resolve(".partial/fake-flood/f.bin.part")).doesNotExist();
        assertThat(home.resolve(".rejected")).doesNotExist();
        assertThat(server.requestsTo("/flood.bin")).isEqualTo(1);
    }

    @Test
    void anAnnouncedSizeOtherThanTheCatalogsIsRefusedBeforeTheBody() throws Exception {
        long fifty = 50L << 20;
        server.route("/big.bin", ex -> {
            ex.sendResponseHeaders(200, fifty);
            flood(ex.getResponseBody(), fifty);
        });
        ModelStore store = store(entry("fake-big", file("b.bin", server.uri("/big.bin"), 1000L, new byte[1000])))
                .build();

        assertThatThrownBy(() -> store.pull("fake-big")).isInstanceOf(ModelIntegrityException.class)
                .hasMessageContaining("server announces " + fifty + " bytes for " + server.uri("/big.bin")
                        + " but the catalog says 1000; refusing it before reading the body");
        assertThat(mostBytesSeen.get()).isEqualTo(-1);
        assertThat(home.resolve(".rejected")).doesNotExist();
    }

    @Test
    void aFileOfUnknownSizeIsCheckedAgainstFreeSpaceOnceTheServerAnnouncesItsSize() throws Exception {
        long huge = Long.MAX_VALUE / 4;
        server.route("/whisper.bin", ex -> ex.sendResponseHeaders(200, huge));
        // Like the Whisper entries: a published digest, but no size.
        ModelStore store = store(entry("fake-nosize", file("w.bin", server.uri("/whisper.bin"), null, data))).build();

        ModelDownloadException ex = downloadFailure(() -> store.pull("fake-nosize"));

        assertThat(ex.reason()).isEqualTo(Reason.DISK_FULL);
        assertThat(ex.attempts()).isEqualTo(1);
        assertThat(ex).hasMessageContaining("failed after 1 attempt: not enough disk space: fake-nosize/w.bin needs "
                + huge + " more bytes but only ");
        assertThat(server.requestsTo("/whisper.bin")).isEqualTo(1);
        assertThat(delays).isEmpty();
    }

    @Test
    void aBodyTricklingOneByteEveryFiveSecondsIsAbandonedAsTooSlow() throws Exception {
        Semaphore sendNext = new Semaphore(0);
        server.route("/trickle.bin", ex -> {
            ex.sendResponseHeaders(200, data.length);
            OutputStream os = ex.getResponseBody();
            try {
                for (byte b : data) {
                    if (!sendNext.tryAcquire(60, TimeUnit.SECONDS)) {
                        return;
                    }
                    os.write(b);
                    os.flush();
                }
            } catch (InterruptedException | IOException e) {
                // The client gave up: the point of the test.
            }
        });
        ModelStore store = store(entry("fake-trickle", file("t.bin", server.uri("/trickle.bin"),
                (long) data.length, data))).idleTimeout(Duration.ofSeconds(60)).maxAttempts(1).build();

        Future<PullResult> pull = pool.submit(() -> store.pull("fake-trickle"));
        int sent = 0;
        // One byte, then five (virtual) seconds, and again: never idle for the 60 s stall timeout.
        while (!pull.isDone() && sent < 100) {
            sendNext.release();
            sent++;
            if (!awaitProgress(sent, pull)) {
                break;
            }
            clock.advance(Duration.ofSeconds(5));
        }
        ModelDownloadException ex = downloadFailure(() -> getCause(pull));
        assertThat(ex.reason()).isEqualTo(Reason.TOO_SLOW);
        assertThat(ex).hasMessageContaining("transfer from " + server.uri("/trickle.bin") + " too slow: ")
                .hasMessageContaining("minimum 1024 B/s); the partial file is kept for resuming");
        // Given up once the 30 s window had passed, not minutes later.
        assertThat(Duration.ofNanos(clock.nanoTime())).isBetween(Duration.ofSeconds(30), Duration.ofSeconds(35));
        assertThat(Files.size(home.resolve(".partial/fake-trickle/t.bin.part"))).isBetween(6L, 8L);
    }

    /** Waits until {@code bytes} arrived, or the pull ended; polls the progress queue, never sleeps blindly. */
    private boolean awaitProgress(long bytes, Future<?> pull) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            Long p = progress.poll(10, TimeUnit.MILLISECONDS);
            if (p != null && p >= bytes) {
                return true;
            }
            if (pull.isDone()) {
                return false;
            }
        }
        throw new AssertionError("no progress to " + bytes + " bytes within 30 s");
    }

    private static Object getCause(Future<?> f) throws Throwable {
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause();
        }
    }

    @Test
    void aStallBeforeHeadersAndInTheBodyTimesOutOnTheVirtualClock() throws Exception {
        CountDownLatch arrived = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        server.route("/stall-headers.bin", ex -> {
            arrived.countDown();
            await(release);
        });
        server.route("/stall-body.bin", ex -> {
            ex.sendResponseHeaders(200, data.length);
            ex.getResponseBody().write(data, 0, 1000);
            ex.getResponseBody().flush();
            arrived.countDown();
            await(release);
        });
        ModelEntry a = entry("fake-stall-a", file("a.bin", server.uri("/stall-headers.bin"), (long) data.length, data));
        ModelEntry b = entry("fake-stall-b", file("b.bin", server.uri("/stall-body.bin"), (long) data.length, data));
        ModelStore store = ModelStore.builder().catalog(ModelCatalog.of(List.of(a, b))).home(home).clock(clock)
                .listener(recorder).idleTimeout(Duration.ofSeconds(60)).maxAttempts(1).build();
        try {
            Future<PullResult> pa = pool.submit(() -> store.pull("fake-stall-a"));
            Future<PullResult> pb = pool.submit(() -> store.pull("fake-stall-b"));
            assertThat(arrived.await(30, TimeUnit.SECONDS)).isTrue();
            awaitProgress(1000, pb);
            clock.advance(Duration.ofSeconds(61));

            ModelDownloadException ea = downloadFailure(() -> getCause(pa));
            ModelDownloadException eb = downloadFailure(() -> getCause(pb));
            assertThat(ea.reason()).isEqualTo(Reason.TIMEOUT);
            assertThat(ea).hasMessageContaining("no data from " + server.uri("/stall-headers.bin")
                    + " for 60000 ms (waiting for response headers)");
            assertThat(eb.reason()).isEqualTo(Reason.TIMEOUT);
            assertThat(eb).hasMessageContaining("no data from " + server.uri("/stall-body.bin")
                    + " for 60000 ms after 1000 bytes; the partial file is kept for resuming");
            assertThat(Files.size(home.resolve(".partial/fake-stall-b/b.bin.part"))).isEqualTo(1000);
        } finally {
            release.countDown();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void aRefusedConnectionIsNamedAndRetriedWithExponentialBackoffAndJitter() throws Exception {
        int port = closedPort();
        URI url = URI.create("http://127.0.0.1:" + port + "/m.bin");
        ModelStore store = store(entry("fake-refused", file("m.bin", url, (long) data.length, data))).maxAttempts(4)
                .retryBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30)).build();

        ModelDownloadException ex = downloadFailure(() -> store.pull("fake-refused"));

        assertThat(ex.reason()).isEqualTo(Reason.CONNECTION_REFUSED);
        assertThat(ex.attempts()).isEqualTo(4);
        assertThat(ex).hasMessage("download of fake-refused/m.bin from " + url + " failed after 4 attempts:"
                + " connection refused by 127.0.0.1:" + port + " (nothing listens there)");
        assertThat(retried).extracting(ModelDownloadException::reason).containsOnly(Reason.CONNECTION_REFUSED);
        assertThat(delays).hasSize(3);
        // Attempt n waits half of 2^(n-1) s plus a random part of up to the other half.
        assertThat(delays.get(0)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
        assertThat(delays.get(1)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
        assertThat(delays.get(2)).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(4));
        assertThat(clock.nanoTime()).isEqualTo(delays.stream().mapToLong(Duration::toNanos).sum());
    }

    @Test
    void aServiceUnavailableIsRetriedAfterItsRetryAfterAndThenSucceeds() throws Exception {
        AtomicInteger hits = new AtomicInteger();
        server.route("/busy.bin", ex -> {
            if (hits.incrementAndGet() <= 2) {
                ex.getResponseHeaders().add("Retry-After", "7");
                ex.sendResponseHeaders(503, -1);
            } else {
                LocalServer.sendRange(ex, data);
            }
        });
        ModelStore store = store(entry("fake-busy", file("m.bin", server.uri("/busy.bin"), (long) data.length,
                data))).build();

        PullResult r = store.pull("fake-busy");

        assertThat(r.downloaded()).containsExactly("m.bin");
        assertThat(retried).extracting(ModelDownloadException::httpStatus).containsExactly(503, 503);
        assertThat(delays).containsExactly(Duration.ofSeconds(7), Duration.ofSeconds(7));
        assertThat(server.requestsTo("/busy.bin")).isEqualTo(3);
    }

    @Test
    void aNotFoundIsNotRetried() throws Exception {
        server.status("/gone.bin", 404);
        ModelStore store = store(entry("fake-gone", file("m.bin", server.uri("/gone.bin"), (long) data.length,
                data))).build();

        ModelDownloadException ex = downloadFailure(() -> store.pull("fake-gone"));

        assertThat(ex.reason()).isEqualTo(Reason.HTTP_STATUS);
        assertThat(ex.httpStatus()).isEqualTo(404);
        assertThat(ex).hasMessageEndingWith("failed after 1 attempt: HTTP 404 from " + server.uri("/gone.bin"));
        assertThat(delays).isEmpty();
        assertThat(server.requestsTo("/gone.bin")).isEqualTo(1);
    }

    @Test
    void aTlsFailureIsNamedAndNotRetried() throws Exception {
        // A plain-text server behind an https URL: the handshake fails on the client's side.
        try (ServerSocket plain = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            AtomicInteger connections = new AtomicInteger();
            pool.submit(() -> {
                while (!plain.isClosed()) {
                    try (Socket s = plain.accept(); InputStream in = s.getInputStream()) {
                        connections.incrementAndGet();
                        in.read(new byte[512]);
                        s.getOutputStream().write("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    } catch (IOException closed) {
                        return null;
                    }
                }
                return null;
            });
            URI url = URI.create("https://127.0.0.1:" + plain.getLocalPort() + "/m.bin");
            ModelStore store = store(entry("fake-tls", file("m.bin", url, (long) data.length, data))).build();

            ModelDownloadException ex = downloadFailure(() -> store.pull("fake-tls"));

            assertThat(ex.reason()).isEqualTo(Reason.TLS);
            assertThat(ex).hasMessageStartingWith("download of fake-tls/m.bin from " + url + " failed after 1"
                    + " attempt: TLS handshake with 127.0.0.1:" + plain.getLocalPort() + " failed: ");
            assertThat(ex.getMessage()).doesNotContain("null");
            assertThat(ex.attempts()).isEqualTo(1);
            assertThat(delays).isEmpty();
            assertThat(connections).hasPositiveValue();
        }
    }

    @Test
    void aFullDiskFailsOnlyThatPullAndLeavesInstalledModelsIntact() throws Exception {
        assumeThat(Path.of("/dev/full")).as("needs Linux's /dev/full, where every write fails with ENOSPC").exists();
        server.file("/a.bin", data).file("/b.bin", data);
        ModelEntry a = entry("fake-a", file("a.bin", server.uri("/a.bin"), (long) data.length, data));
        ModelEntry b = entry("fake-b", file("b.bin", server.uri("/b.bin"), (long) data.length, data));
        ModelStore store = ModelStore.builder().catalog(ModelCatalog.of(List.of(a, b))).home(home).clock(clock)
                .listener(recorder).build();
        store.pull("fake-a");
        // The partial file of b is /dev/full: the kernel answers every write with "No space left on device".
        Path part = home.resolve(".partial/fake-b/b.bin.part");
        Files.createDirectories(part.getParent());
        Files.createSymbolicLink(part, Path.of("/dev/full"));

        ModelDownloadException ex = downloadFailure(() -> store.pull("fake-b"));

        assertThat(ex.reason()).isEqualTo(Reason.DISK_FULL);
        assertThat(ex).hasMessageContaining("failed after 1 attempt: disk full (No space left on device)");
        assertThat(delays).isEmpty();
        assertThat(store.locate("fake-b")).isEmpty();
        assertThat(store.verify("fake-a").ok()).isTrue();
        assertThat(Files.readAllBytes(store.resolve("fake-a").path("a.bin"))).isEqualTo(data);
    }

    @Test
    void rejectedDownloadsAreBoundedToTheLatestPerModelAndRemovedWithTheModel() throws Exception {
        byte[] wrong1 = "first wrong copy".getBytes(StandardCharsets.UTF_8);
        byte[] wrong2 = "second wrong copy".getBytes(StandardCharsets.UTF_8);
        server.file("/w1.bin", wrong1).file("/w2.bin", wrong2);
        ModelFile f1 = file("one.bin", server.uri("/w1.bin"), null, data);
        ModelFile f2 = file("two.bin", server.uri("/w2.bin"), null, data);
        ModelStore first = store(entry("fake-rej", f1)).build();
        ModelStore second = store(entry("fake-rej", f2)).build();

        assertThatThrownBy(() -> first.pull("fake-rej")).isInstanceOf(ChecksumMismatchException.class);
        assertThatThrownBy(() -> second.pull("fake-rej")).isInstanceOf(ChecksumMismatchException.class);
        Path rejected = home.resolve(".rejected/fake-rej");
        try (var files = Files.list(rejected)) {
            assertThat(files).containsExactly(rejected.resolve("two.bin"));
        }

        assertThat(second.remove("fake-rej")).isTrue();
        assertThat(rejected).doesNotExist();
    }
}
