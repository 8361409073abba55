package io.github.voicechat.models;

import java.util.Locale;
import java.util.Objects;

/**
 * A published digest of a file: the algorithm and the lowercase hex value.
 *
 * @param algorithm which hash
 * @param hex       lowercase hex, exactly {@link DigestAlgorithm#hexLength()} characters
 */
public record Digest(DigestAlgorithm algorithm, String hex) {
    /**
     * Lower-cases the hex and checks its length and digits.
     *
     * @param algorithm which hash
     * @param hex       lowercase hex, exactly {@link DigestAlgorithm#hexLength()} characters
     */
    public Digest {
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(hex, "hex");
        hex = hex.toLowerCase(Locale.ROOT);
        if (hex.length() != algorithm.hexLength() || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new IllegalArgumentException(algorithm.catalogName() + " digest must be " + algorithm.hexLength()
                    + " hex characters, was '" + hex + "' (" + hex.length() + " characters)");
        }
    }

    @Override
    public String toString() {
        return algorithm.catalogName() + ":" + hex;
    }
}
