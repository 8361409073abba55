package io.github.voicechat.models.internal;

import io.github.voicechat.models.ModelDownloadException.Reason;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One failed download attempt, with its cause named and classified: whether another attempt can succeed, whether
 * the partial file must go, and whether the bytes themselves are wrong (an integrity failure, not a transport one).
 *
 * <p>Why the classification digs: the JDK {@link java.net.http.HttpClient} reports an unknown host and a refused
 * connection alike as a {@link ConnectException} with a null message (the detail is a cause further down, or lost),
 * which is how "failed after 4 attempt(s): null" came about.
 */
public final class DownloadFailure extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Reason reason;
    private final boolean retryable;
    private final int httpStatus;
    private final transient Duration retryAfter;
    private final boolean integrity;

    private DownloadFailure(Reason reason, boolean retryable, int httpStatus, Duration retryAfter, boolean integrity,
                            String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.retryable = retryable;
        this.httpStatus = httpStatus;
        this.retryAfter = retryAfter;
        this.integrity = integrity;
    }

    public static DownloadFailure of(Reason reason, String message, Throwable cause) {
        return new DownloadFailure(reason, reason.retriedByDefault(), -1, null, false, message, cause);
    }

    /** The server answered {@code status}; 408, 425, 429 and 5xx are worth another attempt. */
    public static DownloadFailure httpStatus(int status, URI uri, Duration retryAfter) {
        boolean retry = status == 408 || status == 425 || status == 429 || status >= 500;
        return new DownloadFailure(Reason.HTTP_STATUS, retry, status, retryAfter, false,
                "HTTP " + status + " from " + uri, null);
    }

    /** The server sends bytes that cannot be the published file (too many, or a different announced size). */
    public static DownloadFailure wrongSize(String message) {
        return new DownloadFailure(Reason.IO, false, -1, null, true, message, null);
    }

    public Reason reason() {
        return reason;
    }

    public boolean retryable() {
        return retryable;
    }

    /** The HTTP status for {@link Reason#HTTP_STATUS}, else -1. */
    public int status() {
        return httpStatus;
    }

    /** The server's {@code Retry-After}, or null. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** Whether the bytes are wrong rather than the transfer: the partial file is discarded and nothing retried. */
    public boolean integrity() {
        return integrity;
    }

    /**
     * Names the cause of {@code t}, a failure while fetching {@code uri} (or writing into the model home when
     * {@code uri} is null). Never returns a message that is just "null".
     */
    public static DownloadFailure classify(Throwable t, URI uri, Duration connectTimeout) {
        DownloadFailure known = find(t, DownloadFailure.class);
        if (known != null) {
            return known;
        }
        String where = uri == null ? "" : hostPort(uri);
        if (has(t, UnresolvedAddressException.class) || has(t, UnknownHostException.class)) {
            return of(Reason.UNKNOWN_HOST, "unknown host " + (uri == null ? "" : uri.getHost())
                    + " (the name does not resolve: check the URL, the mirror and the network)", t);
        }
        if (has(t, HttpConnectTimeoutException.class)) {
            return of(Reason.TIMEOUT, "no connection to " + where + " within " + connectTimeout.toMillis() + " ms", t);
        }
        if (has(t, HttpTimeoutException.class)) {
            return of(Reason.TIMEOUT, "no response from " + where + " (timeout: " + detail(t) + ")", t);
        }
        if (has(t, java.net.SocketTimeoutException.class)) {
            return of(Reason.TIMEOUT, "timeout talking to " + where + ": " + detail(t), t);
        }
        if (has(t, InterruptedIOException.class) || has(t, InterruptedException.class)
                || has(t, java.nio.channels.ClosedByInterruptException.class)) {
            return of(Reason.INTERRUPTED, "interrupted while downloading" + (uri == null ? "" : " from " + where)
                    + "; the partial file is kept for resuming", t);
        }
        SSLException ssl = find(t, SSLException.class);
        if (ssl != null) {
            return of(Reason.TLS, "TLS handshake with " + where + " failed: " + detail(ssl), t);
        }
        if (has(t, NoRouteToHostException.class)) {
            return of(Reason.CONNECT_FAILED, "no route to host " + where, t);
        }
        if (uri != null && has(t, ConnectException.class)) {
            return connectFailure(t, uri, connectTimeout);
        }
        if (t instanceof IOException io) {
            return fileSystem(io, null);
        }
        return of(Reason.IO, detail(t), t);
    }

    /** A failure writing into the model home: disk full, permission denied, or another file-system error. */
    public static DownloadFailure fileSystem(IOException e, Path dir) {
        if (e instanceof DownloadFailure f) {
            return f;
        }
        if (isDiskFull(e)) {
            String free = "";
            if (dir != null) {
                try {
                    free = "; " + Files.getFileStore(dir).getUsableSpace() + " bytes free in " + dir;
                } catch (IOException ignored) {
                    // The message stands without the figure.
                }
            }
            return of(Reason.DISK_FULL, "disk full (" + detail(e) + ")" + free, e);
        }
        AccessDeniedException denied = find(e, AccessDeniedException.class);
        if (denied != null) {
            return of(Reason.PERMISSION_DENIED, "permission denied: " + denied.getFile()
                    + (denied.getOtherFile() == null ? "" : " -> " + denied.getOtherFile()), e);
        }
        return of(Reason.IO, detail(e), e);
    }

    /**
     * The HTTP client says only "ConnectException: null". One plain socket connect to the same address asks the
     * operating system for the reason (refused, unreachable); it runs only after a failure, so it costs nothing on
     * the good path.
     */
    private static DownloadFailure connectFailure(Throwable t, URI uri, Duration connectTimeout) {
        String where = hostPort(uri);
        int probeMs = (int) Math.min(3000, Math.max(1, connectTimeout.toMillis()));
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(uri.getHost(), port(uri)), probeMs);
            return of(Reason.CONNECT_FAILED, "cannot connect to " + where + " (" + detail(t)
                    + "; the address accepts connections now)", t);
        } catch (ConnectException refused) {
            String m = refused.getMessage() == null ? "" : refused.getMessage();
            if (m.toLowerCase(java.util.Locale.ROOT).contains("refused")) {
                return of(Reason.CONNECTION_REFUSED, "connection refused by " + where + " (nothing listens there)", t);
            }
            return of(Reason.CONNECT_FAILED, "cannot connect to " + where + ": " + detail(refused), t);
        } catch (java.net.SocketTimeoutException timeout) {
            return of(Reason.TIMEOUT, "no connection to " + where + " within " + probeMs + " ms", t);
        } catch (IOException other) {
            return of(Reason.CONNECT_FAILED, "cannot connect to " + where + ": " + detail(other), t);
        }
    }

    static boolean isDiskFull(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            String msg = c.getMessage();
            if (msg != null && (msg.contains("No space left on device") || msg.contains("Disk quota exceeded")
                    || msg.contains("There is not enough space on the disk"))) {
                return true;
            }
        }
        return false;
    }

    /** The most specific message in the cause chain, with its type when the message alone would be unclear. */
    public static String detail(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof FileSystemException fs) {
                return (fs.getReason() == null ? fs.getClass().getSimpleName() : fs.getReason()) + ": " + fs.getFile();
            }
            String m = c.getMessage();
            if (m != null && !m.isBlank() && !m.equals(String.valueOf(c.getCause()))) {
                return c instanceof IOException && c.getClass() != IOException.class
                        && !(c instanceof DownloadFailure) && !(c instanceof SSLException)
                        ? c.getClass().getSimpleName() + ": " + m : m;
            }
        }
        return t.getClass().getSimpleName() + " (no detail given)";
    }

    private static String hostPort(URI uri) {
        return uri.getHost() + ":" + port(uri);
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
    }

    private static boolean has(Throwable t, Class<? extends Throwable> type) {
        return find(t, type) != null;
    }

    private static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }
}
