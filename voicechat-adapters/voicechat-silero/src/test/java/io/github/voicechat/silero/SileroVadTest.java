package io.github.voicechat.silero;

import io.github.voicechat.testkit.TestAudio;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.voicechat.spi.EngineOptions;
import io.github.voicechat.spi.EngineProvider;
import io.github.voicechat.spi.Engines;
import io.github.voicechat.spi.VoiceActivityDetector;
import io.github.voicechat.testkit.SharedData;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SileroVadTest {

    /** The publisher's digests, as listed in ../shared/models/silero-vad/SHA256SUMS. */
    private static final Map<String, String> PUBLISHED_SHA256 = Map.of(
            "silero_vad_v5.onnx", "2623a2953f6ff3d2c1e61740c6cdb7168133479b267dfef114a4a3cc5bdd788f",
            "silero_vad_v6.onnx", "1a153a22f4509e292a94e67d6f9b85e8deb25b4988682b7e174c65279d8788e3");

    @Test
    void bundledModelsMatchThePublishedDigests() throws Exception {
        for (Map.Entry<String, String> e : PUBLISHED_SHA256.entrySet()) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            try (InputStream in = getClass().getResourceAsStream("/io/github/voicechat/silero/" + e.getKey())) {
                assertThat(in).as(e.getKey()).isNotNull();
                sha.update(in.readAllBytes());
            }
            assertThat(HexFormat.of().formatHex(sha.digest())).as(e.getKey()).isEqualTo(e.getValue());
        }
        try (InputStream in = getClass().getResourceAsStream("/io/github/voicechat/silero/LICENSE")) {
            assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
                    .startsWith("MIT License").contains("Silero Team");
        }
    }

    @Test
    void providersAreFoundV6First() {
        List<EngineProvider<VoiceActivityDetector>> all = Engines.of(VoiceActivityDetector.class);
        assertThat(all).extracting(EngineProvider::id).containsSubsequence("silero-vad-v6", "silero-vad-v5");
        assertThat(Engines.find(VoiceActivityDetector.class, "silero").id()).isEqualTo("silero-vad-v6");
        EngineProvider<VoiceActivityDetector> v5 = Engines.find(VoiceActivityDetector.class, "silero-vad-v5");
        assertThat(v5.unavailableReason()).isEmpty();
        assertThat(v5.capabilities().sampleRateHz()).isEqualTo(16_000);
        assertThat(v5.capabilities().streaming()).isTrue();
    }

    @Test
    void providerOptionsChooseRateAndDevice() {
        SileroVadProvider p = new SileroVadProvider.V6();
        try (SileroVad vad = (SileroVad) p.create(EngineOptions.EMPTY.with("sample_rate_hz", "8000")
                .with("device", "cpu").with("threads", "2"))) {
            assertThat(vad.sampleRateHz()).isEqualTo(8_000);
            assertThat(vad.frameSamples()).isEqualTo(256);
            assertThat(vad.model().usesCuda()).isFalse();
            assertThat(vad.model().version()).isEqualTo(SileroVadModel.Version.V6);
        }
        assertThatThrownBy(() -> p.create(EngineOptions.EMPTY.with("sample_rate_hz", "48000")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("48000").hasMessageContaining("16000");
        assertThatThrownBy(() -> p.create(EngineOptions.EMPTY.with("device", "tpu")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tpu");
        assertThatThrownBy(() -> p.create(EngineOptions.EMPTY.with("treshold", "0.5")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown option 'treshold' for silero-vad-v6; valid: device, sample_rate_hz, threads");
        // Where speech starts is the segmenter's or the turn policy's option, not the detector's.
        assertThatThrownBy(() -> p.create(EngineOptions.EMPTY.with("threshold", "0.6")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown option 'threshold'");
        assertThatThrownBy(() -> p.create(EngineOptions.EMPTY.with("threads", "0")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1..16, was 0");
        // Issue 16: threads=100000 started about 25,000 threads before it was killed.
        assertThatThrownBy(() -> p.create(EngineOptions.EMPTY.with("threads", "100000")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("option threads must be 1..16, was 100000 (for silero-vad-v6)");
    }

    @Test
    void deviceAutoFallsBackToTheCpuAndCudaOnACpuOnlyRuntimeFailsClearly() throws Exception {
        // This build depends on the CPU artifact of ONNX Runtime; with onnxruntime_gpu and a GPU, auto picks CUDA.
        boolean cudaOffered = ai.onnxruntime.OrtEnvironment.getAvailableProviders()
                .contains(ai.onnxruntime.OrtProvider.CUDA);
        org.junit.jupiter.api.Assumptions.assumeFalse(cudaOffered,
                "skipped: this ONNX Runtime offers CUDA, so the CPU-only behaviour cannot be shown");
        try (SileroVadModel auto = SileroVadModel.load(SileroVadModel.Version.V6, io.github.voicechat.onnx.OnnxDevice.AUTO, 1)) {
            assertThat(auto.usesCuda()).isFalse();
        }
        assertThatThrownBy(() -> SileroVadModel.load(SileroVadModel.Version.V6, io.github.voicechat.onnx.OnnxDevice.CUDA, 1))
                .isInstanceOf(io.github.voicechat.spi.EngineException.class)
                .hasMessageContaining("device=cuda was asked for");
    }

    @Test
    void badInputIsRejectedBeforeOnnxRuntime() {
        try (SileroVadModel model = SileroVadModel.load(SileroVadModel.Version.V6);
                SileroVad vad = model.newDetector(16_000)) {
            float[] chunk = new float[512];
            assertThatThrownBy(() -> vad.speechProbability(new float[480], 0, 480))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("512").hasMessageContaining("480");
            assertThatThrownBy(() -> vad.speechProbability(new float[0], 0, 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("512").hasMessageContaining("0");
            assertThatThrownBy(() -> vad.speechProbability(chunk, 100, 512))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("612");
            chunk[7] = Float.NaN;
            assertThatThrownBy(() -> vad.speechProbability(chunk, 0, 512))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sample 7").hasMessageContaining("NaN");
            chunk[7] = Float.POSITIVE_INFINITY;
            assertThatThrownBy(() -> vad.speechProbability(chunk, 0, 512))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Infinity");
            assertThatThrownBy(() -> model.newDetector(44_100))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("44100");
            // The rejected calls left no trace: silence still reads as silence.
            chunk[7] = 0f;
            assertThat(vad.speechProbability(chunk, 0, 512)).isLessThan(0.1f);
        }
    }

    @Test
    void closedDetectorsAndModelsRefuseWork() {
        SileroVadModel model = SileroVadModel.load(SileroVadModel.Version.V5);
        SileroVad vad = model.newDetector(16_000);
        vad.close();
        vad.close(); // idempotent
        assertThatThrownBy(() -> vad.speechProbability(new float[512], 0, 512))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        model.close();
        assertThatThrownBy(() -> model.newDetector(16_000)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void aSharedModelServesInterleavedDetectorsAsIfEachRanAlone() {
        List<SharedData.SpeechClip> clips = SharedData.labelledClips();
        float[] a = TestAudio.read16k(clips.get(0).wav());
        float[] b = TestAudio.read16k(clips.get(1).wav());
        int chunks = Math.min(a.length, b.length) / 512;
        float[] aloneA = new float[chunks];
        float[] aloneB = new float[chunks];
        try (SileroVadModel model = SileroVadModel.load(SileroVadModel.Version.V6)) {
            try (SileroVad vad = model.newDetector(16_000)) {
                for (int i = 0; i < chunks; i++) {
                    aloneA[i] = vad.speechProbability(a, i * 512, 512);
                }
                vad.reset();
                for (int i = 0; i < chunks; i++) {
                    aloneB[i] = vad.speechProbability(b, i * 512, 512);
                }
            }
            try (SileroVad va = model.newDetector(16_000); SileroVad vb = model.newDetector(16_000)) {
                for (int i = 0; i < chunks; i++) {
                    assertThat(va.speechProbability(a, i * 512, 512)).as("A chunk %d", i).isEqualTo(aloneA[i]);
                    assertThat(vb.speechProbability(b, i * 512, 512)).as("B chunk %d", i).isEqualTo(aloneB[i]);
                }
            }
        }
        // Real speech gives both high and low probabilities: the comparison is not between constants.
        float min = 1f;
        float max = 0f;
        for (float p : aloneA) {
            min = Math.min(min, p);
            max = Math.max(max, p);
        }
        assertThat(min).isLessThan(0.1f);
        assertThat(max).isGreaterThan(0.95f);
    }

    @Test
    void detectorsFromTheProviderShareOneModelUntilTheLastCloses() {
        SileroVadProvider p = new SileroVadProvider.V6();
        float[] chunk = new float[512];
        SileroVad a = (SileroVad) p.create(EngineOptions.EMPTY);
        SileroVad b = (SileroVad) p.create(EngineOptions.EMPTY);
        SileroVad other = (SileroVad) p.create(EngineOptions.EMPTY.with("threads", "2"));
        assertThat(b.model()).isSameAs(a.model());        // one ONNX Runtime session for many sessions' detectors
        assertThat(other.model()).isNotSameAs(a.model()); // other settings, another model
        a.close();
        assertThat(b.speechProbability(chunk, 0, 512)).isBetween(0f, 1f); // the model outlives the first to close
        SileroVad c = (SileroVad) p.create(EngineOptions.EMPTY);
        assertThat(c.model()).isSameAs(b.model());
        b.close();
        c.close();
        assertThatThrownBy(() -> c.model().newDetector(16_000)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed"); // the last one closed it
        SileroVad d = (SileroVad) p.create(EngineOptions.EMPTY);
        assertThat(d.model()).isNotSameAs(c.model()); // and the next detector loads it again
        d.close();
        other.close();
    }

    @Test
    void resetRestartsTheStream() {
        float[] x = TestAudio.read16k(SharedData.labelledClips().get(1).wav());
        try (SileroVad vad = (SileroVad) new SileroVadProvider.V6().create(EngineOptions.EMPTY)) {
            float[] first = new float[40];
            for (int i = 0; i < first.length; i++) {
                first[i] = vad.speechProbability(x, i * 512, 512);
            }
            vad.reset();
            for (int i = 0; i < first.length; i++) {
                assertThat(vad.speechProbability(x, i * 512, 512)).as("chunk %d", i).isEqualTo(first[i]);
            }
        }
    }
}
