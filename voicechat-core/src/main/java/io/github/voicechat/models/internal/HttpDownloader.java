package io.github.voicechat.models.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.HttpRequest;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
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
 * the partial file already holds.
 *
 * <p>Why a body subscriber and a watchdog: the client's request timeout only covers the wait for the response
 * headers, and a blocking read of the body cannot time out. Writing from the subscriber and checking the time of
 * the last received bytes lets a stalled transfer be cancelled after {@code idleTimeout} (network waits are wall
 * time, so the system clock is right here, not the pipeline's virtual clock).
 */
public final class HttpDownloader {
    /** Called with bytes in the partial file so far and the total (-1 when unknown). */
    public interface Progress {
        void update(long bytesDone, long bytesTotal);
    }

    /** The server answered with a status that is neither 200 nor 206. */
    public static final class HttpStatusException extends IOException {
        private static final long serialVersionUID = 1L;
        private final int status;

        HttpStatusException(int status, URI uri) {
            super("HTTP " + status + " from " + uri);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /** No bytes arrived for longer than the idle timeout. */
    public static final class StalledException extends IOException {
        private static final long serialVersionUID = 1L;

        StalledException(String message) {
            super(message);
        }
    }

    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");

    private final HttpClient client;
    private final Duration idleTimeout;

    public HttpDownloader(HttpClient client, Duration idleTimeout) {
        this.client = client;
        this.idleTimeout = idleTimeout;
    }

    /**
     * Fetches {@code uri} into {@code part}, appending when the server honours the range request.
     *
     * @return the total size of the complete file
     */
    public long fetch(URI uri, Path part, Progress progress) throws IOException {
        long existing = Files.exists(part) ? Files.size(part) : 0L;
        HttpRequest.Builder rb = HttpRequest.newBuilder(uri).timeout(idleTimeout)
                .header("User-Agent", "voicechat-model-store").GET();
        if (existing > 0) {
            rb.header("Range", "bytes=" + existing + "-");
        }
        AtomicReference<FileSubscriber> sinkRef = new AtomicReference<>();
        long startNanos = System.nanoTime();
        CompletableFuture<HttpResponse<Long>> future = client.sendAsync(rb.build(), info -> {
            int sc = info.statusCode();
            long contentLength = info.headers().firstValueAsLong("Content-Length").orElse(-1L);
            if (sc == 206 && existing > 0) {
                Optional<String> cr = info.headers().firstValue("Content-Range");
                Matcher m = CONTENT_RANGE.matcher(cr.orElse(""));
                if (m.matches() && Long.parseLong(m.group(1)) == existing) {
                    long total = m.group(3).equals("*") ? -1L : Long.parseLong(m.group(3));
                    FileSubscriber s = new FileSubscriber(part, true, existing, total, progress);
                    sinkRef.set(s);
                    return s;
                }
                // A range we did not ask for: start over rather than corrupt the file.
                return HttpResponse.BodySubscribers.replacing(-2L);
            }
            if (sc == 200) {
                FileSubscriber s = new FileSubscriber(part, false, 0L, contentLength, progress);
                sinkRef.set(s);
                return s;
            }
            if (sc == 416 && existing > 0) {
                return HttpResponse.BodySubscribers.replacing(-416L);
            }
            return HttpResponse.BodySubscribers.replacing(-1L);
        });
        HttpResponse<Long> response = await(uri, future, sinkRef, startNanos);
        int sc = response.statusCode();
        long body = response.body();
        if (sc == 416 && body == -416L) {
            // Range not satisfiable at our offset: the partial file already holds the whole file.
            return existing;
        }
        if (body == -2L) {
            Files.deleteIfExists(part);
            throw new IOException("server sent an unexpected Content-Range for " + uri + "; partial file discarded");
        }
        if (sc != 200 && sc != 206) {
            throw new HttpStatusException(sc, uri);
        }
        return body;
    }

    private HttpResponse<Long> await(URI uri, CompletableFuture<HttpResponse<Long>> future,
                                     AtomicReference<FileSubscriber> sinkRef, long startNanos) throws IOException {
        long idleNanos = idleTimeout.toNanos();
        long pollMs = Math.max(10L, Math.min(250L, idleTimeout.toMillis() / 4));
        while (true) {
            try {
                return future.get(pollMs, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                FileSubscriber s = sinkRef.get();
                long last = s == null ? startNanos : Math.max(startNanos, s.lastDataNanos);
                if (System.nanoTime() - last > idleNanos) {
                    StalledException stalled = new StalledException("no data from " + uri + " for "
                            + idleTimeout.toMillis() + " ms" + (s == null ? " (waiting for response headers)"
                            : " after " + s.written + " bytes; the partial file is kept for resuming"));
                    if (s != null) {
                        s.abort(stalled);
                    }
                    future.cancel(true);
                    throw stalled;
                }
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof HttpTimeoutException) {
                    throw new StalledException("no response from " + uri + " within " + idleTimeout.toMillis() + " ms");
                }
                if (c instanceof IOException io) {
                    throw io;
                }
                throw new IOException("download of " + uri + " failed: " + c, c);
            } catch (InterruptedException e) {
                future.cancel(true);
                FileSubscriber s = sinkRef.get();
                if (s != null) {
                    s.abort(new InterruptedIOException("interrupted"));
                }
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("download of " + uri + " interrupted");
            }
        }
    }

    /** Writes the body to the partial file as it arrives; one buffer list at a time, so memory stays bounded. */
    private static final class FileSubscriber implements HttpResponse.BodySubscriber<Long> {
        private final Path part;
        private final boolean append;
        private final long total;
        private final Progress progress;
        private final CompletableFuture<Long> result = new CompletableFuture<>();
        private volatile Flow.Subscription subscription;
        private volatile long lastDataNanos = System.nanoTime();
        private volatile long written;
        private FileChannel channel;

        FileSubscriber(Path part, boolean append, long existing, long total, Progress progress) {
            this.part = part;
            this.append = append;
            this.written = existing;
            this.total = total;
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
                result.completeExceptionally(e);
                return;
            }
            progress.update(written, total);
            s.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            try {
                for (ByteBuffer b : buffers) {
                    while (b.hasRemaining()) {
                        written += channel.write(b);
                    }
                }
            } catch (IOException e) {
                abort(e);
                return;
            }
            lastDataNanos = System.nanoTime();
            progress.update(written, total);
            subscription.request(1);
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
                result.completeExceptionally(e);
                return;
            }
            closeChannel();
            if (total >= 0 && written != total) {
                result.completeExceptionally(new IOException("connection closed after " + written + " of " + total
                        + " bytes; the partial file is kept for resuming"));
                return;
            }
            result.complete(total >= 0 ? total : written);
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
