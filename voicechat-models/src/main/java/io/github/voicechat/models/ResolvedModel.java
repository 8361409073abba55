package io.github.voicechat.models;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;

/**
 * A model's files as found by the {@link ModelStore}: on disk (model home or an offline folder) or on the classpath.
 * This is what a {@link ModelLoader} receives.
 */
public final class ResolvedModel {
    /** Where the files were found. */
    public enum Location {
        /** The model home ({@code $VOICECHAT_HOME/models} or the platform cache folder), verified on install. */
        HOME,
        /** A user-given folder (offline bundle). */
        OFFLINE_DIR,
        /** Classpath resources, e.g. Silero inside its adapter jar. */
        CLASSPATH,
        /** The entry lists no files (engines that need none). */
        NONE
    }

    private final ModelEntry entry;
    private final Location location;
    private final Path directory;
    private final Map<String, Path> paths;
    private final Map<String, URL> resources;
    private final Path materializeDir;

    ResolvedModel(ModelEntry entry, Location location, Path directory, Map<String, Path> paths,
                  Map<String, URL> resources, Path materializeDir) {
        this.entry = entry;
        this.location = location;
        this.directory = directory;
        this.paths = Map.copyOf(paths);
        this.resources = Map.copyOf(resources);
        this.materializeDir = materializeDir;
    }

    /** {@return the catalog entry} */
    public ModelEntry entry() {
        return entry;
    }

    /** {@return the model's id} */
    public String id() {
        return entry.id();
    }

    /** {@return where the files were found} */
    public Location location() {
        return location;
    }

    /** {@return the folder holding the files, when they are on disk in one folder} */
    public Optional<Path> directory() {
        return Optional.ofNullable(directory);
    }

    /**
     * {@return the URL of a file (a {@code file:} or {@code jar:} URL)}
     *
     * @param filePath the file's path in the catalog
     * @throws IllegalArgumentException if the model has no such file
     */
    public URL url(String filePath) {
        URL u = resources.get(filePath);
        if (u != null) {
            return u;
        }
        try {
            return requirePath(filePath).toUri().toURL();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Opens a file for reading.
     *
     * @param filePath the file's path in the catalog
     * @return a new stream; the caller closes it
     * @throws IOException if it cannot be opened
     * @throws IllegalArgumentException if the model has no such file
     */
    public InputStream open(String filePath) throws IOException {
        URL u = resources.get(filePath);
        return u != null ? u.openStream() : Files.newInputStream(requirePath(filePath));
    }

    /**
     * A filesystem path for the file (for archives: the extracted folder). A classpath resource inside a jar is
     * copied once into the store's cache folder, since native engines need real files.
     *
     * @param filePath the file's path in the catalog
     * @return a path on the file system
     * @throws IOException if the copy into the cache fails
     * @throws IllegalArgumentException if the model has no such file
     */
    public Path path(String filePath) throws IOException {
        Path p = paths.get(filePath);
        if (p != null) {
            return p;
        }
        URL u = resources.get(filePath);
        if (u == null) {
            throw new IllegalArgumentException("model " + id() + " has no file '" + filePath + "'; files are "
                    + entry.files().stream().map(ModelFile::path).toList());
        }
        if ("file".equals(u.getProtocol())) {
            try {
                return Path.of(u.toURI());
            } catch (URISyntaxException e) {
                throw new IOException("bad resource URL " + u, e);
            }
        }
        Path dest = materializeDir.resolve(id()).resolve(filePath);
        ModelFile mf = entry.file(filePath).orElseThrow();
        if (Files.exists(dest) && (mf.sizeBytes() == null || Files.size(dest) == mf.sizeBytes())) {
            return dest;
        }
        Files.createDirectories(dest.getParent());
        Path tmp = Files.createTempFile(dest.getParent(), ".copy", ".tmp");
        try (InputStream in = u.openStream()) {
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.move(tmp, dest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return dest;
    }

    private Path requirePath(String filePath) {
        Path p = paths.get(filePath);
        if (p == null) {
            throw new IllegalArgumentException("model " + id() + " has no file '" + filePath + "'; files are "
                    + entry.files().stream().map(ModelFile::path).toList());
        }
        return p;
    }

    @Override
    public String toString() {
        return id() + " (" + location + (directory == null ? "" : " " + directory) + ")";
    }
}
