package io.github.voicechat.examples;

import io.github.voicechat.VoicePipeline;
import io.github.voicechat.spi.EchoCanceller;
import io.github.voicechat.spi.EngineOptions;
import io.github.voicechat.spi.EngineProvider;
import io.github.voicechat.spi.Engines;
import io.github.voicechat.spi.SpeechRecognizer;
import io.github.voicechat.spi.SpeechSynthesizer;
import io.github.voicechat.spi.VoiceActivityDetector;
import java.util.ArrayList;
import java.util.List;
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

    /** Options parsed and providers chosen, nothing loaded: what a command checks before it waits for anything. */
    Picked pick(boolean aecDefaultOn) {
        EngineOptions vadOpts = vadOptions();
        EngineOptions asrOpts = asrOptions();
        EngineOptions ttsOpts = ttsOptions();
        EngineOptions aecOpts = aecOptions();
        EngineProvider<EchoCanceller> aecProvider = aecProvider(aecDefaultOn);
        if (aecProvider == null && !aecOpts.asMap().isEmpty()) {
            throw CliException.usage("--aec-option given but no echo canceller is on (add --aec webrtc-aec)");
        }
        return new Picked(vadProvider(), asrProvider(), ttsProvider(), aecProvider, vadOpts, asrOpts, ttsOpts, aecOpts);
    }

    /** The engines a session will use; {@code aec} is null when echo cancellation is off. */
    record Picked(EngineProvider<VoiceActivityDetector> vad, EngineProvider<SpeechRecognizer> asr,
            EngineProvider<SpeechSynthesizer> tts, EngineProvider<EchoCanceller> aec, EngineOptions vadOptions,
            EngineOptions asrOptions, EngineOptions ttsOptions, EngineOptions aecOptions) {

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
                return new Loaded(v, a, t, e, loaded);
            } catch (RuntimeException ex) {
                new Loaded(null, null, null, null, loaded).close();
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

    /** Loaded engines for one pipeline; closing closes those the pipeline never took. */
    record Loaded(Preloaded<VoiceActivityDetector> vad, Preloaded<SpeechRecognizer> asr, Preloaded<SpeechSynthesizer> tts,
            Preloaded<EchoCanceller> aec, List<Preloaded<?>> all) implements AutoCloseable {

        VoicePipeline.Builder applyTo(VoicePipeline.Builder b) {
            b.vad(vad).asr(asr).tts(tts);
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
