package io.github.voicechat.examples;

import io.github.voicechat.spi.EchoCanceller;
import io.github.voicechat.spi.EngineException;
import io.github.voicechat.spi.EngineOptions;
import io.github.voicechat.spi.EngineProvider;
import io.github.voicechat.spi.Engines;
import io.github.voicechat.spi.SpeechRecognizer;
import io.github.voicechat.spi.SpeechSynthesizer;
import io.github.voicechat.spi.VoiceActivityDetector;
import java.util.List;
import java.util.Map;

/**
 * Picking and loading an engine for a command, with the command line's exit codes: an unknown id or a malformed
 * option is a usage error (2), an engine that is not installed here is unavailable (3), and one that fails to load is
 * a failure (1). Picking is cheap and happens before anything loads; loading prints a progress line.
 */
final class EngineChoice {

    private static final Map<Class<?>, String> KIND = Map.of(
            VoiceActivityDetector.class, "voice activity detector",
            SpeechRecognizer.class, "speech recognizer",
            SpeechSynthesizer.class, "speech synthesizer",
            EchoCanceller.class, "echo canceller");

    private EngineChoice() {
    }

    /** The provider for {@code id} (an id or family prefix), or the best available one when {@code id} is null. */
    static <E extends AutoCloseable> EngineProvider<E> select(Class<E> type, String id) {
        EngineProvider<E> p;
        if (id == null) {
            p = Engines.best(type, c -> true).orElseThrow(() -> new CliException(ExitCode.UNAVAILABLE, "no "
                    + KIND.get(type) + " is available here; `voicechat engines` lists what is installed and why not"));
        } else {
            try {
                p = Engines.find(type, id);
            } catch (EngineException e) {
                throw CliException.usage(e.getMessage());
            }
        }
        p.unavailableReason().ifPresent(reason -> {
            throw new CliException(ExitCode.UNAVAILABLE, p.id() + " is not available here: " + reason);
        });
        return p;
    }

    /** {@code KEY=VALUE} options as given after {@code flag}, or a usage error naming the flag. */
    static EngineOptions parse(String flag, List<String> keyValues) {
        try {
            return EngineOptions.parse(keyValues);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(flag + ": " + e.getMessage());
        }
    }

    /** Creates the engine with a progress line; a bad option value is a usage error naming {@code flag}. */
    static <E extends AutoCloseable> E load(EngineProvider<E> p, EngineOptions options, String flag) {
        return Progress.step("loading " + KIND.get(p.engineType()) + " " + p.id(), () -> {
            try {
                return p.create(options);
            } catch (IllegalArgumentException e) {
                throw CliException.usage(p.id() + (options.asMap().isEmpty() ? "" : " " + flag + " " + options.asMap())
                        + ": " + e.getMessage());
            } catch (EngineException e) {
                throw new CliException(ExitCode.FAILED, p.id() + " could not be loaded: " + e.getMessage(), e);
            }
        });
    }
}
