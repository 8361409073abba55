package io.github.voicechat.examples;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.voicechat.spi.EngineOption;
import io.github.voicechat.spi.EngineOptions;
import io.github.voicechat.spi.EngineProvider;
import io.github.voicechat.spi.Engines;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fuzzed options for every engine on the command line's class path ({@link Engines#all()}: Silero, WebRTC, Sphinx,
 * FreeTTS, Whisper, Piper): declared keys with fuzzed values (their refused examples, numbers in every form,
 * anything at all) mixed with unknown keys.
 *
 * <p>What must hold: whatever {@link EngineOptions#check} refuses, {@link EngineProvider#create} refuses too, with
 * the same {@link IllegalArgumentException}, before building anything (so no model, thread or native handle is
 * touched); the message names the bad key, and for an unknown key every valid one. Whatever it accepts reads back
 * through each declared option as a value the option accepts again: an engine never sees a value outside the range
 * it declares (issue 16: {@code threads=100000} started 25,000 threads). Engines are not built for accepted options,
 * since some take seconds to load; {@code create} is {@code newEngine(check(...))}, so the check is what guards them.
 * Regression inputs: {@code EngineProvidersOptionsFuzzTestInputs/}; fuzzing: benchmarks/FUZZING.md.
 */
class EngineProvidersOptionsFuzzTest {

    private static final List<EngineProvider<?>> PROVIDERS = Engines.all();

    @FuzzTest(maxDuration = "10m")
    void refusesBeforeBuildingOrPassesOnlyDeclaredValues(FuzzedDataProvider data) {
        EngineProvider<?> provider = PROVIDERS.get(data.consumeInt(0, PROVIDERS.size() - 1));
        List<EngineOption<?>> declared = provider.options();
        Map<String, String> given = new LinkedHashMap<>();
        int n = data.consumeInt(0, 4);
        for (int i = 0; i < n; i++) {
            boolean known = !declared.isEmpty() && data.consumeInt(0, 5) > 0;
            EngineOption<?> o = known ? declared.get(data.consumeInt(0, declared.size() - 1)) : null;
            String key = o != null ? o.key() : data.consumeString(16);
            given.put(key, value(data, o));
        }
        EngineOptions options = EngineOptions.of(given);
        EngineOptions checked;
        try {
            checked = options.check(provider.id(), declared);
        } catch (IllegalArgumentException refused) {
            requireClearRefusal(provider, given, refused);
            requireCreateRefuses(provider, options, refused);
            return;
        }
        for (EngineOption<?> o : declared) {
            readBack(provider, o, checked, given.get(o.key()));
        }
    }

    private static String value(FuzzedDataProvider data, EngineOption<?> o) {
        int kind = data.consumeInt(0, 5);
        if (o != null && kind == 0 && !o.refusedExamples().isEmpty()) {
            return o.refusedExamples().get(data.consumeInt(0, o.refusedExamples().size() - 1));
        }
        if (o != null && kind == 1 && o.defaultValue().isPresent()) {
            return String.valueOf(o.defaultValue().get());
        }
        return switch (kind) {
            case 2 -> Integer.toString(data.consumeInt(-2, 100_001));
            case 3 -> Double.toString(data.consumeDouble());
            case 4 -> data.pickValue(new String[] {"true", "false", "auto", "cpu", "cuda", "16000", "8000", "48000",
                "0", "1", "16", "17", "-1", "NaN", "1e9", "en-us", "x".repeat(201)});
            default -> data.consumeString(24);
        };
    }

    /** The message names the first key at fault; for an unknown key, it lists every valid key. */
    private static void requireClearRefusal(EngineProvider<?> provider, Map<String, String> given,
            IllegalArgumentException refused) {
        String m = String.valueOf(refused.getMessage());
        if (!m.contains(provider.id())) {
            throw new AssertionError(provider.id() + ": refusal does not name the engine: " + m, refused);
        }
        boolean namesAKey = given.keySet().stream().anyMatch(k -> m.contains(k));
        if (!namesAKey) {
            throw new AssertionError(provider.id() + ": refusal names none of the keys " + given.keySet() + ": " + m,
                    refused);
        }
        if (m.startsWith("unknown option")) {
            for (EngineOption<?> o : provider.options()) {
                if (!m.contains(o.key())) {
                    throw new AssertionError(provider.id() + ": refusal does not list valid key " + o.key() + ": "
                            + m, refused);
                }
            }
        }
    }

    private static void requireCreateRefuses(EngineProvider<?> provider, EngineOptions options,
            IllegalArgumentException refused) {
        AutoCloseable engine;
        try {
            engine = provider.create(options);
        } catch (IllegalArgumentException sameRefusal) {
            if (!String.valueOf(sameRefusal.getMessage()).equals(refused.getMessage())) {
                throw new AssertionError(provider.id() + ": create refused with '" + sameRefusal.getMessage()
                        + "', check with '" + refused.getMessage() + "'", sameRefusal);
            }
            return;
        } catch (RuntimeException | LinkageError other) {
            throw new AssertionError(provider.id() + ": create got as far as " + other + " with options check"
                    + " refuses (" + refused.getMessage() + ")", other);
        }
        AssertionError built = new AssertionError(provider.id() + " built an engine with options that check"
                + " refuses: " + options);
        try {
            engine.close();
        } catch (Exception e) {
            built.addSuppressed(e);
        }
        throw built;
    }

    private static <T> void readBack(EngineProvider<?> provider, EngineOption<T> o, EngineOptions checked,
            String raw) {
        T v = o.get(checked);
        if (v == null) {
            if (raw != null) {
                throw new AssertionError(provider.id() + " " + o.key() + "=" + raw + " was accepted but reads null");
            }
            return;
        }
        try {
            o.requireValid(v);
        } catch (IllegalArgumentException e) {
            throw new AssertionError(provider.id() + " " + o.key() + ": accepted '" + raw + "' reads as " + v
                    + ", which the option refuses: " + e.getMessage(), e);
        }
        if (raw != null && !v.equals(o.parse(raw))) {
            throw new AssertionError(provider.id() + " " + o.key() + "=" + raw + " reads as " + v);
        }
    }
}
