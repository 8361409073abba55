package io.github.voicechat.spi;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@link EngineOption} of every kind, with fuzzed bounds, choices and lengths, and {@link EngineOptions} parsed from
 * fuzzed {@code key=value} strings and checked against them.
 *
 * <p>What must hold: a value is either refused with an {@link IllegalArgumentException} naming the key, or it parses
 * to a value inside the declared range (integers and numbers within their bounds and finite, one of the choices,
 * text within its length and free of control characters) which parses again to itself; every
 * {@link EngineOption#refusedExamples() refused example} is refused; {@link EngineOptions#check} refuses an unknown
 * key naming the valid one, and a value the option refuses. Regression inputs: {@code EngineOptionFuzzTestInputs/};
 * fuzzing: benchmarks/FUZZING.md.
 */
class EngineOptionFuzzTest {

    private enum Mode { AUTO, CPU, CUDA }

    private static final String KEY = "opt.key_1";

    @FuzzTest(maxDuration = "10m")
    void acceptsOnlyWhatItDeclares(FuzzedDataProvider data) {
        EngineOption<?> option;
        try {
            option = option(data);
        } catch (IllegalArgumentException badDeclaration) {
            return; // min > max, NaN bounds, maxLength < 1: refused at declaration, as they should be
        }
        for (String refused : option.refusedExamples()) {
            try {
                option.parse(refused);
                throw new AssertionError(option + " accepted its own refused example '" + refused + "'");
            } catch (IllegalArgumentException expected) {
                requireNamesKey(expected);
            }
        }
        int values = data.consumeInt(1, 4);
        for (int i = 0; i < values; i++) {
            String raw = rawValue(data);
            Object v;
            try {
                v = option.parse(raw);
            } catch (IllegalArgumentException refused) {
                requireNamesKey(refused);
                continue;
            }
            requireInRange(option, raw, v);
            checkThroughOptions(option, raw, v, data.consumeString(12));
        }
    }

    private static EngineOption<?> option(FuzzedDataProvider data) {
        switch (data.consumeInt(0, 5)) {
            case 0: {
                int a = data.consumeInt();
                int b = data.consumeInt();
                return EngineOption.integer(KEY, null, a, b, "an integer");
            }
            case 1: {
                List<Integer> set = new ArrayList<>();
                int n = data.consumeInt(0, 4);
                for (int i = 0; i < n; i++) {
                    set.add(data.consumeInt());
                }
                return EngineOption.integerOf(KEY, null, set, "one of a set");
            }
            case 2:
                return EngineOption.number(KEY, null, data.consumeDouble(), data.consumeDouble(), "a number");
            case 3:
                return EngineOption.bool(KEY, data.consumeBoolean(), "a flag");
            case 4:
                return EngineOption.choice(KEY, data.pickValue(Mode.values()), "a choice");
            default:
                return EngineOption.text(KEY, null, data.consumeInt(-1, 64), "some text");
        }
    }

    /** What a person or a fuzzer might type: numbers in every form, padded, signed, huge, or anything at all. */
    private static String rawValue(FuzzedDataProvider data) {
        String core = switch (data.consumeInt(0, 6)) {
            case 0 -> Integer.toString(data.consumeInt());
            case 1 -> Long.toString(data.consumeLong());
            case 2 -> Double.toString(data.consumeDouble());
            case 3 -> data.pickValue(new String[] {"true", "no", "1", "0", "auto", "CUDA", "NaN", "-Infinity", "0x10",
                "1e3", "+5", "-0", "\u0661\u0666", "\uff11\uff16", " ", ""});
            default -> data.consumeString(40);
        };
        return data.consumeBoolean() ? " " + core + "\t" : core;
    }

    private static void requireInRange(EngineOption<?> option, String raw, Object v) {
        String values = option.values();
        if (v instanceof Integer i && values.startsWith("integer ")) {
            String[] bounds = values.substring("integer ".length()).split("\\.\\.");
            if (i < Long.parseLong(bounds[0]) || i > Long.parseLong(bounds[1])) {
                throw new AssertionError(option + " accepted '" + raw + "' as " + i);
            }
        } else if (v instanceof Integer i) {
            if (!List.of(values.split("\\|")).contains(i.toString())) {
                throw new AssertionError(option + " accepted '" + raw + "' as " + i + ", not one of " + values);
            }
        } else if (v instanceof Double d) {
            if (!Double.isFinite(d)) {
                throw new AssertionError(option + " accepted '" + raw + "' as " + d);
            }
        } else if (v instanceof String s) {
            if (!s.equals(raw.strip()) || s.chars().anyMatch(Character::isISOControl)) {
                throw new AssertionError(option + " accepted '" + raw + "' as '" + s + "'");
            }
        } else if (v instanceof Mode m) {
            if (!m.name().equalsIgnoreCase(raw.strip())) {
                throw new AssertionError(option + " read '" + raw + "' as " + m);
            }
        } else if (!(v instanceof Boolean)) {
            throw new AssertionError(option + " parsed '" + raw + "' to a " + v.getClass());
        }
        Object again = option.parse(v instanceof Enum<?> e ? e.name().toLowerCase(Locale.ROOT) : String.valueOf(v));
        if (!again.equals(v)) {
            throw new AssertionError(option + ": " + v + " parses again to " + again);
        }
    }

    /** The same value through {@code key=value} parsing and {@link EngineOptions#check}, plus an unknown key. */
    private static void checkThroughOptions(EngineOption<?> option, String raw, Object v, String otherKey) {
        EngineOptions given = EngineOptions.parse(List.of(KEY + "=" + raw));
        Object read = option.get(given.check("fuzz", List.of(option)));
        if (!read.equals(v)) {
            throw new AssertionError(option + ": '" + raw + "' read as " + read + " through EngineOptions, " + v
                    + " directly");
        }
        String key = otherKey.strip();
        if (key.isEmpty() || key.equals(KEY) || key.indexOf('=') >= 0) {
            return;
        }
        try {
            EngineOptions.parse(List.of(key + "=1")).check("fuzz", List.of(option));
            throw new AssertionError("unknown key '" + key + "' accepted");
        } catch (IllegalArgumentException expected) {
            if (!expected.getMessage().contains("'" + key + "'") || !expected.getMessage().contains(KEY)) {
                throw new AssertionError("refusal of unknown key '" + key + "' names neither it nor " + KEY + ": "
                        + expected.getMessage());
            }
        }
    }

    private static void requireNamesKey(IllegalArgumentException e) {
        if (e.getMessage() == null || !e.getMessage().contains(KEY)) {
            throw new AssertionError("refusal does not name the option: " + e.getMessage(), e);
        }
    }
}
