package io.github.voicechat.sphinx.internal;

import edu.cmu.sphinx.api.AbstractSpeechRecognizer;
import edu.cmu.sphinx.api.Configuration;
import edu.cmu.sphinx.api.Context;
import edu.cmu.sphinx.frontend.util.StreamDataSource;
import edu.cmu.sphinx.recognizer.Recognizer;
import io.github.voicechat.spi.EngineException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Sphinx4's recognizer built from our own configuration: the {@link Context}-taking constructor of
 * {@link AbstractSpeechRecognizer} is protected, so this subclass exists to reach it, and to expose the recognizer
 * and data source so one stream can be kept open across utterances.
 */
public final class TunedRecognizer extends AbstractSpeechRecognizer {

    /** Our configuration, with placeholders for the options written into it before loading (see the README). */
    public static final String CONFIG_RESOURCE = "/io/github/voicechat/sphinx/voicechat-sphinx.config.xml";

    private static final String MODELS = "resource:/edu/cmu/sphinx/models/en-us/";

    private TunedRecognizer(Context context) throws IOException {
        super(context);
    }

    /** Sphinx's settings for the US English model, dictionary and language model of sphinx4-data, at 16 kHz. */
    public static Configuration usEnglish(int sampleRateHz) {
        Configuration configuration = new Configuration();
        configuration.setAcousticModelPath(MODELS + "en-us");
        configuration.setDictionaryPath(MODELS + "cmudict-en-us.dict");
        configuration.setLanguageModelPath(MODELS + "en-us.lm.bin");
        configuration.setSampleRate(sampleRateHz);
        return configuration;
    }

    /** The text of {@link #CONFIG_RESOURCE}, placeholders unfilled. */
    public static String configTemplate() throws IOException {
        try (InputStream in = TunedRecognizer.class.getResourceAsStream(CONFIG_RESOURCE)) {
            if (in == null) {
                throw new EngineException("missing class path resource " + CONFIG_RESOURCE);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * A recognizer from the configuration XML {@code xml}, allocated (models loaded). Sphinx's {@link Context} reads
     * its configuration from a path or URL only; the file keeps its name because Sphinx names its loggers after it
     * (see {@link SphinxLogging}). It is deleted as soon as it has been read.
     */
    public static TunedRecognizer load(String xml, Configuration configuration) throws IOException {
        Path dir = Files.createTempDirectory("voicechat-sphinx");
        Path file = dir.resolve("voicechat-sphinx.config.xml");
        try {
            Files.writeString(file, xml, StandardCharsets.UTF_8);
            TunedRecognizer r = new TunedRecognizer(new Context(file.toUri().toString(), configuration));
            r.recognizer().allocate();
            return r;
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }

    public Recognizer recognizer() {
        return recognizer;
    }

    public RobustLiveCmn cmn() {
        return context.getInstance(RobustLiveCmn.class);
    }

    public StreamDataSource dataSource() {
        return context.getInstance(StreamDataSource.class);
    }
}
