package io.github.voicechat.models;

import java.util.Locale;

/** Digest algorithms a publisher may state for a model file, strongest first. */
public enum DigestAlgorithm {
    /** SHA-256. */
    SHA256("sha256", "SHA-256", 64),
    /** SHA-1, as whisper.cpp publishes for its ggml files. */
    SHA1("sha1", "SHA-1", 40),
    /** MD5, as Piper publishes for its voices (with the size). */
    MD5("md5", "MD5", 32);

    private final String catalogName;
    private final String jcaName;
    private final int hexLength;

    DigestAlgorithm(String catalogName, String jcaName, int hexLength) {
        this.catalogName = catalogName;
        this.jcaName = jcaName;
        this.hexLength = hexLength;
    }

    /** {@return the key used in {@code catalog.json} ({@code sha256}, {@code sha1}, {@code md5})} */
    public String catalogName() {
        return catalogName;
    }

    /** {@return the name for {@link java.security.MessageDigest#getInstance(String)}} */
    public String jcaName() {
        return jcaName;
    }

    /** {@return the length of a digest in hex characters} */
    public int hexLength() {
        return hexLength;
    }

    /**
     * {@return the algorithm a catalog names, in any case, with or without a dash ({@code SHA-256})}
     *
     * @param name {@code sha256}, {@code sha1} or {@code md5}
     * @throws IllegalArgumentException on any other name, listing the valid ones
     */
    public static DigestAlgorithm fromCatalogName(String name) {
        String n = name.toLowerCase(Locale.ROOT).replace("-", "");
        for (DigestAlgorithm a : values()) {
            if (a.catalogName.equals(n)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown digest algorithm '" + name + "', expected one of sha256, sha1, md5");
    }
}
