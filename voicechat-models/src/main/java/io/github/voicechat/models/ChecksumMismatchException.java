package io.github.voicechat.models;

import java.nio.file.Path;

/** A file's digest differs from the published (or recorded) one. A fresh download is kept aside, never used. */
public final class ChecksumMismatchException extends ModelIntegrityException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final Digest expected;
    private final Digest actual;
    private final transient Path keptAt;

    public ChecksumMismatchException(String modelId, String file, Digest expected, Digest actual, Path keptAt) {
        super(modelId, "checksum mismatch for " + modelId + "/" + file + ": expected " + expected + " but was "
                + actual.hex() + (keptAt == null ? "" : "; the download was kept aside at " + keptAt + " and not used"));
        this.file = file;
        this.expected = expected;
        this.actual = actual;
        this.keptAt = keptAt;
    }

    public String file() {
        return file;
    }

    public Digest expected() {
        return expected;
    }

    public Digest actual() {
        return actual;
    }

    /** Where the rejected download was moved, or null when the file was checked in place. */
    public Path keptAt() {
        return keptAt;
    }
}
