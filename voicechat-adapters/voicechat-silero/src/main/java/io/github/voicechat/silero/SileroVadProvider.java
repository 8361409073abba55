package io.github.voicechat.silero;

import io.github.voicechat.spi.EngineCapabilities;
import io.github.voicechat.spi.EngineOptions;
import io.github.voicechat.spi.EngineProvider;
import io.github.voicechat.spi.VoiceActivityDetector;
import io.github.voicechat.vad.SpeechSegmenter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Creates Silero VAD detectors. Detectors with the same version, device and threads share one ONNX Runtime session
 * while any of them is open (the network is stateless; each detector keeps its own recurrent state and context), and
 * the last one to close closes it. Sharing is what lets many sessions run Silero on a few cores: 64 detectors taking
 * turns on one model cost about 110 µs of CPU per chunk here, 64 with a model each about 290 µs, because 64 copies
 * of the weights do not stay in the cache. Options: {@code sample_rate_hz} (16000 or
 * 8000, default 16000), {@code device} ({@code auto}, {@code cpu} or {@code cuda}; default {@code auto}),
 * {@code threads} (intra-op threads, default 1); the segmenter keys of {@link SpeechSegmenter#OPTION_KEYS} are
 * accepted and left to {@link SpeechSegmenter.Builder#options}.
 */
public abstract class SileroVadProvider implements EngineProvider<VoiceActivityDetector> {

    public static final String SAMPLE_RATE_HZ = "sample_rate_hz";
    public static final String DEVICE = "device";
    public static final String THREADS = "threads";

    private static final Set<String> KEYS;

    static {
        Set<String> k = new TreeSet<>(SpeechSegmenter.OPTION_KEYS);
        k.add(SAMPLE_RATE_HZ);
        k.add(DEVICE);
        k.add(THREADS);
        KEYS = Set.copyOf(k);
    }

    private final SileroVadModel.Version version;

    SileroVadProvider(SileroVadModel.Version version) {
        this.version = version;
    }

    @Override
    public String id() {
        return "silero-vad-" + version.name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public Class<VoiceActivityDetector> engineType() {
        return VoiceActivityDetector.class;
    }

    @Override
    public EngineCapabilities capabilities() {
        return new EngineCapabilities(Set.of(), true, 16_000, List.of());
    }

    @Override
    public Optional<String> unavailableReason() {
        return SileroVadProvider.class.getResource(version.resourcePath()) == null
                ? Optional.of("model resource " + version.resourcePath() + " missing from the class path")
                : Optional.empty();
    }

    @Override
    public SileroVad create(EngineOptions options) {
        for (String key : options.asMap().keySet()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown option '" + key + "' for " + id() + "; known: " + new TreeSet<>(KEYS));
            }
        }
        int rate = options.getInt(SAMPLE_RATE_HZ, 16_000);
        if (rate != 16_000 && rate != 8_000) {
            throw new IllegalArgumentException(SAMPLE_RATE_HZ + " must be 16000 or 8000 for " + id() + ", was " + rate);
        }
        SileroVadModel.Device device = SileroVadModel.Device.parse(options.getString(DEVICE, "auto"));
        int threads = options.getInt(THREADS, 1);
        Key key = new Key(version, device, threads);
        SileroVadModel model;
        synchronized (SHARED) {
            Shared shared = SHARED.get(key);
            if (shared == null) {
                shared = new Shared(SileroVadModel.load(version, device, threads));
                SHARED.put(key, shared);
            }
            shared.references++;
            model = shared.model;
        }
        return SileroVad.sharing(model, rate, () -> release(key));
    }

    /** What a set of detectors shares. */
    private record Key(SileroVadModel.Version version, SileroVadModel.Device device, int threads) {
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
        public V6() {
            super(SileroVadModel.Version.V6);
        }

        @Override
        public String description() {
            return "Silero VAD v6 (ONNX Runtime, bundled, MIT), 32 ms chunks at 16 kHz or 8 kHz";
        }

        @Override
        public int priority() {
            return 200;
        }
    }

    /** {@code silero-vad-v5}. */
    public static final class V5 extends SileroVadProvider {
        public V5() {
            super(SileroVadModel.Version.V5);
        }

        @Override
        public String description() {
            return "Silero VAD v5 (ONNX Runtime, bundled, MIT), 32 ms chunks at 16 kHz or 8 kHz";
        }

        @Override
        public int priority() {
            return 150;
        }
    }
}
