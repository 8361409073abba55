package io.github.voicechat.models;

import java.util.Locale;

/** Archive formats a downloaded model file may come in; it is extracted into a folder named by the file's path. */
public enum ArchiveFormat {
    /** {@code .zip}. */
    ZIP("zip"),
    /** {@code .tar}. */
    TAR("tar"),
    /** {@code .tar.gz} (also {@code tgz} in a catalog). */
    TAR_GZ("tar.gz"),
    /** Needs {@code org.apache.commons:commons-compress} on the classpath (an optional dependency of core). */
    TAR_BZ2("tar.bz2");

    private final String catalogName;

    ArchiveFormat(String catalogName) {
        this.catalogName = catalogName;
    }

    /** {@return the name used in {@code catalog.json}} */
    public String catalogName() {
        return catalogName;
    }

    /**
     * {@return the format a catalog names, in any case}
     *
     * @param name {@code zip}, {@code tar}, {@code tar.gz} ({@code tgz}) or {@code tar.bz2}
     * @throws IllegalArgumentException on any other name, listing the valid ones
     */
    public static ArchiveFormat fromCatalogName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.equals("tgz")) {
            return TAR_GZ;
        }
        for (ArchiveFormat f : values()) {
            if (f.catalogName.equals(n)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown archive format '" + name + "', expected zip, tar, tar.gz or tar.bz2");
    }
}
