package io.github.voicechat.models.internal;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.voicechat.models.ArchiveFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link Archives#extract} on arbitrary bytes as zip, tar, tar.gz or tar.bz2 (the first byte picks the format, the
 * rest is the archive).
 *
 * <p>What must hold: the only exception is an {@link IOException}; whatever the archive says, nothing is written
 * outside the target folder and no link is created; every file reported exists under the target. The target sits
 * three folders deep in a sandbox, so an entry that climbs out of it is seen. Regression inputs:
 * {@code ArchivesFuzzTestInputs/}; fuzzing: benchmarks/FUZZING.md.
 */
class ArchivesFuzzTest {

    private static final ArchiveFormat[] FORMATS = ArchiveFormat.values();

    private static Path sandbox;
    private static Path archive;
    private static Path target;

    @BeforeAll
    static void createSandbox() throws IOException {
        // In memory (tmpfs) where the machine has one: each input writes, extracts, walks and deletes a tree, and
        // on this project's disk that made the target ~20x slower (FUZZING.md); what is checked is the same.
        Path shm = Path.of("/dev/shm");
        sandbox = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "archives-fuzz")
                : Files.createTempDirectory("archives-fuzz");
        archive = sandbox.resolve("archive.bin");
        target = sandbox.resolve("a").resolve("b").resolve("target");
    }

    @AfterAll
    static void deleteSandbox() throws IOException {
        deleteTree(sandbox);
    }

    @FuzzTest(maxDuration = "10m")
    void extractsInsideTheFolderOrRefuses(byte[] input) throws IOException {
        if (input.length == 0) {
            return;
        }
        ArchiveFormat format = FORMATS[(input[0] & 0xff) % FORMATS.length];
        Files.write(archive, java.util.Arrays.copyOfRange(input, 1, input.length));
        deleteTree(sandbox.resolve("a"));
        List<String> files = null;
        try {
            files = Archives.extract(archive, format, target);
        } catch (IOException e) {
            if (e.getMessage() == null || e.getMessage().isBlank()) {
                throw new AssertionError("refused without saying why: " + e, e);
            }
        }
        List<Path> outside = new ArrayList<>();
        try (Stream<Path> all = Files.walk(sandbox)) {
            all.forEach(p -> {
                if (Files.isSymbolicLink(p)) {
                    throw new AssertionError("extraction created a link: " + p);
                }
                boolean allowed = p.equals(sandbox) || p.equals(archive) || p.startsWith(target)
                        || target.startsWith(p);
                if (!allowed) {
                    outside.add(p);
                }
            });
        }
        if (!outside.isEmpty()) {
            throw new AssertionError("written outside " + target + ": " + outside);
        }
        if (files != null) {
            for (String f : files) {
                Path p = target.resolve(f).normalize();
                if (!p.startsWith(target) || p.equals(target) || !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    throw new AssertionError("reported file '" + f + "' is not a file inside " + target);
                }
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
