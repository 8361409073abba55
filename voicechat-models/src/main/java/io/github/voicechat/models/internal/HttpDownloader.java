package io.github.voicechat.models.internal;

import io.github.voicechat.models.ModelDownloadException.Reason;
import io.github.voicechat.time.Clock;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Downloads one URL into a partial file with the JDK {@link HttpClient}, resuming with {@code Range} from whatever
 * the partial file already holds, and never writing more than the file may have.
 *
 * <p>Why a body subscriber and a watchdog: the client's request timeout only covers the wait for the response
 * headers, and a blocking read of the body cannot time out. Writing from the subscriber and checking, from the
 * calling thread, when bytes last arrived and how many arrived in the last window lets a stalled transfer
 * ({@code idleTimeout}) and a trickling one ({@code minBytesPerSecond} over {@code rateWindow}) be cancelled. The
 * checks read a {@link Clock}: the system clock in use, a virtual one in tests, so a body trickling one byte every
 * five seconds is tested without waiting minutes.
 *
 * <p>Every failure is a {@link DownloadFailure} that names its cause and says whether another attempt can help.
 */
public final class HttpDownloader {
    /** Called with bytes in the partial file so far and the total (-1 when unknown). */
    public interface Progress {
        void update(long bytesDone, long bytesTotal);
    }

    /** Throws a {@link DownloadFailure} of {@link Reason#DISK_FULL} when {@code bytes} more will not fit. */
    public interface SpaceCheck {
        void require(long bytes) throws IOException;
    }

    /**
     * @param idleTimeout         longest time without any byte (or without response headers)
     * @param minBytesPerSecond   slowest acceptable average over {@code rateWindow}; 0 disables the check
     * @param rateWindow          the window the rate is averaged over
     * @param maxUnknownSizeBytes cap for a file whose size neither the catalog nor the server states
     */
    public record Limits(Duration idleTimeout, long minBytesPerSecond, Duration rateWindow, long maxUnknownSizeBytes) {
    }

    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");
    private static final Pattern UNSATISFIED_RANGE = Pattern.compile("bytes \\*/(\\d+)");

    private final HttpClient client;
    private final Limits limits;
    private final Clock clock;
    private final Duration connectTimeout;

    public HttpDownloader(HttpClient client, Limits limits, Clock clock) {
        this.client = client;
        this.limits = limits;
        this.clock = clock;
        this.connectTimeout = client.connectTimeout().orElse(limits.idleTimeout());
    }

    /**
     * Fetches {@code uri} into {@code part}, appending when the server honours the range request.
     *
     * @param expectedBytes the published size, or -1 when unknown: more bytes than this are refused while streaming
     * @return the size of the complete file
     * @throws DownloadFailure for every failure, with its cause named
     */
    public long fetch(URI uri, Path part, long expectedBytes, SpaceCheck space, Progress progress)
            throws DownloadFailure {
        long existing;
        try {
            existing = Files.exists(part) ? Files.size(part) : 0L;
            if (expectedBytes >= 0 && existing > expectedBytes) {
                // Left by an older catalog or a misbehaving server: it cannot be a prefix of the file.
                Files.delete(part);
                existing = 0L;
            }
        } catch (IOException e) {
            throw DownloadFailure.fileSystem(e, part.getParent());
        }
        if (expectedBytes >= 0 && existing == expectedBytes) {
            return existing;
        }
        HttpRequest.Builder rb = HttpRequest.newBuilder(uri).timeout(limits.idleTimeout())
                .header("User-Agent", "voicechat-model-store").GET();
        if (existing > 0) {
            rb.header("Range", "bytes=" + existing + "-");
        }
        long from = existing;
        AtomicReference<FileSubscriber> sinkRef = new AtomicReference<>();
        long startNanos = clock.nanoTime();
        long startRealNanos = System.nanoTime();
        CompletableFuture<HttpResponse<Long>> future = client.sendAsync(rb.build(),
                info -> subscriber(uri, part, from, expectedBytes, info, space, progress, sinkRef));
        HttpResponse<Long> response = await(uri, future, sinkRef, startNanos, startRealNanos);
        return response.body();
    }

