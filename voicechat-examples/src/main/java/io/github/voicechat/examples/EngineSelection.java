package io.github.voicechat.examples;

import io.github.voicechat.TurnPolicy;
import io.github.voicechat.spi.EchoCanceller;
import io.github.voicechat.spi.EngineException;
import io.github.voicechat.spi.EngineOption;
import io.github.voicechat.spi.EngineOptions;
import io.github.voicechat.spi.EngineProvider;
import io.github.voicechat.spi.Engines;
import io.github.voicechat.spi.SpeechRecognizer;
import io.github.voicechat.spi.SpeechSynthesizer;
import io.github.voicechat.spi.VoiceActivityDetector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    @Option(names = "--vad-option", paramLabel = "KEY=VALUE", description = "Option for the VAD engine (e.g."
            + " threads=1) or for turn-taking (threshold=0.6, neg_threshold, min_speech_ms, min_silence_ms,"
            + " max_utterance_ms, pre_roll_ms).")
    List<String> vadOptions = new ArrayList<>();

    @Option(names = "--asr-option", paramLabel = "KEY=VALUE", description = "Option for the recognizer (e.g. beam=20000).")
    List<String> asrOptions = new ArrayList<>();

    @Option(names = "--tts-option", paramLabel = "KEY=VALUE", description = "Option for the synthesizer (e.g. length_scale=1.2).")
    List<String> ttsOptions = new ArrayList<>();

    @Option(names = "--aec-option", paramLabel = "KEY=VALUE",
            description = "Option for the echo canceller (e.g. noise_suppression=true).")
    List<String> aecOptions = new ArrayList<>();

    /** The {@code --vad-option}s that {@code vad} declares; the others are the turn policy's. */
    EngineOptions vadOptions(EngineProvider<VoiceActivityDetector> vad) {
        return EngineOptions.parse(vadOptions).only(vad.options());
    }

    /** The default turn policy with the {@code --vad-option}s it declares ({@link TurnPolicy#OPTIONS}). */
    TurnPolicy turnPolicy() {
        return TurnPolicy.defaults().toBuilder().options(EngineOptions.parse(vadOptions).only(TurnPolicy.OPTIONS))
                .build();
    }

    /**
     * Checks every {@code --*-option} against the engines chosen, before any of them loads: an unknown key (the
     * message lists the valid ones), an ill-typed or an out-of-range value fails in milliseconds rather than after
     * seconds of loading. A {@code --vad-option} is the VAD engine's or the turn policy's.
     *
     * @param aec null when echo cancellation is off
     * @throws IllegalArgumentException naming the option, the engine and what it accepts
     */
    void checkOptions(EngineProvider<VoiceActivityDetector> vad, EngineProvider<SpeechRecognizer> asr,
            EngineProvider<SpeechSynthesizer> tts, EngineProvider<EchoCanceller> aec) {
        checkSplit(EngineOptions.parse(vadOptions), vad, "the turn policy", TurnPolicy.OPTIONS);
        turnPolicy(); // values each fine alone may still not fit together (neg_threshold above threshold)
        EngineOptions.parse(asrOptions).check(asr.id(), asr.options());
        EngineOptions.parse(ttsOptions).check(tts.id(), tts.options());
        EngineOptions aecGiven = EngineOptions.parse(aecOptions);
        if (aec != null) {
            aecGiven.check(aec.id(), aec.options());
        } else if (!aecGiven.isEmpty()) {
            throw new IllegalArgumentException("--aec-option " + aecGiven + " given, but echo cancellation is off");
        }
    }

    /**
     * Checks options meant partly for {@code engine} and partly for another reader of the same flag (the turn
     * policy, the speech segmenter): a key neither declares is refused, naming both lists.
     */
    static void checkSplit(EngineOptions given, EngineProvider<?> engine, String otherName,
            List<EngineOption<?>> other) {
        Map<String, EngineOption<?>> byKey = new LinkedHashMap<>();
        for (EngineOption<?> o : engine.options()) {
            byKey.put(o.key(), o);
        }
        for (EngineOption<?> o : other) {
            byKey.putIfAbsent(o.key(), o);
        }
        given.check(engine.id() + " or " + otherName, List.copyOf(byKey.values()));
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
