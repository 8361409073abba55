package io.github.voicechat.whisper;

import io.github.voicechat.models.ModelEntry;
import io.github.voicechat.models.ModelStore;
import io.github.voicechat.spi.EngineCapabilities;
import io.github.voicechat.spi.EngineOption;
import io.github.voicechat.spi.EngineOptions;
import io.github.voicechat.spi.EngineProvider;
import io.github.voicechat.spi.SpeechRecognizer;
import io.github.voicechat.whisper.internal.NativeWhisper;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code whisper-*}: one provider per Whisper model of the catalog. Available when the model file is installed
 * ({@code voicechat models pull ID}) or in {@code $VOICECHAT_MODELS}; otherwise {@link #unavailableReason()} says
 * how to get it and engine selection falls back to the next recognizer (Sphinx).
 *
 * <p>Priorities rank Whisper above classic engines, and among Whisper models by fitness for realtime conversation on
 * a CPU: {@code base.en} first (good accuracy, several times faster than real time on 2 cores), then
 * {@code tiny.en} (fastest, more errors), then {@code small.en}; multilingual models below their English-only twins
 * (the {@code .en} models are more accurate on English); medium and large last (slower than real time on small
 * CPUs). An explicit {@code --asr whisper-small} always wins over priorities.
 */
public abstract class WhisperProvider implements EngineProvider<SpeechRecognizer> {

    private final String id;
    private final int priority;
    private final Supplier<ModelStore> store;
    private volatile ModelStore cached;

    /**
     * A provider for catalog model {@code id}, resolved through {@link WhisperModels#defaultStore()}.
     *
     * @param id       a catalog id starting with {@code whisper-}
     * @param priority higher wins among available ASR providers (Sphinx is 0)
     */
    protected WhisperProvider(String id, int priority) {
        this(id, priority, WhisperModels::defaultStore);
    }

    private WhisperProvider(String id, int priority, Supplier<ModelStore> store) {
        this.id = Objects.requireNonNull(id, "id");
        this.priority = priority;
        this.store = store;
    }

    /**
     * {@return a provider for any catalog id, resolving models through {@code store}} For tests and custom homes.
     *
     * @param id    a catalog id
     * @param store where the model is found
     * @throws io.github.voicechat.models.UnknownModelException if the catalog has no such id
     */
    public static WhisperProvider of(String id, ModelStore store) {
        Objects.requireNonNull(store, "store");
        store.catalog().get(id); // unknown ids fail here, with the nearest ids
        return new WhisperProvider(id, 0, () -> store) {
        };
    }

    @Override
    public final String id() {
        return id;
    }

    @Override
    public final Class<SpeechRecognizer> engineType() {
        return SpeechRecognizer.class;
    }

    @Override
    public int priority() {
        return priority;
    }

    /** {@return the store models are resolved through} Built on first use, so system properties set by then count. */
    public ModelStore store() {
        ModelStore s = cached;
        if (s == null) {
            s = store.get();
            cached = s;
        }
        return s;
    }

    private ModelEntry entry() {
        return store().catalog().get(id);
    }

    /** {@return whether this id names an English-only model ({@code .en})} */
    public boolean englishOnly() {
        return id.endsWith(".en");
    }

    @Override
    public EngineCapabilities capabilities() {
        // Multilingual models list no language: EngineCapabilities treats that as "any".
        Set<String> langs = englishOnly() ? Set.of("en") : Set.copyOf(entry().languages());
        return new EngineCapabilities(langs, false, WhisperRecognizer.SAMPLE_RATE_HZ, List.of());
    }

    @Override
    public String description() {
        ModelEntry e = entry();
        return id + ": " + e.description() + " whisper.cpp via whisper-jni (MIT/Apache-2.0), model licence "
                + e.license();
    }

    @Override
    public Optional<String> unavailableReason() {
        Optional<String> missing = WhisperModels.missing(store(), id);
        return missing.isPresent() ? missing : NativeWhisper.unavailableReason();
    }

    /**
     * Loads the model for this recognizer alone (one context per recognizer). To share one loaded model among
     * several recognizers, acquire it from a {@code ModelManager} and use
     * {@link WhisperRecognizer#create(io.github.voicechat.models.ModelHandle, WhisperOptions)}.
     *
     * @throws io.github.voicechat.spi.EngineException when the model is not installed (id, where it looked, the
     *                                                 pull command) or cannot be loaded
     * @throws IllegalArgumentException                on bad options
     */
    @Override
    public List<EngineOption<?>> options() {
        return WhisperOptions.OPTIONS;
    }

    @Override
    public SpeechRecognizer newEngine(EngineOptions options) {
        WhisperOptions o = WhisperOptions.parse(options);
        // Checked before loading: an English-only id says so without reading hundreds of MB.
        o.forModel(id, !englishOnly());
        return WhisperRecognizer.open(id, WhisperModels.resolve(store(), id), o);
    }

    @Override
    public String toString() {
        return "WhisperProvider[" + id + "]";
    }

    /** {@code whisper-tiny.en}. */
    public static final class TinyEn extends WhisperProvider {
        /** The provider ServiceLoader creates. */
        public TinyEn() {
            super("whisper-tiny.en", 290);
        }
    }

    /** {@code whisper-tiny}. */
    public static final class Tiny extends WhisperProvider {
        /** The provider ServiceLoader creates. */
        public Tiny() {
            super("whisper-tiny", 250);
        }
    }

    /** {@code whisper-base.en}: the default when installed. */
    public static final class BaseEn extends WhisperProvider {
        /** The provider ServiceLoader creates. */
        public BaseEn() {
            super("whisper-base.en", 300);
        }
    }

    /** {@code whisper-base}. */
    public static final class Base extends WhisperProvider {
        /** The provider ServiceLoader creates. */
        public Base() {
            super("whisper-base", 260);
        }
    }

    /** {@code whisper-small.en}. */
    public static final class SmallEn extends WhisperProvider {
        /** The provider ServiceLoader creates. */
        public SmallEn() {
            super("whisper-small.en", 280);
        }
    }

    /** {@code whisper-small}. */
    public static final class Small extends WhisperProvider {
        /** The provider ServiceLoader creates. */
        public Small() {
            super("whisper-small", 240);
        }
    }

    /** {@code whisper-medium.en}. */
    public static final class MediumEn extends WhisperProvider {
        /** The provider ServiceLoader creates. */
        public MediumEn() {
            super("whisper-medium.en", 230);
        }
    }

    /** {@code whisper-medium}. */
    public static final class Medium extends WhisperProvider {
        /** The provider ServiceLoader creates. */
        public Medium() {
            super("whisper-medium", 220);
        }
    }

    /** {@code whisper-large-v3}. */
    public static final class LargeV3 extends WhisperProvider {
        /** The provider ServiceLoader creates. */
        public LargeV3() {
            super("whisper-large-v3", 210);
        }
    }
}
