package io.github.voicechat.spi;

import java.util.List;
import java.util.Objects;

/**
 * An {@link EngineProvider} whose facts are fixed at construction: a subclass passes them to this constructor,
 * adds the public no-argument constructor {@link java.util.ServiceLoader} needs, and implements
 * {@link #newEngine}.
 *
 * @param <E> the engine interface
 */
public abstract class AbstractEngineProvider<E extends AutoCloseable> implements EngineProvider<E> {

    private final Class<E> engineType;
    private final String id;
    private final int priority;
    private final EngineCapabilities capabilities;
    private final String description;
    private final List<EngineOption<?>> options;

    /**
     * A provider with fixed properties.
     *
     * @param engineType  the engine interface it creates
     * @param id          its unique id, engine family first
     * @param priority    higher wins when several providers fit (see {@link EngineProvider#priority()})
     * @param capabilities what its engines can do
     * @param description one line for {@code voicechat engines}
     * @param options     the options {@link #newEngine} reads
     */
    protected AbstractEngineProvider(Class<E> engineType, String id, int priority, EngineCapabilities capabilities,
            String description, List<? extends EngineOption<?>> options) {
        this.engineType = Objects.requireNonNull(engineType, "engineType");
        this.id = Objects.requireNonNull(id, "id");
        this.priority = priority;
        this.capabilities = Objects.requireNonNull(capabilities, "capabilities");
        this.description = Objects.requireNonNull(description, "description");
        this.options = List.copyOf(options);
    }

    @Override
    public final String id() {
        return id;
    }

    @Override
    public final Class<E> engineType() {
        return engineType;
    }

    @Override
    public final EngineCapabilities capabilities() {
        return capabilities;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public final int priority() {
        return priority;
    }

    @Override
    public final List<EngineOption<?>> options() {
        return options;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + id + "]";
    }
}
