package io.github.voicechat.silero;

import io.github.voicechat.onnx.OnnxDevice;
import io.github.voicechat.onnx.OnnxSessions;
import io.github.voicechat.spi.AbstractEngineProvider;
import io.github.voicechat.spi.EngineCapabilities;
import io.github.voicechat.spi.EngineOption;
import io.github.voicechat.spi.EngineOptions;
import io.github.voicechat.spi.VoiceActivityDetector;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Creates Silero VAD detectors. Detectors with the same version, device and threads share one ONNX Runtime session
 * while any of them is open (the network is stateless; each detector keeps its own recurrent state and context), and
 * the last one to close closes it. Sharing is what lets many sessions run Silero on a few cores: 64 detectors taking
 * turns on one model cost about 110 µs of CPU per chunk here, 64 with a model each about 290 µs, because 64 copies
 * of the weights do not stay in the cache. Options: {@link #OPTIONS}. Where speech starts and ends (thresholds,
 * minimum silence) is not the detector's business but the segmenter's or the turn policy's: see
 * {@code SpeechSegmenter.OPTIONS} and {@code TurnPolicy.OPTIONS}.
 */
public abstract class SileroVadProvider extends AbstractEngineProvider<VoiceActivityDetector> {

    /** {@code sample_rate_hz}: 16000 (default) or 8000. */
    public static final EngineOption<Integer> SAMPLE_RATE_HZ = EngineOption.integerOf("sample_rate_hz", 16_000,
            List.of(8_000, 16_000), "the rate the detector reads (32 ms chunks at either)");
    /** {@code device}: where the network runs; {@code auto} by default. */
    public static final EngineOption<OnnxDevice> DEVICE = OnnxSessions.deviceOption(OnnxDevice.AUTO);
    /** More threads than this only add contention: one chunk takes about 0.1 ms on one. */
    public static final EngineOption<Integer> THREADS = EngineOption.integer("threads", 1, 1, 16,
            "ONNX Runtime intra-op threads per detector; 1 suits a network this small");
    /** Every option a Silero detector reads. */
    public static final List<EngineOption<?>> OPTIONS = List.of(SAMPLE_RATE_HZ, DEVICE, THREADS);

    private final SileroVadModel.Version version;

    SileroVadProvider(SileroVadModel.Version version, int priority, String description) {
        super(VoiceActivityDetector.class, "silero-vad-" + version.name().toLowerCase(java.util.Locale.ROOT),
                priority, new EngineCapabilities(Set.of(), true, 16_000, List.of()), description, OPTIONS);
        this.version = version;
    }

    @Override
    public Optional<String> unavailableReason() {
        return SileroVadProvider.class.getResource(version.resourcePath()) == null
                ? Optional.of("model resource " + version.resourcePath() + " missing from the class path")
                : Optional.empty();
    }

    @Override
    public SileroVad newEngine(EngineOptions options) {
        int rate = SAMPLE_RATE_HZ.get(options);
        Key key = new Key(version, DEVICE.get(options), THREADS.get(options));
        SileroVadModel model;
        synchronized (SHARED) {
            Shared shared = SHARED.get(key);
            if (shared == null) {
                shared = new Shared(SileroVadModel.load(key.version, key.device, key.threads));
                SHARED.put(key, shared);
            }
            shared.references++;
            model = shared.model;
        }
        return SileroVad.sharing(model, rate, () -> release(key));
    }

    /** What a set of detectors shares. */
    private record Key(SileroVadModel.Version version, OnnxDevice device, int threads) {
    }

    private static final class Shared {
        final SileroVadModel model;
        int references;

        Shared(SileroVadModel model) {
            this.model = model;
        }
    }

    /** Open shared models; guarded by itself. */
    private static final Map<Key, Shared> SHARED = new HashMap<>();

    private static void release(Key key) {
        SileroVadModel toClose = null;
        synchronized (SHARED) {
            Shared shared = SHARED.get(key);
            if (shared != null && --shared.references == 0) {
                SHARED.remove(key);
                toClose = shared.model;
            }
        }
        if (toClose != null) {
            toClose.close();
        }
    }

    /** {@code silero-vad-v6}: the default, fewer re-triggers after speech than v5. */
    public static final class V6 extends SileroVadProvider {
        /** The provider ServiceLoader creates. */
        public V6() {
            super(SileroVadModel.Version.V6, 200,
                    "Silero VAD v6 (ONNX Runtime, bundled, MIT), 32 ms chunks at 16 kHz or 8 kHz");
        }
    }

    /** {@code silero-vad-v5}. */
    public static final class V5 extends SileroVadProvider {
        /** The provider ServiceLoader creates. */
        public V5() {
            super(SileroVadModel.Version.V5, 150,
                    "Silero VAD v5 (ONNX Runtime, bundled, MIT), 32 ms chunks at 16 kHz or 8 kHz");
        }
    }
}
