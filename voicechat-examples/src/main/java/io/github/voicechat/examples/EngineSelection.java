package io.github.voicechat.examples;

import io.github.voicechat.spi.EchoCanceller;
import io.github.voicechat.spi.EngineException;
import io.github.voicechat.spi.EngineOptions;
import io.github.voicechat.spi.EngineProvider;
import io.github.voicechat.spi.Engines;
import io.github.voicechat.spi.SpeechRecognizer;
import io.github.voicechat.spi.SpeechSynthesizer;
import io.github.voicechat.spi.VoiceActivityDetector;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Engine choice shared by the commands: by id or id prefix, else the best engine present. */
public final class EngineSelection {

    @Option(names = "--vad", paramLabel = "ID", description = "Voice activity detector (e.g. silero, webrtc).")
    String vad;

    @Option(names = "--asr", paramLabel = "ID", description = "Speech recognizer (e.g. sphinx, whisper-base.en).")
    String asr;

    @Option(names = "--tts", paramLabel = "ID", description = "Speech synthesizer (e.g. freetts, piper-en_US-lessac-medium).")
    String tts;

    @Option(names = "--aec", paramLabel = "ID|off",
            description = "Echo canceller (e.g. webrtc-aec); default off for files, on for live audio.")
    String aec;

    @Option(names = "--vad-option", paramLabel = "KEY=VALUE", description = "Option for the VAD (e.g. threshold=0.6).")
    List<String> vadOptions = new ArrayList<>();

    @Option(names = "--asr-option", paramLabel = "KEY=VALUE", description = "Option for the recognizer (e.g. beam=20000).")
    List<String> asrOptions = new ArrayList<>();

    @Option(names = "--tts-option", paramLabel = "KEY=VALUE", description = "Option for the synthesizer (e.g. length_scale=1.2).")
    List<String> ttsOptions = new ArrayList<>();

    @Option(names = "--aec-option", paramLabel = "KEY=VALUE",
            description = "Option for the echo canceller (e.g. noise_suppression=true).")
    List<String> aecOptions = new ArrayList<>();

    EngineOptions vadOptions() {
        return EngineOptions.parse(vadOptions);
    }

    EngineOptions asrOptions() {
        return EngineOptions.parse(asrOptions);
    }

    EngineOptions ttsOptions() {
        return EngineOptions.parse(ttsOptions);
    }

    EngineOptions aecOptions() {
        return EngineOptions.parse(aecOptions);
    }

    EngineProvider<VoiceActivityDetector> vadProvider() {
        return choose(VoiceActivityDetector.class, vad);
    }

    EngineProvider<SpeechRecognizer> asrProvider() {
        return choose(SpeechRecognizer.class, asr);
    }

    EngineProvider<SpeechSynthesizer> ttsProvider() {
        return choose(SpeechSynthesizer.class, tts);
    }

    /** The echo canceller asked for, the best one when {@code defaultOn}, or null. */
    EngineProvider<EchoCanceller> aecProvider(boolean defaultOn) {
        if ("off".equals(aec) || (aec == null && !defaultOn)) {
            return null;
        }
        if (aec == null) {
            return Engines.best(EchoCanceller.class, c -> true).orElse(null);
        }
        return Engines.find(EchoCanceller.class, aec);
    }

    static <E extends AutoCloseable> EngineProvider<E> choose(Class<E> type, String id) {
        if (id != null) {
            return Engines.find(type, id);
        }
        return Engines.best(type, c -> true).orElseThrow(() -> new EngineException("no " + type.getSimpleName()
                + " engine is available; `voicechat engines` lists what is installed"));
    }
}
