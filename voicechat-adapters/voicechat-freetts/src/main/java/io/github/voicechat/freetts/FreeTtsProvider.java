package io.github.voicechat.freetts;

import io.github.voicechat.spi.AbstractEngineProvider;
import io.github.voicechat.spi.EngineCapabilities;
import io.github.voicechat.spi.EngineOptions;
import io.github.voicechat.spi.SpeechSynthesizer;
import java.util.List;
import java.util.Set;

/** {@code freetts-kevin16}: FreeTTS, US English male diphone voice, 16 kHz, no model download. */
public final class FreeTtsProvider extends AbstractEngineProvider<SpeechSynthesizer> {

    /** The engine's id. */
    public static final String ID = "freetts-kevin16";

    /** The provider ServiceLoader creates. */
    public FreeTtsProvider() {
        super(SpeechSynthesizer.class, ID, 0, new EngineCapabilities(Set.of("en-US"), true,
                FreeTtsSynthesizer.SAMPLE_RATE_HZ, List.of(FreeTtsSynthesizer.VOICE)),
                ID + ": FreeTTS 1.2.2 diphone voice kevin16, en-US, 16 kHz, offline (BSD-style licence)",
                FreeTtsSynthesizer.OPTIONS);
    }

    @Override
    public SpeechSynthesizer newEngine(EngineOptions options) {
        return FreeTtsSynthesizer.create(options);
    }
}
