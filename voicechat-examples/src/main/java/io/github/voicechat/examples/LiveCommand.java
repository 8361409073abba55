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

    @Override
    public Integer call() throws Exception {
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
                .responder(Responders.echo()).listener(new Timeline(System.out));
        if (aec != null) {
            b.echoCanceller(() -> aec.create(engines.aecOptions()));
        }
        String ready = "listening (echo cancellation " + (aec == null ? "off" : aec.id())
                + "); speak, and press Ctrl-C to end";
        VoiceSession session = b.build().openSession(new AnnouncingSource(mic, ready), speaker);
        try (CliExit.Registration onExit = CliExit.onExit(session::close)) {
            System.out.println("loading engines ...");
            session.start();
            session.awaitTermination(Duration.ofDays(1));
        }
        session.close();
        String reason = session.report().endReason();
        if (reason.startsWith("failed")) {
            // A device that went away (or an engine that failed) ends the session; say so, and not with exit 0.
            System.err.println("error: the session " + reason);
            return 3;
        }
        return 0;
    }

    /**
     * The microphone, announcing once that half a second of audio has flowed: only then is the session listening (the
     * engines load first, and a sound server may take a second to start its streams, during which what is heard
     * cannot be kept), so that is when to invite the user to speak.
     */
    private static final class AnnouncingSource implements AudioSource {
        private final AudioSource mic;
        private final String line;
        private long samplesBeforeAnnouncing;
        private boolean announced;

        AnnouncingSource(AudioSource mic, String line) {
            this.mic = mic;
            this.line = line;
            this.samplesBeforeAnnouncing = mic.sampleRateHz() / 2;
        }

        @Override
        public int sampleRateHz() {
            return mic.sampleRateHz();
        }

        @Override
        public int read(float[] buffer, int offset, int length) throws IOException {
            int n = mic.read(buffer, offset, length);
            if (!announced && n > 0 && (samplesBeforeAnnouncing -= n) <= 0) {
                announced = true;
                System.out.println(line);
            }
            return n;
        }

        @Override
        public boolean isRealtime() {
            return mic.isRealtime();
        }

        @Override
        public int captureDelaySamples() {
            return mic.captureDelaySamples();
        }

        @Override
        public void close() throws IOException {
            mic.close();
        }
    }
}
