/**
 * What the engines on ONNX Runtime share ({@code voicechat-silero}, {@code voicechat-piper}): the
 * {@link io.github.voicechat.onnx.OnnxDevice device} option and session creation with the CUDA fallback. Adapters
 * never depend on each other; they depend on this small module instead of copying it.
 */
package io.github.voicechat.onnx;
