package io.github.voicechat.examples;

import io.github.voicechat.VoicePipeline;
import io.github.voicechat.VoiceSession;
import io.github.voicechat.audio.AudioSink;
import io.github.voicechat.audio.AudioSinks;
import io.github.voicechat.audio.AudioSource;
import io.github.voicechat.audio.AudioSources;
import io.github.voicechat.spi.EchoCanceller;
import io.github.voicechat.spi.EngineProvider;
import io.github.voicechat.spi.SpeechRecognizer;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code voicechat live}: talk through the microphone and speaker; Ctrl-C ends the session cleanly. */
@Command(name = "live", mixinStandardHelpOptions = true,
        description = "Talk through the default microphone and speaker (echo cancellation on when available).")
final class LiveCommand implements Callable<Integer> {

    @Option(names = "--rate", paramLabel = "HZ", description = "Speaker rate (default: 48000).")
    int outputRateHz = 48_000;

    @Mixin
    EngineSelection engines = new EngineSelection();

    @Mixin
    LlmOptions llm = new LlmOptions();

    @Override
    public Integer call() throws Exception {
        var responder = llm.responder();
        EngineProvider<SpeechRecognizer> asr = engines.asrProvider();
        EngineProvider<EchoCanceller> aec = engines.aecProvider(true);
        var vad = engines.vadProvider();
        var tts = engines.ttsProvider();
        engines.checkOptions(vad, asr, tts, aec);
        AudioSource mic;
        AudioSink speaker;
        try {
            mic = AudioSources.microphone(asr.capabilities().sampleRateHz());
        } catch (IOException e) {
            System.err.println("error: " + e.getMessage());
            return 3;
        }
        try {
            speaker = AudioSinks.speaker(outputRateHz);
        } catch (IOException e) {
            mic.close();
            System.err.println("error: " + e.getMessage());
            return 3;
        }
        VoicePipeline.Builder b = VoicePipeline.builder()
                .vad(() -> vad.create(engines.vadOptions(vad))).asr(() -> asr.create(engines.asrOptions()))
                .tts(() -> tts.create(engines.ttsOptions())).turnPolicy(engines.turnPolicy())
                .responder(responder).listener(new Timeline(System.out));
        if (aec != null) {
            b.echoCanceller(() -> aec.create(engines.aecOptions()));
        }
        VoiceSession session = b.build().openSession(mic, speaker);
        try (CliExit.Registration onExit = CliExit.onExit(session::close)) {
            System.out.println("listening (echo cancellation " + (aec == null ? "off" : aec.id()) + ", responder "
                    + llm.describe() + "); speak, and press Ctrl-C to end");
            session.start();
            session.awaitTermination(Duration.ofDays(1));
        }
        session.close();
        return 0;
    }
}
