package io.github.voicechat.models.internal;

import io.github.voicechat.models.Digest;
import io.github.voicechat.models.DigestAlgorithm;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;

/** Computes several digests of a stream in one pass (model files are large: read them once). */
public final class Hashing {
    private static final int BUFFER_BYTES = 1 << 16;

    private Hashing() {
    }

    public static Map<DigestAlgorithm, Digest> digest(Path file, Set<DigestAlgorithm> algorithms) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return digest(in, algorithms);
        }
    }

    public static Map<DigestAlgorithm, Digest> digest(InputStream in, Set<DigestAlgorithm> algorithms)
            throws IOException {
        Map<DigestAlgorithm, MessageDigest> mds = new EnumMap<>(DigestAlgorithm.class);
        for (DigestAlgorithm a : algorithms.isEmpty() ? EnumSet.of(DigestAlgorithm.SHA256) : algorithms) {
            mds.put(a, newDigest(a));
        }
        byte[] buf = new byte[BUFFER_BYTES];
        int n;
        while ((n = in.read(buf)) > 0) {
            for (MessageDigest md : mds.values()) {
                md.update(buf, 0, n);
            }
        }
        Map<DigestAlgorithm, Digest> out = new EnumMap<>(DigestAlgorithm.class);
        mds.forEach((a, md) -> out.put(a, new Digest(a, HexFormat.of().formatHex(md.digest()))));
        return out;
    }

    public static Digest sha256(Path file) throws IOException {
        return digest(file, EnumSet.of(DigestAlgorithm.SHA256)).get(DigestAlgorithm.SHA256);
    }

    public static Digest sha256(byte[] bytes) {
        return new Digest(DigestAlgorithm.SHA256, HexFormat.of().formatHex(newDigest(DigestAlgorithm.SHA256).digest(bytes)));
    }

    private static MessageDigest newDigest(DigestAlgorithm a) {
        try {
            return MessageDigest.getInstance(a.jcaName());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks " + a.jcaName(), e);
        }
    }
}
