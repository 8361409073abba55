package io.github.voicechat.models;

import java.nio.file.Path;

/** A file's digest differs from the published (or recorded) one. A fresh download is kept aside, never used. */
public final class ChecksumMismatchException extends ModelIntegrityException {
    private static final long serialVersionUID = 1L;

    /** The file's path in the model. */
    private final String file;
    /** The digest published or recorded. */
    private final Digest expected;
    /** The digest of the bytes found. */
    private final Digest actual;
    private final transient Path keptAt;

    /**
     * A mismatch.
     *
     * @param modelId  the model
     * @param file     the file's path in the model
     * @param expected the digest published or recorded
     * @param actual   the digest of the bytes found
     * @param keptAt   where the rejected download was moved, or null when the file was checked in place
     */
    public ChecksumMismatchException(String modelId, String file, Digest expected, Digest actual, Path keptAt) {
        super(modelId, "checksum mismatch for " + modelId + "/" + file + ": expected " + expected + " but was "
                + actual.hex() + (keptAt == null ? "" : "; the download was kept aside at " + keptAt + " and not used"));
        this.file = file;
        this.expected = expected;
        this.actual = actual;
        this.keptAt = keptAt;
    }

    /** {@return the file's path in the model} */
    public String file() {
        return file;
    }

    /** {@return the digest published or recorded} */
    public Digest expected() {
        return expected;
    }

    /** {@return the digest of the bytes found} */
    public Digest actual() {
        return actual;
    }

    /** {@return where the rejected download was moved, or null when the file was checked in place} */
    public Path keptAt() {
        return keptAt;
    }
}
