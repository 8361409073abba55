package io.github.voicechat.marytts.internal;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import marytts.config.MaryConfig;
import marytts.exceptions.MaryConfigurationException;

/**
 * A MaryTTS configuration (found by MaryTTS through {@code META-INF/services/marytts.config.MaryConfig}) that sets
 * {@code server = commandline}, without touching the system property of that generic name.
 *
 * <p>In any other mode {@code Mary.startup()} starts every listed module at once, including {@code JTokeniser},
 * whose library (jtok-core) is not in Maven Central and is excluded here; in command-line mode only the synthesis
 * module starts at once and the others on first use, and we never use the tokeniser (we feed MaryXML tokens).
 * MaryTTS reads a property from the first configuration that has it, in class-path order, and this artifact comes
 * before marytts-runtime; {@link MaryRuntime} checks the effective value before starting MaryTTS.
 */
public final class CommandLineConfig extends MaryConfig {

    public CommandLineConfig() throws MaryConfigurationException {
        super(new ByteArrayInputStream("name = voicechat-marytts\nserver = commandline\n"
                .getBytes(StandardCharsets.ISO_8859_1)));
    }
}
