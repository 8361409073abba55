/**
 * Piper TTS voices on ONNX Runtime, with espeak-ng (through JNA) as the phonemizer; the voices are downloaded and
 * verified by {@code io.github.voicechat.models}.
 */
module io.github.voicechat.piper {
    requires transitive io.github.voicechat.core;
    requires transitive io.github.voicechat.models;
    requires io.github.voicechat.onnx;
    requires com.microsoft.onnxruntime;
    requires com.fasterxml.jackson.databind;
    requires com.sun.jna;
    requires org.slf4j;

    exports io.github.voicechat.piper;
    // JNA reflects on the espeak-ng binding (its Library interface and structures).
    opens io.github.voicechat.piper.internal to com.sun.jna;

    provides io.github.voicechat.models.ModelLoader with io.github.voicechat.piper.PiperModelLoader;
    provides io.github.voicechat.spi.EngineProvider with
            io.github.voicechat.piper.PiperProvider.EnUsLessacMedium,
            io.github.voicechat.piper.PiperProvider.EnUsLessacLow,
            io.github.voicechat.piper.PiperProvider.EnUsLessacHigh,
            io.github.voicechat.piper.PiperProvider.EnUsAmyLow,
            io.github.voicechat.piper.PiperProvider.EnUsAmyMedium,
            io.github.voicechat.piper.PiperProvider.EnUsRyanLow,
            io.github.voicechat.piper.PiperProvider.EnUsRyanMedium,
            io.github.voicechat.piper.PiperProvider.EnGbAlanLow,
            io.github.voicechat.piper.PiperProvider.EnGbAlanMedium;
}
