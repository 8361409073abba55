package io.github.voicechat.spi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Immutable string options for creating an engine ({@code threshold=0.5}, {@code beam=2000}), as given on a command
 * line. Engines read them through the {@link EngineOption}s they declare, never by key: see
 * {@link EngineProvider#options()}.
 */
public final class EngineOptions {
    /** No options. */
    public static final EngineOptions EMPTY = new EngineOptions(Map.of(), null);

    private final Map<String, String> values;
    /** The options these values were checked against (by identity), or null when not checked. */
    private final Set<EngineOption<?>> declared;

    private EngineOptions(Map<String, String> values, Set<EngineOption<?>> declared) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        this.declared = declared;
    }

    /**
     * {@return these values, not yet checked}
     *
     * @param values raw values by key
     */
    public static EngineOptions of(Map<String, String> values) {
        return new EngineOptions(values, null);
    }

    /**
     * Parses {@code key=value} strings, as given on a command line.
     *
     * @param keyValues the strings
     * @return the options, not yet checked
     * @throws IllegalArgumentException on a string without {@code =}, an empty key or a key given twice
     */
    public static EngineOptions parse(Iterable<String> keyValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String kv : keyValues) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("engine option must be key=value, was '" + kv + "'");
            }
            String key = kv.substring(0, eq).strip();
            if (m.put(key, kv.substring(eq + 1).strip()) != null) {
                throw new IllegalArgumentException("engine option " + key + " is given twice");
            }
        }
        return new EngineOptions(m, null);
    }

    /**
     * {@return these options plus {@code key=value}, replacing a value for the same key}
     *
     * @param key   the key
     * @param value its raw value
     */
    public EngineOptions with(String key, String value) {
        Map<String, String> m = new LinkedHashMap<>(values);
        m.put(key, value);
        return new EngineOptions(m, null);
    }

    /**
     * {@return only the keys that {@code options} declare, unchecked} For handing one part of a set to its owner.
     *
     * @param options the options to keep
     */
    public EngineOptions only(List<? extends EngineOption<?>> options) {
        Map<String, String> m = new LinkedHashMap<>();
        for (EngineOption<?> o : options) {
            String v = values.get(o.key());
            if (v != null) {
                m.put(o.key(), v);
            }
        }
        return new EngineOptions(m, null);
    }

    /**
     * Checks every value against {@code options}, the options of {@code owner} (an engine id, or a name such as
     * {@code "turn policy"}): a key none of them declares, a value of the wrong type and a value out of range are
     * refused, the message listing the valid keys. The result remembers the list, so that reading an option the
     * list does not hold is caught too ({@link EngineOption#get} throws {@link IllegalStateException}).
     *
     * @param owner   what the options are for, as error messages name it
     * @param options every option the owner reads
     * @return the same values, checked
     * @throws IllegalArgumentException naming the first unknown key (with the valid ones) or the first bad value
     */
    public EngineOptions check(String owner, List<? extends EngineOption<?>> options) {
        Map<String, EngineOption<?>> byKey = new TreeMap<>();
        Set<EngineOption<?>> set = Collections.newSetFromMap(new IdentityHashMap<>());
        for (EngineOption<?> o : options) {
            if (byKey.put(o.key(), o) != null) {
                throw new IllegalStateException(owner + " declares option " + o.key() + " twice");
            }
            set.add(o);
        }
        for (Map.Entry<String, String> e : values.entrySet()) {
            EngineOption<?> o = byKey.get(e.getKey());
            if (o == null) {
                throw new IllegalArgumentException("unknown option '" + e.getKey() + "' for " + owner + "; "
                        + validKeys(byKey.keySet()));
            }
            try {
                o.parse(e.getValue());
            } catch (IllegalArgumentException bad) {
                throw new IllegalArgumentException(bad.getMessage() + " (for " + owner + ")", bad);
            }
        }
        return new EngineOptions(values, Collections.unmodifiableSet(set));
    }

    private static String validKeys(Set<String> keys) {
        return keys.isEmpty() ? "it takes no options" : "valid: " + String.join(", ", new ArrayList<>(keys));
    }

    void requireDeclared(EngineOption<?> option) {
        if (declared != null && !declared.contains(option)) {
            throw new IllegalStateException("option " + option.key() + " is read but was not declared: the engine's"
                    + " options() must list the EngineOption it reads");
        }
    }

    /** {@return the raw values by key, unmodifiable} */
    public Map<String, String> asMap() {
        return values;
    }

    /**
     * {@return the raw value of {@code key}} Engines read typed values through {@link EngineOption#get} instead.
     *
     * @param key the key
     */
    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    /** {@return whether no option is given} */
    public boolean isEmpty() {
        return values.isEmpty();
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
