package io.github.voicechat.marytts;

import io.github.voicechat.spi.AbstractEngineProvider;
import io.github.voicechat.spi.EngineCapabilities;
import io.github.voicechat.spi.EngineOptions;
import io.github.voicechat.spi.SpeechSynthesizer;
import java.util.List;
import java.util.Set;

/**
 * {@code marytts-cmu-slt-hsmm}: MaryTTS 5.2.1, US English female HMM voice, 48 kHz, offline (LGPL-3.0).
 *
 * <p>Ranks below FreeTTS ({@code -10} against 0): the nicer voice, but its first start takes over a second, it
 * keeps about 35 MB of heap for the rest of the JVM's life and 27 MB of jars, under the LGPL; a host asks for it by
 * name ({@code --tts marytts}).
 */
public final class MaryTtsProvider extends AbstractEngineProvider<SpeechSynthesizer> {

    /** The engine's id. */
    public static final String ID = "marytts-cmu-slt-hsmm";

    /** The provider ServiceLoader creates. */
    public MaryTtsProvider() {
        super(SpeechSynthesizer.class, ID, -10, new EngineCapabilities(Set.of("en-US"), true,
                MaryTtsSynthesizer.SAMPLE_RATE_HZ, List.of(MaryTtsSynthesizer.VOICE)),
                ID + ": MaryTTS 5.2.1 HMM voice cmu-slt-hsmm, en-US, 48 kHz, offline (LGPL-3.0)",
                MaryTtsSynthesizer.OPTIONS);
    }

    @Override
    public SpeechSynthesizer newEngine(EngineOptions options) {
        return MaryTtsSynthesizer.create(options);
    }
}
