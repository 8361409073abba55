package io.github.voicechat.models;

import java.net.URI;

/** A download failed: HTTP error status, timeout, connection failure or disk full. */
public class ModelDownloadException extends ModelException {
    private static final long serialVersionUID = 1L;

    private final URI url;
    private final int httpStatus;

    public ModelDownloadException(String modelId, URI url, int httpStatus, String message, Throwable cause) {
        super(modelId, message, cause);
        this.url = url;
        this.httpStatus = httpStatus;
    }

    public URI url() {
        return url;
    }

    /** The HTTP status when the server answered with an error, else -1. */
    public int httpStatus() {
        return httpStatus;
    }
}
