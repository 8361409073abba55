/**
 * voicechat's core: the {@link io.github.voicechat.VoicePipeline} builder and {@link io.github.voicechat.VoiceSession},
 * audio values and sources/sinks, the engine SPI, clocks and the offline speech segmenter. Its only dependency is
 * the SLF4J API.
 *
 * <p>Exported: the API packages alone. Not exported, to anyone: {@code io.github.voicechat.internal.session} (the
 * session's stages and tick loops), {@code io.github.voicechat.internal.bus} (the frame rings) and
 * {@code io.github.voicechat.audio.internal} (the resampler's filter bank). No other voicechat module needs them;
 * the benchmarks, which do, run on the class path.
 */
module io.github.voicechat.core {
    requires org.slf4j;
    // AudioSources.microphone and AudioSinks.speaker (javax.sound.sampled).
    requires java.desktop;

    exports io.github.voicechat;
    exports io.github.voicechat.audio;
    exports io.github.voicechat.spi;
    exports io.github.voicechat.time;
    exports io.github.voicechat.vad;

    // Engines.find and the pipeline's engine ids: adapters register with provides ... with (or META-INF/services on
    // the class path).
    uses io.github.voicechat.spi.EngineProvider;
}
