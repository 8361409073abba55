package io.github.voicechat.testkit;

import io.github.voicechat.spi.EngineOption;
import io.github.voicechat.spi.EngineOptions;
import io.github.voicechat.spi.EngineProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The contract every {@link EngineProvider} keeps for its options, as cases a parameterized test runs: an unknown key
 * is refused naming every valid key, and each declared option refuses its ill-typed and out-of-range values (its
 * {@link EngineOption#refusedExamples()}), all with an {@link IllegalArgumentException} from {@code create} before
 * the engine is built, so no model, native library or thread is touched.
 */
public final class EngineOptionChecks {

    /** The key no engine declares. */
    public static final String UNKNOWN_KEY = "no_such_option";

    /** One wrong option for one provider. */
    public record BadOption(EngineProvider<?> provider, String key, String value) {
        @Override
        public String toString() {
            return provider.id() + " " + key + "=" + (value.length() > 20 ? value.substring(0, 20) + "…" : value);
        }
    }

    private EngineOptionChecks() {
    }

    /**
     * {@return every wrong option for each of {@code providers}} An unknown key, and each refused example of every
     * option they declare.
     *
     * @param providers the providers
     */
    public static List<BadOption> badOptions(List<? extends EngineProvider<?>> providers) {
        List<BadOption> out = new ArrayList<>();
        for (EngineProvider<?> p : providers) {
            out.add(new BadOption(p, UNKNOWN_KEY, "1"));
            for (EngineOption<?> o : p.options()) {
                for (String value : o.refusedExamples()) {
                    out.add(new BadOption(p, o.key(), value));
                }
            }
        }
        return out;
    }

    /**
     * Asks the provider to create an engine with the bad option and checks the refusal.
     *
     * @param bad the provider, key and value
     * @return the message, for further checks
     * @throws AssertionError if an engine was created, another exception came, or the message does not name the key
     *                        (and, for an unknown key, every valid one)
     */
    public static String assertRefused(BadOption bad) {
        AutoCloseable engine;
        try {
            engine = bad.provider().create(EngineOptions.of(Map.of(bad.key(), bad.value())));
        } catch (IllegalArgumentException expected) {
            String m = String.valueOf(expected.getMessage());
            if (!m.contains(bad.key())) {
                throw new AssertionError(bad + ": the message does not name the key: " + m);
            }
            if (bad.key().equals(UNKNOWN_KEY)) {
                for (EngineOption<?> o : bad.provider().options()) {
                    if (!m.contains(o.key())) {
                        throw new AssertionError(bad + ": the message does not list valid key " + o.key() + ": " + m);
                    }
                }
            }
            return m;
        } catch (RuntimeException | LinkageError other) {
            throw new AssertionError(bad + ": expected IllegalArgumentException before the engine is built, got "
                    + other, other);
        }
        AssertionError accepted = new AssertionError(bad + " was accepted: an engine was created");
        try {
            engine.close();
        } catch (Exception e) {
            accepted.addSuppressed(e);
        }
        throw accepted;
    }
}
