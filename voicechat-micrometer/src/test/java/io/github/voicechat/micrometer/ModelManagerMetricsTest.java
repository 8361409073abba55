package io.github.voicechat.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.voicechat.models.LoadedModel;
import io.github.voicechat.models.ModelCatalog;
import io.github.voicechat.models.ModelEntry;
import io.github.voicechat.models.ModelLoadException;
import io.github.voicechat.models.ModelLoader;
import io.github.voicechat.models.ModelManager;
import io.github.voicechat.models.ModelStore;
import io.github.voicechat.models.ModelTask;
import io.github.voicechat.models.ResolvedModel;
import io.github.voicechat.time.VirtualClock;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model manager's meters on the virtual clock: loads take exactly what the loader advanced the clock by. */
class ModelManagerMetricsTest {

    @TempDir
    Path home;

    private final VirtualClock clock = new VirtualClock();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    /** Loads a 1000-byte model in 250 ms of virtual time; "fake-bad" fails. */
    private final ModelLoader loader = new ModelLoader() {
        @Override
        public String engine() {
            return "fake";
        }

        @Override
        public LoadedModel load(ModelEntry entry, ResolvedModel files) throws Exception {
            clock.advanceMillis(250);
            if (entry.id().equals("fake-bad")) {
                throw new java.io.IOException("corrupt weights");
            }
            return new LoadedModel() {
                @Override
                public long sizeBytes() {
                    return 1000;
                }

                @Override
                public void close() {
                }
            };
        }
    };

    private static ModelEntry entry(String id) {
        return new ModelEntry(id, "fake", ModelTask.ASR, List.of("en"), 16000, List.of(), "MIT", "fake engine");
    }

    @Test
    void loadsLoadTimeEvictionsAndResidentModels() {
        ModelStore store = ModelStore.builder()
                .catalog(ModelCatalog.of(List.of(entry("fake-a"), entry("fake-b"), entry("fake-bad"))))
                .home(home).build();
        try (ModelManager manager = ModelManager.newBuilder().store(store).loader(loader).useServiceLoader(false)
                .clock(clock).evictionInterval(Duration.ZERO).maxResidentModels(1).build()) {
            new ModelManagerMetrics(manager).bindTo(registry);

            manager.acquire("fake-a").close();
            assertThat(registry.get("voicechat.models.resident").gauge().value()).isEqualTo(1);
            assertThat(registry.get("voicechat.models.resident.bytes").gauge().value()).isEqualTo(1000);
            // A second model over the cap of one: the eviction pass closes the least recently used, the first.
            manager.acquire("fake-b").close();
            assertThat(manager.runEvictionPass()).isEqualTo(1);
            assertThatThrownBy(() -> manager.acquire("fake-bad")).isInstanceOf(ModelLoadException.class);
            manager.evict("fake-b");

            assertThat(registry.get("voicechat.models.loads").tag("model", "fake-a").tag("outcome", "loaded")
                    .counter().count()).isEqualTo(1);
            assertThat(registry.get("voicechat.models.loads").tag("model", "fake-b").tag("outcome", "loaded")
                    .counter().count()).isEqualTo(1);
            assertThat(registry.get("voicechat.models.loads").tag("model", "fake-bad").tag("outcome", "failed")
                    .counter().count()).isEqualTo(1);
            Timer loadA = registry.get("voicechat.models.load.time").tag("model", "fake-a").timer();
            assertThat(loadA.count()).isEqualTo(1);
            assertThat(loadA.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(250.0);
            assertThat(registry.get("voicechat.models.evictions").tag("model", "fake-a").tag("reason", "lru-count")
                    .counter().count()).isEqualTo(1);
            assertThat(registry.get("voicechat.models.evictions").tag("model", "fake-b").tag("reason", "manual")
                    .counter().count()).isEqualTo(1);
            assertThat(registry.get("voicechat.models.resident").gauge().value()).isZero();
            assertThat(registry.get("voicechat.models.resident.bytes").gauge().value()).isZero();
        }
    }
}
