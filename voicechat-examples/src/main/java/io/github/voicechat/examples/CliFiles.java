package io.github.voicechat.examples;

import io.github.voicechat.audio.WavFormatException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The command line's file rules: an input or output path is checked before any engine loads, every message names the
 * file and the problem, and text files are written to a temporary file beside the target and moved into place.
 */
final class CliFiles {

    private CliFiles() {
    }

    /** A file to read: it exists, is a regular file and is readable; else a usage error naming it. */
    static Path requireInput(Path path) {
        if (Files.isDirectory(path)) {
            throw CliException.usage(path + ": is a directory, not a file");
        }
        if (!Files.exists(path)) {
            throw CliException.usage(path + ": no such file");
        }
        if (!Files.isReadable(path)) {
            throw CliException.usage(path + ": permission denied (cannot read it)");
        }
        return path;
    }

    /** A file to (re)write: not a directory, in an existing folder we may write in. */
    static Path requireOutput(Path path, String what) {
        if (Files.isDirectory(path)) {
            throw CliException.usage(what + " " + path + ": is a directory, not a file to write");
        }
        Path folder = path.toAbsolutePath().getParent();
        if (folder == null || !Files.isDirectory(folder)) {
            throw CliException.usage(what + " " + path + ": its folder " + folder + " does not exist");
        }
        if (!Files.isWritable(folder)) {
            throw CliException.usage(what + " " + path + ": cannot write in " + folder + " (permission denied)");
        }
        if (Files.exists(path) && !Files.isWritable(path)) {
            throw CliException.usage(what + " " + path + ": the file exists and is read-only");
        }
        return path;
    }

    /** One line for an I/O failure, naming the file: Java's own messages are often just the path. */
    static String describe(IOException e) {
        if (e instanceof WavFormatException) {
            return e.getMessage(); // names the file already
        }
        if (e instanceof NoSuchFileException f) {
            return f.getFile() + ": " + (f.getReason() != null ? f.getReason() : "no such file");
        }
        if (e instanceof AccessDeniedException f) {
            return f.getFile() + ": permission denied";
        }
        if (e instanceof FileSystemException f && f.getFile() != null) {
            String reason = f.getReason() != null ? f.getReason() : e.getClass().getSimpleName();
            return f.getFile() + (f.getOtherFile() != null ? " -> " + f.getOtherFile() : "") + ": " + reason;
        }
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    /**
     * Writes {@code text} to a temporary file beside {@code path}, forces it to disk and moves it into place; a
     * {@code path} that is a device or a pipe ({@code /dev/null}) is written through, since moving a file there would
     * replace the device itself.
     */
    static void writeAtomically(Path path, String text) throws IOException {
        if (Files.exists(path) && !Files.isRegularFile(path) && !Files.isDirectory(path)) {
            try {
                Files.writeString(path, text, StandardCharsets.UTF_8, StandardOpenOption.WRITE);
            } catch (IOException e) {
                throw String.valueOf(e.getMessage()).contains(path.toString()) ? e
                        : new IOException(path + ": " + e.getMessage(), e);
            }
            return;
        }
        Path folder = path.toAbsolutePath().getParent();
        // Not Files.createTempFile: that makes the file private (0600), and the report is an ordinary file.
        Path tmp = folder.resolve(path.getFileName() + "." + Long.toHexString(System.nanoTime() ^ ProcessHandle.current().pid())
                + ".part");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ch.write(StandardCharsets.UTF_8.encode(text));
                ch.force(true);
            }
            try {
                Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
