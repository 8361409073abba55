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

    @Option(names = "--engine-option", paramLabel = "KEY=VALUE",
            description = "Option passed to every engine (e.g. beam=2000).")
    List<String> options = new ArrayList<>();

    EngineOptions options() {
        return EngineOptions.parse(options);
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
