package io.github.voicechat.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;

/** {@code voicechat --version}: the build's version, filtered into a resource so it is written in one place only. */
final class CliVersion implements CommandLine.IVersionProvider {

    /** The project version this CLI was built as, e.g. {@code 0.1.0-SNAPSHOT}. */
    static String version() {
        try (InputStream in = CliVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                throw new IllegalStateException("version.properties is missing from the class path");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String[] getVersion() {
        return new String[] {"voicechat " + version()};
    }
}
