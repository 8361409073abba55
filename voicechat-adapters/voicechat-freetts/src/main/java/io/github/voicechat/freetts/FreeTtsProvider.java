package io.github.voicechat.freetts;

import io.github.voicechat.spi.EngineCapabilities;
import io.github.voicechat.spi.EngineOptions;
import io.github.voicechat.spi.EngineProvider;
import io.github.voicechat.spi.SpeechSynthesizer;
import java.util.List;
import java.util.Set;

/** {@code freetts-kevin16}: FreeTTS, US English male diphone voice, 16 kHz, no model download. */
public final class FreeTtsProvider implements EngineProvider<SpeechSynthesizer> {

    public static final String ID = "freetts-kevin16";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Class<SpeechSynthesizer> engineType() {
        return SpeechSynthesizer.class;
    }

    @Override
    public EngineCapabilities capabilities() {
        return new EngineCapabilities(Set.of("en-US"), true, FreeTtsSynthesizer.SAMPLE_RATE_HZ,
                List.of(FreeTtsSynthesizer.VOICE));
    }

    @Override
    public String description() {
        return ID + ": FreeTTS 1.2.2 diphone voice kevin16, en-US, 16 kHz, offline (BSD-style licence)";
    }

    @Override
    public SpeechSynthesizer create(EngineOptions options) {
        return FreeTtsSynthesizer.create(options);
    }
}