    private HttpResponse.BodySubscriber<Long> subscriber(URI uri, Path part, long existing, long expected,
                                                         HttpResponse.ResponseInfo info, SpaceCheck space,
                                                         Progress progress, AtomicReference<FileSubscriber> sinkRef) {
        int sc = info.statusCode();
        HttpHeaders h = info.headers();
        boolean append;
        long total;
        if (sc == 206 && existing > 0) {
            Matcher m = CONTENT_RANGE.matcher(h.firstValue("Content-Range").orElse(""));
            if (!m.matches() || Long.parseLong(m.group(1)) != existing) {
                return refuse(discardPartial(part, DownloadFailure.of(Reason.IO, "server answered the resume request"
                        + " with the range '" + h.firstValue("Content-Range").orElse("") + "', not bytes " + existing
                        + "-; partial file discarded, starting over", null)));
            }
            append = true;
            total = m.group(3).equals("*") ? -1L : Long.parseLong(m.group(3));
        } else if (sc == 200) {
            append = false;
            total = h.firstValueAsLong("Content-Length").orElse(-1L);
        } else if (sc == 416 && existing > 0) {
            Matcher m = UNSATISFIED_RANGE.matcher(h.firstValue("Content-Range").orElse(""));
            if (m.matches() && Long.parseLong(m.group(1)) == existing) {
                // The partial file already holds the whole file (the last attempt ended before the move).
                return complete(existing);
            }
            return refuse(discardPartial(part, DownloadFailure.of(Reason.IO, "server cannot resume at byte "
                    + existing + " (HTTP 416); partial file discarded, starting over", null)));
        } else {
            return refuse(DownloadFailure.httpStatus(sc, uri, retryAfter(h)));
        }
        if (expected >= 0 && total >= 0 && total != expected) {
            return refuse(DownloadFailure.wrongSize("server announces " + total + " bytes for " + uri
                    + " but the catalog says " + expected + "; refusing it before reading the body"));
        }
        long fileSize = expected >= 0 ? expected : total;
        try {
            if (fileSize >= 0) {
                space.require(fileSize - (append ? existing : 0));
            }
        } catch (IOException e) {
            return refuse(DownloadFailure.fileSystem(e, part.getParent()));
        }
        long cap = fileSize >= 0 ? fileSize : limits.maxUnknownSizeBytes();
        FileSubscriber s = new FileSubscriber(uri, part, append, append ? existing : 0L, fileSize, cap, progress);
        sinkRef.set(s);
        return s;
    }

    private static DownloadFailure discardPartial(Path part, DownloadFailure f) {
        try {
            Files.deleteIfExists(part);
        } catch (IOException e) {
            f.addSuppressed(e);
        }
        return f;
    }

    private static Duration retryAfter(HttpHeaders h) {
        return h.firstValue("Retry-After").filter(v -> v.matches("\\d{1,9}"))
                .map(v -> Duration.ofSeconds(Long.parseLong(v))).orElse(null);
    }

    private HttpResponse<Long> await(URI uri, CompletableFuture<HttpResponse<Long>> future,
                                     AtomicReference<FileSubscriber> sinkRef, long startNanos, long startRealNanos)
            throws DownloadFailure {
        long idleNanos = limits.idleTimeout().toNanos();
        long pollMs = clock.isVirtual() ? 5L : Math.max(10L, Math.min(250L, limits.idleTimeout().toMillis() / 4));
        while (true) {
            try {
                return future.get(pollMs, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                FileSubscriber s = sinkRef.get();
                long now = clock.nanoTime();
                long last = s == null ? startNanos : Math.max(startNanos, s.lastDataNanos);
                // On a virtual clock the idle rule also holds in real time: a test whose server hangs fails, not hangs.
                long realLast = s == null ? startRealNanos : Math.max(startRealNanos, s.lastDataRealNanos);
                boolean realIdle = clock.isVirtual() && System.nanoTime() - realLast > idleNanos;
                DownloadFailure failure = null;
                if (now - last > idleNanos || realIdle) {
                    failure = DownloadFailure.of(Reason.TIMEOUT, "no data from " + uri + " for "
                            + limits.idleTimeout().toMillis() + " ms" + (s == null
                            ? " (waiting for response headers)"
                            : " after " + s.written + " bytes; the partial file is kept for resuming"), null);
                } else if (s != null) {
                    failure = s.checkRate(now);
                }
                if (failure != null) {
                    if (s != null) {
                        s.abort(failure);
                    }
                    future.cancel(true);
                    throw failure;
                }
            } catch (ExecutionException e) {
                FileSubscriber s = sinkRef.get();
                DownloadFailure f = DownloadFailure.classify(e.getCause(), uri, connectTimeout);
                if (s != null && s.written > s.startBytes && f.reason() == Reason.IO && !f.integrity()) {
                    // The body broke off. The JDK's "fixed content-length: N, bytes received: M" says nothing more
                    // than our figures; anything else ("Connection reset") is worth keeping.
                    String jdk = f.getMessage().startsWith("fixed content-length") ? "" : " (" + f.getMessage() + ")";
                    f = DownloadFailure.of(Reason.CONNECTION_CLOSED, "connection to " + uri + " closed after "
                            + s.written + (s.total >= 0 ? " of " + s.total : "") + " bytes" + jdk
                            + "; the partial file is kept for resuming", e.getCause());
                }
                throw f;
            } catch (InterruptedException e) {
                future.cancel(true);
                FileSubscriber s = sinkRef.get();
                DownloadFailure f = DownloadFailure.classify(e, uri, connectTimeout);
                if (s != null) {
                    s.abort(f);
                }
                Thread.currentThread().interrupt();
                throw f;
            }
        }
    }

    private static HttpResponse.BodySubscriber<Long> refuse(DownloadFailure failure) {
        return new Finished(failure, 0L);
    }

    private static HttpResponse.BodySubscriber<Long> complete(long size) {
        return new Finished(null, size);
    }

    /**
     * Cancels the body at once: {@code BodySubscribers.replacing} would read and discard all of it, which for a
     * server sending 50 MB instead of 1000 bytes is the very thing to avoid.
     */
    private static final class Finished implements HttpResponse.BodySubscriber<Long> {
        private final CompletableFuture<Long> result = new CompletableFuture<>();
        private final DownloadFailure failure;
        private final long value;

        Finished(DownloadFailure failure, long value) {
            this.failure = failure;
            this.value = value;
        }

        @Override
        public CompletionStage<Long> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.cancel();
            finish();
        }

        @Override
        public void onNext(List<ByteBuffer> item) {
        }

        @Override
        public void onError(Throwable throwable) {
            result.completeExceptionally(failure != null ? failure : throwable);
        }

        @Override
        public void onComplete() {
            finish();
        }

        private void finish() {
            if (failure != null) {
                result.completeExceptionally(failure);
            } else {
                result.complete(value);
            }
        }
    }

