package io.github.voicechat.micrometer;

import io.github.voicechat.models.ModelEvent;
import io.github.voicechat.models.ModelInfo;
import io.github.voicechat.models.ModelManager;
import io.github.voicechat.models.ModelState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Meters for a {@link ModelManager}: {@code voicechat.models.loads} (tag {@code outcome}: {@code loaded} or
 * {@code failed}), {@code voicechat.models.load.time} (load plus warm-up), {@code voicechat.models.evictions} (tag
 * {@code reason}: {@code idle-ttl}, {@code lru-count}, {@code lru-bytes}, {@code manual}, {@code shutdown}) and the
 * gauges {@code voicechat.models.resident} and {@code voicechat.models.resident.bytes}. Each carries the model id as
 * tag {@code model}: a catalog id, one per engine model, never anything a user said.
 *
 * <pre>{@code
 * new ModelManagerMetrics(manager).bindTo(registry);
 * }</pre>
 *
 * <p>It listens to the manager's events ({@link ModelManager#addListener}), which it cannot stop doing: bind a
 * manager to a registry once. Needs {@code voicechat-models} on the class path (an optional dependency of this
 * module).
 */
public final class ModelManagerMetrics implements MeterBinder {

    private static final Pattern MODEL_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Set<String> REASONS = Set.of("idle-ttl", "lru-count", "lru-bytes", "manual", "shutdown");

    private final ModelManager manager;

    /**
     * Meters for {@code manager}, once bound.
     *
     * @param manager the model manager to watch
     */
    public ModelManagerMetrics(ModelManager manager) {
        this.manager = Objects.requireNonNull(manager, "manager");
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("voicechat.models.resident", manager, m -> resident(m, false))
                .description("Models loaded and ready").register(registry);
        Gauge.builder("voicechat.models.resident.bytes", manager, m -> resident(m, true))
                .description("The loaders' estimate of the resident models' size").baseUnit("bytes")
                .register(registry);
        manager.addListener(event -> onEvent(registry, event));
    }

    private static double resident(ModelManager manager, boolean bytes) {
        double total = 0;
        for (ModelInfo m : manager.list()) {
            if (m.state() == ModelState.READY) {
                total += bytes ? m.sizeBytes() : 1;
            }
        }
        return total;
    }

    private static void onEvent(MeterRegistry registry, ModelEvent e) {
        String model = MODEL_ID.matcher(e.modelId()).matches() ? e.modelId() : "other";
        switch (e.type()) {
            case LOADED -> {
                loads(registry, model, "loaded").increment();
                Timer.builder("voicechat.models.load.time").tag("model", model)
                        .description("Load plus warm-up time of a model").register(registry)
                        .record(e.loadTime() == null ? Duration.ZERO : e.loadTime());
            }
            case LOAD_FAILED -> loads(registry, model, "failed").increment();
            case EVICTED -> {
                String reason = e.reason() == null ? "" : e.reason().toLowerCase(Locale.ROOT);
                Counter.builder("voicechat.models.evictions").tag("model", model)
                        .tag("reason", REASONS.contains(reason) ? reason : "other")
                        .description("Models closed and dropped by the manager").register(registry).increment();
            }
            default -> {
                // A new kind of event: no meter for it yet.
            }
        }
    }

    private static Counter loads(MeterRegistry registry, String model, String outcome) {
        return Counter.builder("voicechat.models.loads").tag("model", model).tag("outcome", outcome)
                .description("Model loads, by outcome").register(registry);
    }
}
