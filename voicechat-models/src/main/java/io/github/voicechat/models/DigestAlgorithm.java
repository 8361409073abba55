package io.github.voicechat.models;

import java.util.Locale;

/** Digest algorithms a publisher may state for a model file, strongest first. */
public enum DigestAlgorithm {
    SHA256("sha256", "SHA-256", 64),
    SHA1("sha1", "SHA-1", 40),
    MD5("md5", "MD5", 32);

    private final String catalogName;
    private final String jcaName;
    private final int hexLength;

    DigestAlgorithm(String catalogName, String jcaName, int hexLength) {
        this.catalogName = catalogName;
        this.jcaName = jcaName;
        this.hexLength = hexLength;
    }

    /** The key used in {@code catalog.json} ({@code sha256}, {@code sha1}, {@code md5}). */
    public String catalogName() {
        return catalogName;
    }

    /** The name for {@link java.security.MessageDigest#getInstance(String)}. */
    public String jcaName() {
        return jcaName;
    }

    public int hexLength() {
        return hexLength;
    }

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
