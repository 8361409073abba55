package io.github.voicechat.models;

import java.net.URI;

/**
 * A download or install failed: an HTTP error status, a timeout or stall, a connection failure, a TLS failure, or a
 * disk that is full or not writable. The message names the cause; {@link #reason()} says it as a value.
 */
public class ModelDownloadException extends ModelException {
    private static final long serialVersionUID = 1L;

    /** What went wrong, as a value a program can act on. */
    public enum Reason {
        /** The host name does not resolve (not retried). */
        UNKNOWN_HOST(false),
        /** Nothing listens at the address (retried: a server may be restarting). */
        CONNECTION_REFUSED(true),
        /** Any other failure to connect: unreachable network, reset during set-up (retried). */
        CONNECT_FAILED(true),
        /** No connection, no response headers or no body bytes within the timeout (retried, resuming). */
        TIMEOUT(true),
        /** Bytes arrive, but slower than the minimum transfer rate (retried, resuming). */
        TOO_SLOW(true),
        /** The connection closed before the whole file arrived (retried, resuming). */
        CONNECTION_CLOSED(true),
        /** The TLS handshake failed: certificate, protocol or a plain-HTTP server on an https URL (not retried). */
        TLS(false),
        /** The server answered with an error status; 408, 429 and 5xx are retried, the rest are not. */
        HTTP_STATUS(false),
        /** The disk is full, or has less free space than the file needs (not retried). */
        DISK_FULL(false),
        /** The model home, or a file in it, is not writable (not retried). */
        PERMISSION_DENIED(false),
        /** The pulling thread was interrupted; the partial file is kept for resuming (not retried). */
        INTERRUPTED(false),
        /** Another input/output failure; the message carries the details (retried). */
        IO(true);

        private final boolean retriedByDefault;

        Reason(boolean retriedByDefault) {
            this.retriedByDefault = retriedByDefault;
        }

        /**
         * {@return whether a failure of this kind is worth another attempt} For HTTP statuses see
         * {@link ModelDownloadException#httpStatus()}.
         */
        public boolean retriedByDefault() {
            return retriedByDefault;
        }
    }

    /** The URL being fetched, or null. */
    private final URI url;
    /** The HTTP error status, or -1. */
    private final int httpStatus;
    /** What went wrong. */
    private final Reason reason;
    /** Attempts made before giving up. */
    private final int attempts;

    /**
     * A failed download or install.
     *
     * @param modelId    the model
     * @param url        the URL being fetched, or null when the failure was in the model home itself
     * @param reason     what went wrong
     * @param httpStatus the HTTP status when the server answered with an error, else -1
     * @param attempts   how many attempts were made before giving up
     * @param message    the cause in words
     * @param cause      the underlying exception, or null
     */
    public ModelDownloadException(String modelId, URI url, Reason reason, int httpStatus, int attempts,
                                  String message, Throwable cause) {
        super(modelId, message, cause);
        this.url = url;
        this.httpStatus = httpStatus;
        this.reason = reason;
        this.attempts = attempts;
    }

    /** {@return the URL being fetched, or null when the failure was in the model home itself} */
    public URI url() {
        return url;
    }

    /** {@return the HTTP status when the server answered with an error, else -1} */
    public int httpStatus() {
        return httpStatus;
    }

    /** {@return what went wrong, as a value} */
    public Reason reason() {
        return reason;
    }

    /** {@return how many attempts were made before giving up (0 when it failed before the first request)} */
    public int attempts() {
        return attempts;
    }
}
