package io.github.voicechat.examples;

import io.github.voicechat.Responder;
import io.github.voicechat.VoicePipeline;
import io.github.voicechat.VoiceSession;
import io.github.voicechat.audio.AudioSink;
import io.github.voicechat.audio.AudioSinks;
import io.github.voicechat.audio.AudioSource;
import io.github.voicechat.audio.AudioSources;
import io.github.voicechat.audio.ForwardingAudioSink;
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
        stopTheWorldCollector().ifPresent(gc -> System.err.println("note: this JVM's garbage collector (" + gc
                + ") stops every thread while it runs; on a sound device each long stop is a gap in the speaker"
                + " and an echo the canceller must learn again. Run live with a concurrent collector: java"
                + " -XX:+UseZGC -jar voicechat.jar live"));
        EngineSelection.Loaded started;
        try {
            started = picked.load();
        } catch (RuntimeException e) {
            mic.close();
            speaker.close();
            throw e;
        }
        DeviceWatch devices = new DeviceWatch(mic, speaker);
        try (EngineSelection.Loaded loaded = started) {
            VoiceSession session = loaded.applyTo(VoicePipeline.builder())
                    .responder(responder).listener(new Timeline(System.out))
                    .build().openSession(devices.microphone("listening (echo cancellation " + picked.aecId()
                            + ", responder " + llm.describe() + "); speak, and press Ctrl-C to end"),
                            devices.speaker());
            // Ctrl-C runs the exit hook, which closes the session: it ends cleanly and the process exits with 130.
            try (CliExit.Registration onExit = CliExit.onExit(session::close)) {
                session.start();
                session.awaitTermination(Duration.ofDays(1));
            }
            session.close();
            String reason = session.report().endReason();
            if (reason.startsWith("failed")) {
                // A device that went away (or an engine that failed) ends the session: say so, and not with exit 0.
                throw new CliException(devices.failed() ? ExitCode.UNAVAILABLE : ExitCode.FAILED,
                        "the session " + reason);
            }
        }
        return ExitCode.OK;
    }

    /**
     * The running collector when it pauses the application for each young collection (Parallel, Serial, G1). Sphinx4
     * allocates about 120 MB/s while it listens, so the Parallel collector stopped the session every 2 s, for 10-40 ms
     * on a quiet machine and 150-400 ms under load: each stop longer than the speaker's queue is a gap at the speaker
     * and a jump of the echo path (measured, benchmarks/LIVE-DEVICE.md).
     */
    static java.util.Optional<String> stopTheWorldCollector() {
        for (java.lang.management.GarbageCollectorMXBean gc
                : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            String name = gc.getName();
            if (name.startsWith("ZGC") || name.startsWith("Shenandoah")) {
                return java.util.Optional.empty();
            }
        }
        var names = java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(java.lang.management.GarbageCollectorMXBean::getName).toList();
        return names.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(String.join(", ", names));
    }

    /**
     * The devices as the session sees them, noting whether either failed (a device that went away is exit 3, an
     * engine that failed exit 1), and announcing once that half a second of microphone audio has flowed: only then is
     * the session listening (a sound server may take a moment to start its streams, and what was captured before the
     * first read is discarded), so that is when to invite the user to speak.
     */
    private static final class DeviceWatch {
        private final AudioSource mic;
        private final AudioSink speaker;
        private volatile boolean failed;

        DeviceWatch(AudioSource mic, AudioSink speaker) {
            this.mic = mic;
            this.speaker = speaker;
        }

        boolean failed() {
            return failed;
        }

        AudioSource microphone(String announcement) {
            return new AudioSource() {
                private long samplesBeforeAnnouncing = mic.sampleRateHz() / 2;

                @Override
                public int sampleRateHz() {
                    return mic.sampleRateHz();
                }

                @Override
                public int read(float[] buffer, int offset, int length) throws IOException {
                    int n;
                    try {
                        n = mic.read(buffer, offset, length);
                    } catch (IOException e) {
                        failed = true;
                        throw e;
                    }
                    if (samplesBeforeAnnouncing > 0 && n > 0 && (samplesBeforeAnnouncing -= n) <= 0) {
                        System.out.println(announcement);
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
            };
        }

        AudioSink speaker() {
            return new ForwardingAudioSink(speaker) {
                @Override
                public void write(float[] samples, int offset, int length) throws IOException {
                    try {
                        super.write(samples, offset, length);
                    } catch (IOException e) {
                        failed = true;
                        throw e;
                    }
                }
            };
        }
    }
}
