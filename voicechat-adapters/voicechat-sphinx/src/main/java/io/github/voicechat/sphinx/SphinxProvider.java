package io.github.voicechat.sphinx;

import io.github.voicechat.spi.EngineCapabilities;
import io.github.voicechat.spi.EngineOptions;
import io.github.voicechat.spi.EngineProvider;
import io.github.voicechat.spi.SpeechRecognizer;
import java.util.List;
import java.util.Set;

/** {@code sphinx-en-us}: CMU Sphinx4, US English, 16 kHz, streaming, models on the class path (no download). */
public final class SphinxProvider implements EngineProvider<SpeechRecognizer> {

    public static final String ID = "sphinx-en-us";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Class<SpeechRecognizer> engineType() {
        return SpeechRecognizer.class;
    }

    @Override
    public EngineCapabilities capabilities() {
        return new EngineCapabilities(Set.of("en-US"), true, SphinxRecognizer.SAMPLE_RATE_HZ, List.of());
    }

    @Override
    public String description() {
        return ID + ": CMU Sphinx4 1.0.0, en-US generic model, 16 kHz, offline, tuned beam "
                + SphinxRecognizer.DEFAULT_BEAM + " (BSD-style licence)";
    }

    @Override
    public SpeechRecognizer create(EngineOptions options) {
        return SphinxRecognizer.create(options);
    }
}
