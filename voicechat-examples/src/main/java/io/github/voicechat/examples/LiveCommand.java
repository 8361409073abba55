package io.github.voicechat.examples;

import io.github.voicechat.Responder;
import io.github.voicechat.VoicePipeline;
import io.github.voicechat.VoiceSession;
import io.github.voicechat.audio.AudioSink;
import io.github.voicechat.audio.AudioSinks;
import io.github.voicechat.audio.AudioSource;
import io.github.voicechat.audio.AudioSources;
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
        // The model's options and the engines' are checked before a device opens or an engine loads.
        Responder responder = llm.responder();
        EngineSelection.Picked picked = engines.pick(true);
        AudioSource mic;
        AudioSink speaker;
        try {
            mic = AudioSources.microphone(picked.asr().capabilities().sampleRateHz());
        } catch (IOException e) {
            throw new CliException(ExitCode.UNAVAILABLE, e.getMessage(), e);
        }
        try {
            speaker = AudioSinks.speaker(outputRateHz);
        } catch (IOException e) {
            mic.close();
            throw new CliException(ExitCode.UNAVAILABLE, e.getMessage(), e);
        }
        EngineSelection.Loaded started;
        try {
            started = picked.load();
        } catch (RuntimeException e) {
            mic.close();
            speaker.close();
            throw e;
        }
        try (EngineSelection.Loaded loaded = started) {
            VoiceSession session = loaded.applyTo(VoicePipeline.builder())
                    .responder(responder).listener(new Timeline(System.out))
                    .build().openSession(mic, speaker);
            // Ctrl-C runs the exit hook, which closes the session: it ends cleanly and the process exits with 130.
            try (CliExit.Registration onExit = CliExit.onExit(session::close)) {
                System.out.println("listening (echo cancellation " + picked.aecId() + ", responder "
                        + llm.describe() + "); speak, and press Ctrl-C to end");
                session.start();
                session.awaitTermination(Duration.ofDays(1));
            }
            session.close();
        }
        return ExitCode.OK;
    }
}
