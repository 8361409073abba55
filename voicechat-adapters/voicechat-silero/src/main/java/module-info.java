/**
 * Silero VAD (v5 and v6, shipped in this jar) on ONNX Runtime, as the engines {@code silero} and {@code silero-v5}.
 */
module io.github.voicechat.silero {
    requires transitive io.github.voicechat.core;
    requires io.github.voicechat.onnx;
    requires com.microsoft.onnxruntime;

    exports io.github.voicechat.silero;
    // The weights are resources of this package; ModelStore verifies catalog files with ClassLoader.getResource,
    // which finds a named module's package resources only when the package is open to everyone.
    opens io.github.voicechat.silero;

    provides io.github.voicechat.spi.EngineProvider with
            io.github.voicechat.silero.SileroVadProvider.V6,
            io.github.voicechat.silero.SileroVadProvider.V5;
}
