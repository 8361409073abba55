package io.github.voicechat.spi;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** Finds engine providers on the class path and chooses among them by id, id prefix or capability. */
public final class Engines {

    private Engines() {
    }

    /**
     * {@return every provider visible to {@code loader}} Sorted by engine type, then priority (highest first), then
     * id.
     *
     * @param loader where to look for {@code META-INF/services} entries
     */
    public static List<EngineProvider<?>> all(ClassLoader loader) {
        List<EngineProvider<?>> out = new ArrayList<>();
        for (EngineProvider<?> p : ServiceLoader.load(EngineProvider.class, loader)) {
            out.add(p);
        }
        out.sort(Comparator.comparing((EngineProvider<?> p) -> p.engineType().getSimpleName())
                .thenComparing(p -> -p.priority())
                .thenComparing(EngineProvider::id));
        return out;
    }

    /** {@return every provider visible to this class's loader, sorted as {@link #all(ClassLoader)} sorts} */
    public static List<EngineProvider<?>> all() {
        return all(Engines.class.getClassLoader());
    }

    /**
     * Providers of one engine type by priority, highest first. Availability is not checked here: asking a provider
     * may load its native library, so {@link #find} and {@link #best} ask only until they have an answer.
     *
     * @param <E>  the engine interface
     * @param type the engine interface
     * @return the providers, highest priority first
     */
    @SuppressWarnings("unchecked")
    public static <E extends AutoCloseable> List<EngineProvider<E>> of(Class<E> type) {
        return all().stream()
                .filter(p -> p.engineType() == type)
                .map(p -> (EngineProvider<E>) p)
                .sorted(Comparator.comparing((EngineProvider<E> p) -> -p.priority()).thenComparing(EngineProvider::id))
                .collect(Collectors.toList());
    }

    /**
     * The provider whose id equals {@code idOrPrefix}, else the highest-priority available one whose id starts
     * with it, else (so that its create() can explain what is missing) the highest-priority one that matches.
     *
     * @param <E>        the engine interface
     * @param type       the engine interface
     * @param idOrPrefix an id, or its family prefix ({@code silero})
     * @return the provider
     * @throws EngineException naming the known ids when none matches
     */
    public static <E extends AutoCloseable> EngineProvider<E> find(Class<E> type, String idOrPrefix) {
        List<EngineProvider<E>> candidates = of(type);
        for (EngineProvider<E> p : candidates) {
            if (p.id().equals(idOrPrefix)) {
                return p;
            }
        }
        EngineProvider<E> firstMatch = null;
        for (EngineProvider<E> p : candidates) {
            if (p.id().startsWith(idOrPrefix)) {
                if (p.unavailableReason().isEmpty()) {
                    return p;
                }
                if (firstMatch == null) {
                    firstMatch = p;
                }
            }
        }
        if (firstMatch != null) {
            return firstMatch;
        }
        throw new EngineException("no " + type.getSimpleName() + " engine '" + idOrPrefix + "'; known: "
                + candidates.stream().map(EngineProvider::id).collect(Collectors.joining(", ")));
    }

    /**
     * {@return the highest-priority available provider whose capabilities satisfy {@code filter}}
     *
     * @param <E>    the engine interface
     * @param type   the engine interface
     * @param filter what the engine must be able to do
     */
    public static <E extends AutoCloseable> Optional<EngineProvider<E>> best(
            Class<E> type, Predicate<EngineCapabilities> filter) {
        for (EngineProvider<E> p : of(type)) {
            if (filter.test(p.capabilities()) && p.unavailableReason().isEmpty()) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
