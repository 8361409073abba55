package io.github.voicechat.models.internal;

import java.util.Locale;

/** Names from catalogs and archives made safe for a one-line message. */
public final class Printable {

    private Printable() {
    }

    /** {@code name} with control characters (a NUL, a newline) shown as {@code \\uXXXX}. */
    public static String of(String name) {
        StringBuilder b = new StringBuilder(name.length());
        name.chars().forEach(c -> b.append(Character.isISOControl(c)
                ? String.format(Locale.ROOT, "\\u%04x", c) : String.valueOf((char) c)));
        return b.toString();
    }
}
