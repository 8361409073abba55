package io.github.voicechat.examples;

import io.github.voicechat.TurnPolicy;
import io.github.voicechat.VoicePipeline;
import io.github.voicechat.spi.EchoCanceller;
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

/** Engine choice for the commands that run a whole session (talk, live): by id or id prefix, else the best present. */
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
        return vadOptions().only(vad.options());
    }

    /** The default turn policy with the {@code --vad-option}s it declares ({@link TurnPolicy#OPTIONS}). */
    TurnPolicy turnPolicy() {
        return TurnPolicy.defaults().toBuilder().options(vadOptions().only(TurnPolicy.OPTIONS)).build();
    }

    /**
     * Checks every {@code --*-option} against the engines chosen, before any of them loads: an unknown key (the
     * message lists the valid ones), an ill-typed or an out-of-range value fails in milliseconds rather than after
     * seconds of loading. A {@code --vad-option} is the VAD engine's or the turn policy's.
     *
     * @param aec null when echo cancellation is off
     * @return the turn policy the {@code --vad-option}s describe
     * @throws CliException a usage error naming the option, the engine and what it accepts
     */
    TurnPolicy checkOptions(EngineProvider<VoiceActivityDetector> vad, EngineProvider<SpeechRecognizer> asr,
            EngineProvider<SpeechSynthesizer> tts, EngineProvider<EchoCanceller> aec) {
        EngineOptions aecGiven = aecOptions();
        if (aec == null && !aecGiven.isEmpty()) {
            throw CliException.usage("--aec-option " + aecGiven + " given, but echo cancellation is off (add --aec"
                    + " webrtc-aec)");
        }
        try {
            checkSplit(vadOptions(), vad, "the turn policy", TurnPolicy.OPTIONS);
            // Values each fine alone may still not fit together (neg_threshold above threshold): build it now.
            TurnPolicy policy = turnPolicy();
            asrOptions().check(asr.id(), asr.options());
            ttsOptions().check(tts.id(), tts.options());
            if (aec != null) {
                aecGiven.check(aec.id(), aec.options());
            }
            return policy;
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.USAGE, e.getMessage(), e);
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

    EngineOptions vadOptions() {
        return EngineChoice.parse("--vad-option", vadOptions);
    }

    EngineOptions asrOptions() {
        return EngineChoice.parse("--asr-option", asrOptions);
    }

    EngineOptions ttsOptions() {
        return EngineChoice.parse("--tts-option", ttsOptions);
    }

    EngineOptions aecOptions() {
        return EngineChoice.parse("--aec-option", aecOptions);
    }

    EngineProvider<VoiceActivityDetector> vadProvider() {
        return EngineChoice.select(VoiceActivityDetector.class, vad);
    }

    EngineProvider<SpeechRecognizer> asrProvider() {
        return EngineChoice.select(SpeechRecognizer.class, asr);
    }

    EngineProvider<SpeechSynthesizer> ttsProvider() {
        return EngineChoice.select(SpeechSynthesizer.class, tts);
    }

    /** The echo canceller asked for, the best one when {@code defaultOn}, or null. */
    EngineProvider<EchoCanceller> aecProvider(boolean defaultOn) {
        if ("off".equals(aec) || (aec == null && !defaultOn)) {
            return null;
        }
        if (aec == null) {
            return Engines.best(EchoCanceller.class, c -> true).orElse(null);
        }
        return EngineChoice.select(EchoCanceller.class, aec);
    }

    /**
     * Options parsed and checked against what the chosen engines and the turn policy declare, providers chosen,
     * nothing loaded: what a command checks before it waits for anything.
     */
    Picked pick(boolean aecDefaultOn) {
        EngineOptions vadOpts = vadOptions();
        EngineOptions asrOpts = asrOptions();
        EngineOptions ttsOpts = ttsOptions();
        EngineOptions aecOpts = aecOptions();
        EngineProvider<EchoCanceller> aecProvider = aecProvider(aecDefaultOn);
        EngineProvider<VoiceActivityDetector> vadProvider = vadProvider();
        EngineProvider<SpeechRecognizer> asrProvider = asrProvider();
        EngineProvider<SpeechSynthesizer> ttsProvider = ttsProvider();
        TurnPolicy policy = checkOptions(vadProvider, asrProvider, ttsProvider, aecProvider);
        return new Picked(vadProvider, asrProvider, ttsProvider, aecProvider, vadOpts.only(vadProvider.options()),
                asrOpts, ttsOpts, aecOpts, policy);
    }

    /**
     * The engines a session will use, with their options ({@code vadOptions} only the VAD engine's share of
     * {@code --vad-option}, the rest being the {@code turnPolicy}'s); {@code aec} is null when echo cancellation is
     * off.
     */
    record Picked(EngineProvider<VoiceActivityDetector> vad, EngineProvider<SpeechRecognizer> asr,
            EngineProvider<SpeechSynthesizer> tts, EngineProvider<EchoCanceller> aec, EngineOptions vadOptions,
            EngineOptions asrOptions, EngineOptions ttsOptions, EngineOptions aecOptions, TurnPolicy turnPolicy) {

        String aecId() {
            return aec == null ? "off" : aec.id();
        }

        /** Loads one engine of each kind, with progress lines; a bad option value fails here, before any session. */
        Loaded load() {
            List<Preloaded<?>> loaded = new ArrayList<>();
            try {
                Preloaded<VoiceActivityDetector> v = add(loaded, vad, vadOptions, "--vad-option");
                Preloaded<SpeechRecognizer> a = add(loaded, asr, asrOptions, "--asr-option");
                Preloaded<SpeechSynthesizer> t = add(loaded, tts, ttsOptions, "--tts-option");
                Preloaded<EchoCanceller> e = aec == null ? null : add(loaded, aec, aecOptions, "--aec-option");
                return new Loaded(v, a, t, e, turnPolicy, loaded);
            } catch (RuntimeException ex) {
                new Loaded(null, null, null, null, turnPolicy, loaded).close();
                throw ex;
            }
        }

        private static <E extends AutoCloseable> Preloaded<E> add(List<Preloaded<?>> loaded, EngineProvider<E> p,
                EngineOptions options, String flag) {
            Preloaded<E> engine = new Preloaded<>(EngineChoice.load(p, options, flag), () -> p.create(options));
            loaded.add(engine);
            return engine;
        }
    }

    /** Loaded engines and the turn policy for one pipeline; closing closes the engines the pipeline never took. */
    record Loaded(Preloaded<VoiceActivityDetector> vad, Preloaded<SpeechRecognizer> asr, Preloaded<SpeechSynthesizer> tts,
            Preloaded<EchoCanceller> aec, TurnPolicy turnPolicy, List<Preloaded<?>> all) implements AutoCloseable {

        VoicePipeline.Builder applyTo(VoicePipeline.Builder b) {
            b.vad(vad).asr(asr).tts(tts).turnPolicy(turnPolicy);
            if (aec != null) {
                b.echoCanceller(aec);
            }
            return b;
        }

        @Override
        public void close() {
            for (Preloaded<?> p : all) {
                try {
                    p.closeIfUnused();
                } catch (Exception e) {
                    System.err.println("warning: closing an unused engine failed: " + e);
                }
            }
        }
    }
}
