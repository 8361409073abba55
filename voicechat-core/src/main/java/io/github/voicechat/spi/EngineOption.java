package io.github.voicechat.spi;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One option an engine reads: its key, type, default, the values it accepts, and a line of help. An engine
 * declares its options once ({@link EngineProvider#options()}) and reads them only through {@link #get} and
 * {@link #find}, so what it reads cannot disagree with what it declares: the same object parses, range-checks and
 * describes the value.
 *
 * <p>Every numeric option has both bounds: a value that would make an engine start 25,000 threads or allocate a
 * window of a year is refused before anything is loaded. Bounds are inclusive.
 *
 * @param <T> the value type: {@code Integer}, {@code Double}, {@code Boolean}, {@code String} or an enum
 */
public final class EngineOption<T> {

    private final String key;
    private final T defaultValue;
    private final String values;
    private final String description;
    private final Function<String, T> parser;
    private final List<String> refused;

    private EngineOption(String key, T defaultValue, String values, String description, Function<String, T> parser,
            List<String> refused) {
        if (key == null || !key.matches("[A-Za-z][A-Za-z0-9_.]*")) {
            throw new IllegalArgumentException("option key must be a letter then letters, digits, '_' or '.', was '"
                    + key + "'");
        }
        this.key = key;
        this.values = values;
        this.description = Objects.requireNonNull(description, "description");
        this.parser = parser;
        this.refused = List.copyOf(refused);
        this.defaultValue = defaultValue;
    }

    /**
     * An integer in {@code [min, max]}.
     *
     * @param key          the key, as given on a command line
     * @param defaultValue the value when not given, or null when the engine decides (say so in the description)
     * @param min          the smallest value accepted
     * @param max          the largest value accepted
     * @param description  one line for help texts, saying what the engine does when no value is given
     * @return the option
     */
    public static EngineOption<Integer> integer(String key, Integer defaultValue, int min, int max,
            String description) {
        if (min > max) {
            throw new IllegalArgumentException("option " + key + ": min " + min + " > max " + max);
        }
        EngineOption<Integer> o = new EngineOption<>(key, null, "integer " + min + ".." + max, description, raw -> {
            int v;
            try {
                v = Integer.parseInt(raw);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("option " + key + " must be an integer " + min + ".." + max
                        + ", was '" + raw + "'", e);
            }
            if (v < min || v > max) {
                throw new IllegalArgumentException("option " + key + " must be " + min + ".." + max + ", was " + v);
            }
            return v;
        }, List.of("many", "1.5", Long.toString(min - 1L), Long.toString(max + 1L)));
        return o.withDefault(defaultValue);
    }

    /**
     * An integer from a fixed set ({@code 8000|16000}).
     *
     * @param key          the key, as given on a command line
     * @param defaultValue the value when not given, or null when the engine decides (say so in the description)
     * @param allowed      the values accepted
     * @param description  one line for help texts, saying what the engine does when no value is given
     * @return the option
     */
    public static EngineOption<Integer> integerOf(String key, Integer defaultValue, List<Integer> allowed,
            String description) {
        List<Integer> set = List.copyOf(allowed);
        String hint = set.stream().map(String::valueOf).collect(Collectors.joining("|"));
        EngineOption<Integer> o = new EngineOption<>(key, null, hint, description, raw -> {
            Integer v = null;
            try {
                v = Integer.parseInt(raw);
            } catch (NumberFormatException e) {
                // reported below, with the accepted values
            }
            if (v == null || !set.contains(v)) {
                throw new IllegalArgumentException("option " + key + " must be one of " + hint + ", was '" + raw
                        + "'");
            }
            return v;
        }, List.of("many", Long.toString(set.stream().mapToLong(i -> i).max().orElse(0) + 1)));
        return o.withDefault(defaultValue);
    }

    /**
     * A finite number in {@code [min, max]} (NaN and infinities are refused).
     *
     * @param key          the key, as given on a command line
     * @param defaultValue the value when not given, or null when the engine decides (say so in the description)
     * @param min          the smallest value accepted, finite
     * @param max          the largest value accepted, finite
     * @param description  one line for help texts, saying what the engine does when no value is given
     * @return the option
     */
    public static EngineOption<Double> number(String key, Double defaultValue, double min, double max,
            String description) {
        if (!(min <= max) || Double.isInfinite(min) || Double.isInfinite(max)) {
            throw new IllegalArgumentException("option " + key + ": bounds must be finite with min <= max, were "
                    + min + ", " + max);
        }
        String range = num(min) + ".." + num(max);
        EngineOption<Double> o = new EngineOption<>(key, null, "number " + range, description, raw -> {
            double v;
            try {
                v = Double.parseDouble(raw);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("option " + key + " must be a number " + range + ", was '" + raw
                        + "'", e);
            }
            if (!(v >= min && v <= max)) { // also refuses NaN
                throw new IllegalArgumentException("option " + key + " must be " + range + ", was " + raw);
            }
            return v;
        }, List.of("much", "NaN", "Infinity", String.valueOf(min - 1 - Math.abs(min)),
                String.valueOf(max + 1 + Math.abs(max))));
        return o.withDefault(defaultValue);
    }

    /**
     * {@code true}/{@code false} (also {@code yes}/{@code no}, {@code 1}/{@code 0}).
     *
     * @param key          the key, as given on a command line
     * @param defaultValue the value when not given
     * @param description  one line for help texts, saying what the engine does when no value is given
     * @return the option
     */
    public static EngineOption<Boolean> bool(String key, boolean defaultValue, String description) {
        return new EngineOption<>(key, defaultValue, "true|false", description, raw -> {
            if (raw.equalsIgnoreCase("true") || raw.equals("1") || raw.equalsIgnoreCase("yes")) {
                return true;
            }
            if (raw.equalsIgnoreCase("false") || raw.equals("0") || raw.equalsIgnoreCase("no")) {
                return false;
            }
            throw new IllegalArgumentException("option " + key + " must be true or false, was '" + raw + "'");
        }, List.of("maybe", "2"));
    }

    /**
     * One of an enum's constants, written in any case ({@code auto}, {@code CPU}).
     *
     * @param <E>          the enum
     * @param key          the key, as given on a command line
     * @param defaultValue the value when not given; its class gives the constants
     * @param description  one line for help texts, saying what the engine does when no value is given
     * @return the option
     */
    public static <E extends Enum<E>> EngineOption<E> choice(String key, E defaultValue, String description) {
        Class<E> type = defaultValue.getDeclaringClass();
        E[] constants = type.getEnumConstants();
        String hint = Arrays.stream(constants).map(c -> c.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining("|"));
        return new EngineOption<>(key, defaultValue, hint, description, raw -> {
            for (E c : constants) {
                if (c.name().equalsIgnoreCase(raw)) {
                    return c;
                }
            }
            throw new IllegalArgumentException("option " + key + " must be one of " + hint + ", was '" + raw + "'");
        }, List.of("no_such_" + key));
    }

    /**
     * Free text of at most {@code maxLength} characters, without control characters.
     *
     * @param key          the key, as given on a command line
     * @param defaultValue the value when not given, or null for none
     * @param maxLength    the longest text accepted, at least 1
     * @param description  one line for help texts, saying what the engine does when no value is given
     * @return the option
     */
    public static EngineOption<String> text(String key, String defaultValue, int maxLength, String description) {
        if (maxLength < 1) {
            throw new IllegalArgumentException("option " + key + ": maxLength must be positive, was " + maxLength);
        }
        return new EngineOption<>(key, defaultValue, "text", description, raw -> {
            if (raw.length() > maxLength) {
                throw new IllegalArgumentException("option " + key + " must be at most " + maxLength
                        + " characters, was " + raw.length());
            }
            for (int i = 0; i < raw.length(); i++) {
                if (Character.isISOControl(raw.charAt(i))) {
                    throw new IllegalArgumentException("option " + key + " must not contain control characters"
                            + " (found U+" + String.format(Locale.ROOT, "%04X", (int) raw.charAt(i))
                            + " at index " + i + ")");
                }
            }
            return raw;
        }, List.of("x".repeat(maxLength + 1), "a\u0007b"));
    }

    /**
     * {@return this option with another default} The default is checked against the accepted values; the original
     * is unchanged.
     *
     * @param newDefault the new default, or null when the engine decides
     */
    public EngineOption<T> withDefault(T newDefault) {
        if (newDefault != null) {
            requireValid(newDefault);
        }
        return new EngineOption<>(key, newDefault, values, description, parser, refused);
    }

    /** {@return the key, as given on a command line} */
    public String key() {
        return key;
    }

    /** {@return the value used when the option is not given; empty when the engine decides (the description says how)} */
    public Optional<T> defaultValue() {
        return Optional.ofNullable(defaultValue);
    }

    /**
     * {@return values this option refuses, one of each kind} Ill-typed, below the range, above it, not among the
     * choices, too long: for tests and fuzzers that check every engine refuses them before loading anything.
     */
    public List<String> refusedExamples() {
        return refused;
    }

    /** {@return the accepted values in a few words: {@code integer 1..16}, {@code auto|cpu|cuda}, {@code true|false}} */
    public String values() {
        return values;
    }

    /** {@return one line for help texts} */
    public String description() {
        return description;
    }

    /**
     * Parses and checks one value.
     *
     * @param raw the value as given on a command line
     * @return the typed value
     * @throws IllegalArgumentException naming the key, the accepted values and the value given
     */
    public T parse(String raw) {
        return parser.apply(Objects.requireNonNull(raw, "raw").strip());
    }

    /**
     * Checks a typed value against this option's accepted values, for engines that also take settings as Java values
     * (a builder, a record): one range, however the value arrives.
     *
     * @param value the value
     * @return {@code value}
     * @throws IllegalArgumentException as {@link #parse} does
     */
    public T requireValid(T value) {
        parse(value instanceof Enum<?> e ? e.name() : String.valueOf(Objects.requireNonNull(value, key)));
        return value;
    }

    /**
     * The value given in {@code options}, parsed and checked, else the default (null when there is none).
     *
     * @param options the options given to the engine
     * @return the value
     * @throws IllegalArgumentException if the given value is ill-typed or out of range
     * @throws IllegalStateException    if {@code options} were checked against a list that does not declare this
     *                                  option: the engine reads what it did not declare
     */
    public T get(EngineOptions options) {
        return find(options).orElse(defaultValue);
    }

    /**
     * {@return the value given in {@code options}, parsed and checked; empty when not given}
     *
     * @param options the options given to the engine
     */
    public Optional<T> find(EngineOptions options) {
        options.requireDeclared(this);
        return options.get(key).map(this::parse);
    }

    /** {@code key=values (default d): description}, one line for help texts. */
    @Override
    public String toString() {
        return key + "=" + values + (defaultValue == null ? "" : " (default " + show(defaultValue) + ")") + ": "
                + description;
    }

    /**
     * {@return every option in one line each} For help texts and error messages.
     *
     * @param options the options
     */
    public static List<String> describe(List<? extends EngineOption<?>> options) {
        List<String> out = new ArrayList<>();
        for (EngineOption<?> o : options) {
            out.add(o.toString());
        }
        return out;
    }

    private static String show(Object v) {
        return v instanceof Enum<?> e ? e.name().toLowerCase(Locale.ROOT) : v instanceof Double d ? num(d)
                : String.valueOf(v);
    }

    private static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.valueOf(v);
    }
}