    /** Writes the body to the partial file as it arrives; one buffer list at a time, so memory stays bounded. */
    private final class FileSubscriber implements HttpResponse.BodySubscriber<Long> {
        private final URI uri;
        private final Path part;
        private final boolean append;
        private final long total;
        private final long cap;
        private final Progress progress;
        private final CompletableFuture<Long> result = new CompletableFuture<>();
        private final long startNanos = clock.nanoTime();
        private final long startBytes;
        private volatile Flow.Subscription subscription;
        private volatile long lastDataNanos = startNanos;
        private volatile long lastDataRealNanos = System.nanoTime();
        private volatile long written;
        private FileChannel channel;
        private long windowStartNanos = startNanos;
        private long windowStartBytes;

        FileSubscriber(URI uri, Path part, boolean append, long existing, long total, long cap, Progress progress) {
            this.uri = uri;
            this.part = part;
            this.append = append;
            this.startBytes = existing;
            this.windowStartBytes = existing;
            this.written = existing;
            this.total = total;
            this.cap = cap;
            this.progress = progress;
        }

        @Override
        public CompletionStage<Long> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            try {
                channel = append
                        ? FileChannel.open(part, StandardOpenOption.WRITE, StandardOpenOption.APPEND)
                        : FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING);
            } catch (IOException e) {
                s.cancel();
                result.completeExceptionally(DownloadFailure.fileSystem(e, part.getParent()));
                return;
            }
            progress.update(written, total);
            s.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            long incoming = 0;
            for (ByteBuffer b : buffers) {
                incoming += b.remaining();
            }
            if (written + incoming > cap) {
                // The store deletes the partial file on this failure, after the channel is closed.
                abort(DownloadFailure.wrongSize("server sent more than the " + cap + " bytes "
                        + (total >= 0 ? "the file has" : "allowed for a file of unknown size") + " from " + uri
                        + "; stopped at " + written + " bytes and discarded them"));
                return;
            }
            try {
                for (ByteBuffer b : buffers) {
                    while (b.hasRemaining()) {
                        written += channel.write(b);
                    }
                }
            } catch (IOException e) {
                abort(DownloadFailure.fileSystem(e, part.getParent()));
                return;
            }
            lastDataNanos = clock.nanoTime();
            lastDataRealNanos = System.nanoTime();
            DownloadFailure slow = checkRate(lastDataNanos);
            if (slow != null) {
                abort(slow);
                return;
            }
            progress.update(written, total);
            subscription.request(1);
        }

        /**
         * The rate rule, checked on each arrival and by the watchdog: once a window has passed, fewer bytes than
         * {@code minBytesPerSecond} times its length means give up; otherwise a new window starts.
         */
        synchronized DownloadFailure checkRate(long now) {
            long elapsed = now - windowStartNanos;
            if (limits.minBytesPerSecond() <= 0 || elapsed < limits.rateWindow().toNanos()) {
                return null;
            }
            long got = written - windowStartBytes;
            double rate = got * 1e9 / elapsed;
            if (rate < limits.minBytesPerSecond()) {
                return DownloadFailure.of(Reason.TOO_SLOW, String.format(java.util.Locale.ROOT,
                        "transfer from %s too slow: %d bytes in the last %.0f s (%.1f B/s, minimum %d B/s); the"
                                + " partial file is kept for resuming", uri, got, elapsed / 1e9, rate,
                        limits.minBytesPerSecond()), null);
            }
            windowStartNanos = now;
            windowStartBytes = written;
            return null;
        }

        @Override
        public void onError(Throwable t) {
            closeChannel();
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            try {
                if (channel != null) {
                    channel.force(false);
                }
            } catch (IOException e) {
                closeChannel();
                result.completeExceptionally(DownloadFailure.fileSystem(e, part.getParent()));
                return;
            }
            closeChannel();
            if (total >= 0 && written != total) {
                result.completeExceptionally(DownloadFailure.of(Reason.CONNECTION_CLOSED, "connection to " + uri
                        + " closed after " + written + " of " + total + " bytes; the partial file is kept for"
                        + " resuming", null));
                return;
            }
            result.complete(written);
        }

        void abort(IOException cause) {
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
            closeChannel();
            result.completeExceptionally(cause);
        }

        private synchronized void closeChannel() {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // Nothing more to write; the partial file length is what resumption trusts.
                }
            }
        }
    }
}
