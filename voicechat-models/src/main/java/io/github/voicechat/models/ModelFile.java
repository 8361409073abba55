package io.github.voicechat.models;

import io.github.voicechat.models.internal.Printable;
import java.net.URI;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One file of a model as the catalog describes it.
 *
 * @param path      path relative to the model's folder ({@code ggml-base.en.bin}); for an archive, the folder it is
 *                  extracted into
 * @param url       where to download it, or null when it only ships on the classpath
 * @param classpath classpath resource name when an artifact ships it, else null
 * @param sizeBytes published size, or null when unknown
 * @param digests   published digests (any of sha256, sha1, md5); empty when the publisher states none
 * @param archive   archive format of the download, or null for a plain file
 */
public record ModelFile(String path, URI url, String classpath, Long sizeBytes, List<Digest> digests,
                        ArchiveFormat archive) {
    /**
     * Copies the digests and checks the path (relative, no {@code ..}), the size and the URL's scheme.
     *
     * @param path      path relative to the model's folder ({@code ggml-base.en.bin}); for an archive, the folder it is
     *                  extracted into
     * @param url       where to download it, or null when it only ships on the classpath
     * @param classpath classpath resource name when an artifact ships it, else null
     * @param sizeBytes published size, or null when unknown
     * @param digests   published digests (any of sha256, sha1, md5); empty when the publisher states none
     * @param archive   archive format of the download, or null for a plain file
     */
    public ModelFile {
        Objects.requireNonNull(path, "path");
        digests = List.copyOf(digests);
        if (path.isBlank() || path.startsWith("/") || path.contains("\\")
                || List.of(path.split("/")).contains("..")) {
            throw new IllegalArgumentException("model file path must be relative without '..', was '"
                    + Printable.of(path) + "'");
        }
        // One spelling per file, strictly inside the model's folder: a '.' or empty segment would name the folder
        // itself ("."), or one file twice ("a//b" and "a/b"); a control character (a NUL) is no file name at all.
        if (List.of(path.split("/", -1)).stream().anyMatch(seg -> seg.isEmpty() || seg.equals("."))) {
            throw new IllegalArgumentException("model file path must not have '.' or empty segments, was '"
                    + Printable.of(path) + "'");
        }
        if (path.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("model file path must not contain control characters, was '"
                    + Printable.of(path) + "'");
        }
        if (sizeBytes != null && sizeBytes < 0) {
            throw new IllegalArgumentException("size of " + path + " must be >= 0, was " + sizeBytes);
        }
        if (url != null && !("https".equals(url.getScheme()) || "http".equals(url.getScheme()))) {
            throw new IllegalArgumentException("url of " + path + " must be http(s), was " + url);
        }
    }

    /**
     * {@return a plain downloadable file}
     *
     * @param path      path relative to the model's folder
     * @param url       where to download it
     * @param sizeBytes published size, or null when unknown
     * @param digests   published digests
     */
    public static ModelFile download(String path, URI url, Long sizeBytes, Digest... digests) {
        return new ModelFile(path, url, null, sizeBytes, List.of(digests), null);
    }

    /** {@return the digest verification uses: the strongest one published} */
    public Optional<Digest> strongestDigest() {
        return digests.stream().min(Comparator.comparingInt(d -> d.algorithm().ordinal()));
    }

    /**
     * {@return the published digest of that algorithm, if any}
     *
     * @param algorithm the hash
     */
    public Optional<Digest> digest(DigestAlgorithm algorithm) {
        return digests.stream().filter(d -> d.algorithm() == algorithm).findFirst();
    }

    /** {@return the file name part of {@link #path()}} */
    public String fileName() {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? path : path.substring(slash + 1);
    }
}
