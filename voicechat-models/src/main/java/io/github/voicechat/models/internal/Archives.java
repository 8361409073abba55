package io.github.voicechat.models.internal;

import io.github.voicechat.models.ArchiveFormat;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/**
 * Extracts zip, tar, tar.gz (JDK only) and tar.bz2 (needs commons-compress, an optional dependency) into a folder,
 * refusing any entry whose path would land outside it (zip-slip) and any link entry.
 *
 * <p>Tar is read here rather than through commons-compress so that the common formats need no extra jar: the
 * subset models use (ustar/GNU regular files and folders, GNU long names, PAX {@code path}) is small.
 */
public final class Archives {
    private Archives() {
    }

    /**
     * @return the extracted regular files, relative to {@code target} with '/' separators
     * @throws IOException naming the archive and what is wrong with it (truncated, corrupt, an entry that escapes)
     */
    public static List<String> extract(Path archive, ArchiveFormat format, Path target) throws IOException {
        Files.createDirectories(target);
        String what = format.catalogName() + " archive " + archive.getFileName();
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(archive), 1 << 16)) {
            return switch (format) {
                case ZIP -> unzip(raw, target);
                case TAR -> untar(raw, target);
                case TAR_GZ -> untar(new GZIPInputStream(raw, 1 << 16), target);
                case TAR_BZ2 -> untar(bzip2(raw), target);
            };
        } catch (EOFException e) {
            // The JDK's zip and gzip readers throw EOFException without a message: say which archive and what.
            EOFException named = new EOFException(what + " ends early (truncated)"
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
            named.initCause(e);
            throw named;
        } catch (IOException e) {
            if (e.getMessage() == null || e.getMessage().isBlank()) {
                throw new IOException(what + " is corrupt (" + e.getClass().getSimpleName() + ")", e);
            }
            throw e;
        }
    }

    private static InputStream bzip2(InputStream raw) throws IOException {
        try {
            Class.forName("org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream", false,
                    Archives.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IOException("tar.bz2 archives need org.apache.commons:commons-compress on the classpath"
                    + " (an optional dependency of voicechat-models); add it, or use a zip/tar.gz mirror", e);
        }
        return Bzip2.open(raw);
    }

    /** Kept apart so that Archives itself loads (and verifies) without commons-compress. */
    private static final class Bzip2 {
        static InputStream open(InputStream raw) throws IOException {
            return new org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream(raw, true);
        }
    }

    /** The destination of an entry, or an exception when it escapes {@code target}. */
    static Path safeResolve(Path target, String entryName) throws IOException {
        String name = entryName.replace('\\', '/');
        Path root = target.toAbsolutePath().normalize();
        Path dest;
        try {
            dest = root.resolve(name).normalize();
        } catch (java.nio.file.InvalidPathException e) {
            throw new IOException("archive entry '" + Printable.of(entryName) + "' is not a valid file name ("
                    + e.getReason() + "); refusing the archive", e);
        }
        if (name.startsWith("/") || name.matches("^[A-Za-z]:.*") || !dest.startsWith(root) || dest.equals(root)) {
            throw new IOException("archive entry '" + entryName + "' would be written outside " + root
                    + "; refusing the archive (path traversal)");
        }
        return dest;
    }

    private static List<String> unzip(InputStream in, Path target) throws IOException {
        List<String> files = new ArrayList<>();
        Path root = target.toAbsolutePath().normalize();
        try (ZipInputStream zin = new ZipInputStream(in)) {
            ZipEntry e;
            while ((e = nextEntry(zin)) != null) {
                Path dest = safeResolve(target, e.getName());
                if (e.isDirectory()) {
                    Files.createDirectories(dest);
                } else {
                    Files.createDirectories(dest.getParent());
                    Files.copy(zin, dest, StandardCopyOption.REPLACE_EXISTING);
                    files.add(root.relativize(dest).toString().replace('\\', '/'));
                }
            }
        }
        return files;
    }

    private static ZipEntry nextEntry(ZipInputStream zin) throws IOException {
        try {
            return zin.getNextEntry();
        } catch (IllegalArgumentException e) {
            // The JDK decodes entry names as UTF-8 and reports a bad name this way, outside IOException.
            throw new ZipException("zip entry name is not valid UTF-8 (" + e.getMessage() + "); refusing the archive");
        }
    }

    private static List<String> untar(InputStream in, Path target) throws IOException {
        List<String> files = new ArrayList<>();
        Path root = target.toAbsolutePath().normalize();
        byte[] header = new byte[512];
        String longName = null;
        String paxPath = null;
        while (true) {
            if (!readFully(in, header)) {
                break;
            }
            if (isZeroBlock(header)) {
                break;
            }
            String name = cString(header, 0, 100);
            long size = octal(header, 124, 12);
            char type = (char) header[156];
            String magic = cString(header, 257, 6);
            if (magic.startsWith("ustar")) {
                String prefix = cString(header, 345, 155);
                if (!prefix.isEmpty()) {
                    name = prefix + "/" + name;
                }
            }
            if (type == 'L') {
                longName = cString(readBytes(in, size), 0, (int) size);
                skipPadding(in, size);
                continue;
            }
            if (type == 'x') {
                paxPath = paxPath(new String(readBytes(in, size), StandardCharsets.UTF_8));
                skipPadding(in, size);
                continue;
            }
            if (type == 'g') {
                skipFully(in, size);
                skipPadding(in, size);
                continue;
            }
            if (paxPath != null) {
                name = paxPath;
            } else if (longName != null) {
                name = longName;
            }
            longName = null;
            paxPath = null;
            if (type == '1' || type == '2') {
                throw new IOException("archive entry '" + name + "' is a link; refusing the archive (links could point"
                        + " outside the model folder)");
            }
            if (name.equals("./") || name.equals(".")) {
                skipFully(in, size);
                skipPadding(in, size);
                continue;
            }
            Path dest = safeResolve(target, name);
            if (type == '5') {
                Files.createDirectories(dest);
            } else if (type == '0' || type == '\0' || type == '7') {
                Files.createDirectories(dest.getParent());
                Files.copy(new BoundedInputStream(in, size), dest, StandardCopyOption.REPLACE_EXISTING);
                files.add(root.relativize(dest).toString().replace('\\', '/'));
            } else {
                skipFully(in, size);
            }
            skipPadding(in, size);
        }
        return files;
    }

    private static String paxPath(String records) {
        // Records are "<length> key=value\n".
        for (String line : records.split("\n")) {
            int sp = line.indexOf(' ');
            int eq = line.indexOf('=');
            if (sp > 0 && eq > sp && line.substring(sp + 1, eq).equals("path")) {
                return line.substring(eq + 1);
            }
        }
        return null;
    }

    private static boolean readFully(InputStream in, byte[] b) throws IOException {
        int off = 0;
        while (off < b.length) {
            int n = in.read(b, off, b.length - off);
            if (n < 0) {
                if (off == 0) {
                    return false;
                }
                throw new EOFException("tar archive truncated inside a header");
            }
            off += n;
        }
        return true;
    }

    private static byte[] readBytes(InputStream in, long size) throws IOException {
        if (size < 0 || size > 1 << 20) {
            throw new IOException("tar metadata entry of " + size + " bytes is implausibly large");
        }
        byte[] b = new byte[(int) size];
        if (size > 0 && !readFully(in, b)) {
            throw new EOFException("tar archive truncated");
        }
        return b;
    }

    private static void skipPadding(InputStream in, long size) throws IOException {
        long pad = (512 - (size % 512)) % 512;
        skipFully(in, pad);
    }

    private static void skipFully(InputStream in, long n) throws IOException {
        long left = n;
        while (left > 0) {
            long s = in.skip(left);
            if (s <= 0) {
                if (in.read() < 0) {
                    throw new EOFException("tar archive truncated");
                }
                s = 1;
            }
            left -= s;
        }
    }

    private static boolean isZeroBlock(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static String cString(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && end < b.length && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }

    private static long octal(byte[] b, int off, int len) throws IOException {
        if ((b[off] & 0x80) != 0) {
            // GNU base-256 for sizes of 8 GiB and more: big-endian two's complement after the marker bit, so bit 6
            // of the first byte is a sign. A negative size, or one beyond 63 bits, would wrap around when used.
            if ((b[off] & 0x40) != 0) {
                throw new IOException("corrupt tar header: negative size (base-256 field)");
            }
            long v = b[off] & 0x3f;
            for (int i = 1; i < len; i++) {
                if (v >>> 55 != 0) {
                    throw new IOException("corrupt tar header: size field does not fit in 63 bits");
                }
                v = (v << 8) | (b[off + i] & 0xff);
            }
            return v;
        }
        String s = cString(b, off, len).trim();
        if (s.isEmpty()) {
            return 0;
        }
        long v;
        try {
            v = Long.parseLong(s, 8);
        } catch (NumberFormatException e) {
            throw new IOException("corrupt tar header: size field '" + s + "' is not octal", e);
        }
        if (v < 0) {
            throw new IOException("corrupt tar header: negative size '" + s + "'");
        }
        return v;
    }

    /** Reads at most {@code limit} bytes and never closes the underlying stream. */
    private static final class BoundedInputStream extends InputStream {
        private final InputStream in;
        private long left;

        BoundedInputStream(InputStream in, long limit) {
            this.in = in;
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int c = in.read();
            if (c < 0) {
                throw new EOFException("tar archive truncated");
            }
            left--;
            return c;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new EOFException("tar archive truncated");
            }
            left -= n;
            return n;
        }

        @Override
        public void close() {
            // The tar stream continues after this entry.
        }
    }
}
