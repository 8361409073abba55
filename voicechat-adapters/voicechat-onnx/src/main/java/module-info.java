/**
 * What voicechat's ONNX Runtime adapters share: the execution device and the session options. ONNX Runtime's jar
 * has no module descriptor but declares {@code Automatic-Module-Name: com.microsoft.onnxruntime}, a stable name.
 */
module io.github.voicechat.onnx {
    requires transitive io.github.voicechat.core;
    requires transitive com.microsoft.onnxruntime;
    requires org.slf4j;

    exports io.github.voicechat.onnx;
}
