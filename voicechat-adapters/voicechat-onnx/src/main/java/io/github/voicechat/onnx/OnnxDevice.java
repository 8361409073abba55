package io.github.voicechat.onnx;

/** Where an ONNX network runs. */
public enum OnnxDevice {
    /** CUDA when ONNX Runtime offers it (the {@code onnxruntime_gpu} artifact and a GPU), else the CPU. */
    AUTO,
    /** The CPU. */
    CPU,
    /** CUDA or fail. */
    CUDA
}
