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

    /** Every provider visible to {@code loader}. */
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

    public static List<EngineProvider<?>> all() {
        return all(Engines.class.getClassLoader());
    }

    /** Providers of one engine type, best first (available before unavailable, then by priority). */
    @SuppressWarnings("unchecked")
    public static <E extends AutoCloseable> List<EngineProvider<E>> of(Class<E> type) {
        return all().stream()
                .filter(p -> p.engineType() == type)
                .map(p -> (EngineProvider<E>) p)
                .sorted(Comparator.comparing((EngineProvider<E> p) -> p.unavailableReason().isPresent())
                        .thenComparing(p -> -p.priority()))
                .collect(Collectors.toList());
    }

    /**
     * The provider whose id equals {@code idOrPrefix}, else the best available one whose id starts with it.
     *
     * @throws EngineException naming the known ids when none matches
     */
    public static <E extends AutoCloseable> EngineProvider<E> find(Class<E> type, String idOrPrefix) {
        List<EngineProvider<E>> candidates = of(type);
        for (EngineProvider<E> p : candidates) {
            if (p.id().equals(idOrPrefix)) {
                return p;
            }
        }
        for (EngineProvider<E> p : candidates) {
            if (p.id().startsWith(idOrPrefix) && p.unavailableReason().isEmpty()) {
                return p;
            }
        }
        for (EngineProvider<E> p : candidates) {
            if (p.id().startsWith(idOrPrefix)) {
                return p; // unavailable, but its create() explains why, which beats "unknown engine"
            }
        }
        throw new EngineException("no " + type.getSimpleName() + " engine '" + idOrPrefix + "'; known: "
                + candidates.stream().map(EngineProvider::id).collect(Collectors.joining(", ")));
    }

    /** The best available provider whose capabilities satisfy {@code filter}. */
    public static <E extends AutoCloseable> Optional<EngineProvider<E>> best(
            Class<E> type, Predicate<EngineCapabilities> filter) {
        return of(type).stream()
                .filter(p -> p.unavailableReason().isEmpty())
                .filter(p -> filter.test(p.capabilities()))
                .findFirst();
    }
}
