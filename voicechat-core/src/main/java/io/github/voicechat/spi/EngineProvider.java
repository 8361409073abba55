package io.github.voicechat.spi;

import java.util.List;
import java.util.Optional;

/**
 * Creates engines of one kind; found with {@link java.util.ServiceLoader} (list implementations in
 * {@code META-INF/services/io.github.voicechat.spi.EngineProvider}).
 *
 * <p>Ids are prefixed by engine family ({@code silero-vad-v6}, {@code sphinx-en-us}, {@code freetts-kevin16}) so
 * that {@code --engine silero} picks the family and {@link Engines} picks the best of it.
 *
 * @param <E> the engine interface: {@link VoiceActivityDetector}, {@link SpeechRecognizer},
 *            {@link SpeechSynthesizer} or {@link EchoCanceller}
 */
public interface EngineProvider<E extends AutoCloseable> {

    /** {@return the unique id, engine family first} */
    String id();

    /** {@return the engine interface this provider creates} */
    Class<E> engineType();

    /** {@return what the engines it creates can do} */
    EngineCapabilities capabilities();

    /** {@return one line for {@code voicechat engines}} */
    default String description() {
        return id();
    }

    /** {@return the rank among providers that fit: higher wins; neural engines rank above classic ones} */
    default int priority() {
        return 0;
    }

    /** {@return why this provider cannot create an engine now (a model file missing, a native library absent), if so} */
    default Optional<String> unavailableReason() {
        return Optional.empty();
    }

    /**
     * The options {@link #newEngine} reads, with their types, defaults and ranges: every other key, and every value
     * of the wrong type or out of range, is refused before {@link #newEngine} runs. Engines read options only
     * through these objects ({@link EngineOption#get}). None by default.
     *
     * @return the options, each key once
     */
    default List<EngineOption<?>> options() {
        return List.of();
    }

    /**
     * Creates a new engine instance after checking {@code options} against {@link #options()}. The caller owns the
     * engine and must close it. Implement {@link #newEngine} rather than overriding this method.
     *
     * @param options the options, by key
     * @return a new engine
     * @throws IllegalArgumentException on an unknown key (the message lists the valid ones), an ill-typed or an
     *                                  out-of-range value, before anything is loaded
     * @throws EngineException          if the engine cannot be created; the message says why and how to fix it
     */
    default E create(EngineOptions options) {
        return newEngine(options.check(id(), options()));
    }

    /**
     * Creates a new engine instance from options already checked against {@link #options()}; called by
     * {@link #create}.
     *
     * @param options the options, checked
     * @return a new engine
     * @throws EngineException if the engine cannot be created; the message says why and how to fix it
     */
    E newEngine(EngineOptions options);
}
