package io.github.voicechat.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import io.github.voicechat.spi.EngineException;
import io.github.voicechat.spi.EngineOption;
import io.github.voicechat.spi.EngineOptions;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The parts Silero and Piper share; both adapters' tests load real networks through them. */
class OnnxSessionsTest {

    @Test
    void theDeviceOptionTakesEachEnginesDefault() {
        EngineOption<OnnxDevice> silero = OnnxSessions.deviceOption(OnnxDevice.AUTO);
        EngineOption<OnnxDevice> piper = OnnxSessions.deviceOption(OnnxDevice.CPU);
        assertThat(silero.key()).isEqualTo("device");
        assertThat(silero.values()).isEqualTo("auto|cpu|cuda");
        assertThat(silero.get(EngineOptions.EMPTY)).isEqualTo(OnnxDevice.AUTO);
        assertThat(piper.get(EngineOptions.EMPTY)).isEqualTo(OnnxDevice.CPU);
        assertThat(piper.get(EngineOptions.EMPTY.with("device", "CUDA"))).isEqualTo(OnnxDevice.CUDA);
        assertThatThrownBy(() -> EngineOptions.EMPTY.with("device", "gpu").check("e", List.of(piper)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("option device must be one of auto|cpu|cuda, was 'gpu' (for e)");
    }

    @Test
    void cudaOnACpuOnlyRuntimeFailsClearlyAndBadNetworksNameWhatWasLoaded() {
        Assumptions.assumeFalse(OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA),
                "skipped: this ONNX Runtime offers CUDA, so the CPU-only behaviour cannot be shown");
        byte[] notANetwork = "not an onnx model".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> OnnxSessions.open("x.onnx", OnnxDevice.CUDA, 1,
                (env, options) -> env.createSession(notANetwork, options)))
                .isInstanceOf(EngineException.class)
                .hasMessageStartingWith("device=cuda was asked for, but this ONNX Runtime offers only [")
                .hasMessageContaining("onnxruntime_gpu");
        // auto on a CPU-only runtime is the CPU: the failure is the network's, named with ONNX Runtime's reason.
        assertThatThrownBy(() -> OnnxSessions.open("x.onnx", OnnxDevice.AUTO, 0,
                (env, options) -> env.createSession(notANetwork, options)))
                .isInstanceOf(EngineException.class)
                .hasMessageStartingWith("ONNX Runtime cannot load x.onnx: ")
                .hasMessageNotContaining("with CUDA");
        assertThatThrownBy(() -> OnnxSessions.open("x.onnx", OnnxDevice.CPU, -1,
                (env, options) -> env.createSession(notANetwork, options)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was -1");
    }
}
