package io.github.voicechat.sphinx;

import io.github.voicechat.spi.AbstractEngineProvider;
import io.github.voicechat.spi.EngineCapabilities;
import io.github.voicechat.spi.EngineOptions;
import io.github.voicechat.spi.SpeechRecognizer;
import java.util.List;
import java.util.Set;

/** {@code sphinx-en-us}: CMU Sphinx4, US English, 16 kHz, streaming, models on the class path (no download). */
public final class SphinxProvider extends AbstractEngineProvider<SpeechRecognizer> {

    /** The engine's id. */
    public static final String ID = "sphinx-en-us";

    /** The provider ServiceLoader creates. */
    public SphinxProvider() {
        super(SpeechRecognizer.class, ID, 0, new EngineCapabilities(Set.of("en-US"), true,
                SphinxRecognizer.SAMPLE_RATE_HZ, List.of()), ID + ": CMU Sphinx4 1.0.0, en-US generic model, 16 kHz,"
                + " offline, tuned beam " + SphinxRecognizer.DEFAULT_BEAM + " (BSD-style licence)",
                SphinxRecognizer.OPTIONS);
    }

    @Override
    public SpeechRecognizer newEngine(EngineOptions options) {
        return SphinxRecognizer.create(options);
    }
}
