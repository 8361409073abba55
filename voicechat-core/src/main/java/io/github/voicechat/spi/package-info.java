/**
 * Engine service-provider interfaces, each implementable in one file:
 * {@link io.github.voicechat.spi.VoiceActivityDetector}, {@link io.github.voicechat.spi.SpeechRecognizer},
 * {@link io.github.voicechat.spi.SpeechSynthesizer} and {@link io.github.voicechat.spi.EchoCanceller}. Adapters
 * register an {@link io.github.voicechat.spi.EngineProvider} with {@link java.util.ServiceLoader};
 * {@link io.github.voicechat.spi.Engines} finds them by id, id prefix or capability, asking a provider whether it
 * can run (which may load a native library) only when it has to.
 */
package io.github.voicechat.spi;
