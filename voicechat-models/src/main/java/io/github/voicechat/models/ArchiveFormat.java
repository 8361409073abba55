package io.github.voicechat.models;

import java.util.Locale;

/** Archive formats a downloaded model file may come in; it is extracted into a folder named by the file's path. */
public enum ArchiveFormat {
    ZIP("zip"),
    TAR("tar"),
    TAR_GZ("tar.gz"),
    /** Needs {@code org.apache.commons:commons-compress} on the classpath (an optional dependency of core). */
    TAR_BZ2("tar.bz2");

    private final String catalogName;

    ArchiveFormat(String catalogName) {
        this.catalogName = catalogName;
    }

    public String catalogName() {
        return catalogName;
    }

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
