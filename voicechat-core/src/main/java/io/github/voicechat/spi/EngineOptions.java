package io.github.voicechat.spi;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Immutable string options for creating an engine ({@code threshold=0.5}, {@code beam=2000}), with typed getters. */
public final class EngineOptions {
    public static final EngineOptions EMPTY = new EngineOptions(Map.of());

    private final Map<String, String> values;

    private EngineOptions(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    public static EngineOptions of(Map<String, String> values) {
        return new EngineOptions(values);
    }

    /** Parses {@code key=value} strings, as given on a command line. */
    public static EngineOptions parse(Iterable<String> keyValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String kv : keyValues) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("engine option must be key=value, was '" + kv + "'");
            }
            m.put(kv.substring(0, eq).strip(), kv.substring(eq + 1).strip());
        }
        return new EngineOptions(m);
    }

    public EngineOptions with(String key, String value) {
        Map<String, String> m = new LinkedHashMap<>(values);
        m.put(key, value);
        return new EngineOptions(m);
    }

    public Map<String, String> asMap() {
        return values;
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    public String getString(String key, String defaultValue) {
        return values.getOrDefault(key, defaultValue);
    }

    public int getInt(String key, int defaultValue) {
        String v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option " + key + " must be an integer, was '" + v + "'", e);
        }
    }

    public double getDouble(String key, double defaultValue) {
        String v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option " + key + " must be a number, was '" + v + "'", e);
        }
    }

    public boolean getBoolean(String key, boolean defaultValue) {
        String v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        if (v.equalsIgnoreCase("true") || v.equals("1") || v.equalsIgnoreCase("yes")) {
            return true;
        }
        if (v.equalsIgnoreCase("false") || v.equals("0") || v.equalsIgnoreCase("no")) {
            return false;
        }
        throw new IllegalArgumentException("option " + key + " must be true or false, was '" + v + "'");
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
