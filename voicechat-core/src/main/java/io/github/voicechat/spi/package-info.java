/**
 * Engine service-provider interfaces, each implementable in one file:
 * {@link io.github.voicechat.spi.VoiceActivityDetector}, {@link io.github.voicechat.spi.SpeechRecognizer},
 * {@link io.github.voicechat.spi.SpeechSynthesizer} and {@link io.github.voicechat.spi.EchoCanceller}. Adapters
 * register an {@link io.github.voicechat.spi.EngineProvider} with {@link java.util.ServiceLoader};
 * {@link io.github.voicechat.spi.Engines} finds them by id, id prefix or capability, asking a provider whether it
 * can run (which may load a native library) only when it has to.
 *
 * <p>Options: a provider declares what its engine reads as {@link io.github.voicechat.spi.EngineOption}s (key, type,
 * default, bounded range); {@link io.github.voicechat.spi.EngineProvider#create} refuses an unknown key, an ill-typed
 * or an out-of-range value before anything is built, and the engine reads values only through the declared options.
 * {@link io.github.voicechat.spi.AbstractEngineProvider} holds the facts of a provider fixed at construction.
 *
 * <p>Text: {@link io.github.voicechat.spi.TextSplitter} is the one rule for where spoken text may be cut (sentences,
 * clauses, abbreviations, decimals, streamed input), used by the session's response path and by
 * {@link io.github.voicechat.spi.TextChunker}, which cleans and chunks text for synthesizers.
 */
package io.github.voicechat.spi;
