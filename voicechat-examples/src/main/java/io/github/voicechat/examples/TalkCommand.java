package io.github.voicechat.examples;

import io.github.voicechat.Responder;
import io.github.voicechat.SessionReport;
import io.github.voicechat.TurnReport;
import io.github.voicechat.VoicePipeline;
import io.github.voicechat.VoiceSession;
import io.github.voicechat.audio.AudioData;
import io.github.voicechat.audio.AudioSinks;
import io.github.voicechat.audio.AudioSource;
import io.github.voicechat.audio.AudioSources;
import io.github.voicechat.audio.WavReader;
import io.github.voicechat.time.Clock;
import io.github.voicechat.time.VirtualClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code voicechat talk}: a whole conversation with a recording (or the built-in demo script) as the microphone.
 * Writes the session as stereo WAV (left the user, right the bot) and a JSON report.
 */
@Command(name = "talk", mixinStandardHelpOptions = true,
        description = "Run a conversation with a recording as the microphone; write the session WAV and a report.")
final class TalkCommand implements Callable<Integer> {

    static final class Input {
        @Option(names = "--in", paramLabel = "USER.wav", description = "The user's side: any WAV (resampled).")
        Path in;

        @Option(names = "--demo", description = "Synthesise a scripted user (a second voice, pauses, a cough and an"
                + " interruption) and talk to it with the echo responder, or the model of --llm-url.")
        boolean demo;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    @Option(names = "--out", paramLabel = "SESSION.wav", description = "Stereo session recording (default: session.wav).")
    Path out = Path.of("session.wav");

    @Option(names = "--report", paramLabel = "REPORT.json", description = "JSON report (default: report.json).")
    Path report = Path.of("report.json");

    @Option(names = "--realtime", description = "Feed the input at its real pace on the real clock, so the session WAV"
            + " shows true latencies (default: virtual clock, as fast as the engines allow).")
    boolean realtime;

    @Option(names = "--rate", paramLabel = "HZ", description = "Output sample rate (default: 48000).")
    int outputRateHz = 48_000;

    @Option(names = "--quiet", description = "Do not print the timeline.")
    boolean quiet;

    @Mixin
    EngineSelection engines = new EngineSelection();

    @Mixin
    LlmOptions llm = new LlmOptions();

    @Override
    public Integer call() throws Exception {
        // Everything that can be checked without loading an engine comes first: a mistake costs no waiting.
        EngineSelection.Picked picked = validate();
        Responder responder = llm.responder();
        System.out.printf(Locale.ROOT, "engines: vad=%s asr=%s tts=%s aec=%s; responder=%s; clock=%s%n",
                picked.vad().id(), picked.asr().id(), picked.tts().id(), picked.aecId(), llm.describe(),
                realtime ? "real" : "virtual");
        System.out.flush();
        try (EngineSelection.Loaded loaded = picked.load()) {
            return converse(picked, loaded, responder);
        }
    }

    private int converse(EngineSelection.Picked picked, EngineSelection.Loaded loaded, Responder responder)
            throws Exception {
        AudioSource source;
        if (input.demo) {
            DemoScript script = Progress.step("synthesising the demo user's side with " + picked.tts().id(),
                    () -> DemoScript.synthesize(picked.tts(), picked.turnPolicy()));
            AudioData user = script.audio();
            source = AudioSources.memory(user.sampleRateHz(), user.mono());
        } else {
            source = AudioSources.wav(input.in);
        }
        Clock clock = realtime ? Clock.system() : new VirtualClock();
        VoicePipeline.Builder builder = loaded.applyTo(VoicePipeline.builder())
                .responder(responder)
                .clock(clock)
                .outputSampleRateHz(outputRateHz);
        if (!quiet) {
            builder.listener(new Timeline(System.out));
        }
        VoicePipeline pipeline = builder.build();
        long started = System.nanoTime();
        FileTime before = Files.exists(out) ? Files.getLastModifiedTime(out) : null;
        AtomicBoolean interrupted = new AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(1);
        VoiceSession session = pipeline.openSession(source, AudioSinks.discard(outputRateHz), out);
        // Ctrl-C (or SIGTERM) ends the session as if the input had ended: the recording and the report are completed
        // and written, then the process exits with 130. The hook waits for that, up to a limit.
        try (CliExit.Registration onExit = CliExit.onExit(() -> {
            interrupted.set(true);
            session.close();
            awaitQuietly(finished, Duration.ofSeconds(30));
        })) {
            session.start();
            session.awaitTermination(Duration.ofHours(24));
            session.close();
            return finish(picked, session.report(), started, before, interrupted.get());
        } finally {
            finished.countDown();
        }
    }

    /** Writes the report and says what was written; only what was. */
    private int finish(EngineSelection.Picked v, SessionReport result, long started, FileTime before,
            boolean interrupted) {
        double wallS = (System.nanoTime() - started) / 1e9;
        System.out.flush();
        if (interrupted) {
            System.err.println("interrupted: the session was ended early; writing what it has");
        }
        System.out.printf(Locale.ROOT, "%d turns, %d barge-ins, %d false alarms, %.1f s of audio in %.1f s%n",
                result.turnCount(), result.bargeIns(), result.falseAlarms(), result.durationS(), wallS);
        int code = result.endReason().startsWith("failed") ? ExitCode.FAILED : ExitCode.OK;
        String recording = describeRecording(before, result);
        if (recording == null) {
            String reason = result.endReason().startsWith("failed: ") ? result.endReason().substring(8)
                    : "the session could not record";
            System.err.println("error: " + out + " was not written: " + reason);
            code = ExitCode.FAILED;
        } else {
            System.out.println("wrote " + out + " (" + recording + ")");
        }
        try {
            CliFiles.writeAtomically(report, CliJson.write(toJson(result, v.vad().id(), v.asr().id(), v.tts().id(),
                    v.aecId(), realtime, wallS)));
            System.out.println("wrote " + report);
        } catch (IOException e) {
            System.err.println("error: " + report + " was not written: " + CliFiles.describe(e));
            code = ExitCode.FAILED;
        }
        System.out.flush();
        return interrupted ? ExitCode.INTERRUPTED : code;
    }

    /** "12.3 s, 2 channels at 48000 Hz" for a recording made by this run, or null when there is none. */
    private String describeRecording(FileTime before, SessionReport result) {
        if (Files.exists(out) && !Files.isRegularFile(out) && !Files.isDirectory(out)) {
            // A device or a pipe (--out /dev/null) is written through: it has no length or time to read back.
            return result.endReason().startsWith("failed") ? null : "streamed to a device or pipe";
        }
        try {
            // The recording is moved into place when the session closes; an unchanged file means it was not.
            if (!Files.isRegularFile(out) || Files.getLastModifiedTime(out).equals(before)) {
                return null;
            }
            try (WavReader r = WavReader.open(out)) {
                return String.format(Locale.ROOT, "%.1f s, %d channels at %d Hz",
                        r.format().millisFor(r.lengthSamples()) / 1000, r.format().channels(), r.format().sampleRateHz());
            }
        } catch (IOException e) {
            return null;
        }
    }

    private static void awaitQuietly(CountDownLatch latch, Duration timeout) {
        try {
            latch.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Checks every argument and path, and picks the engines without loading them. */
    private EngineSelection.Picked validate() {
        SpeakCommand.requireRate("--rate", outputRateHz);
        if (!input.demo) {
            InputAudio.probe(input.in, System.err);
        }
        CliFiles.requireOutput(out, "--out");
        CliFiles.requireOutput(report, "--report");
        if (out.toAbsolutePath().normalize().equals(report.toAbsolutePath().normalize())) {
            throw CliException.usage("--out and --report are the same file: " + out);
        }
        if (!input.demo && out.toAbsolutePath().normalize().equals(input.in.toAbsolutePath().normalize())) {
            throw CliException.usage("--out " + out + " is the input file; the recording would replace it");
        }
        EngineSelection.Picked picked = engines.pick(false);
        int ttsRate = picked.tts().capabilities().sampleRateHz();
        try {
            io.github.voicechat.audio.Resampler.create(ttsRate, outputRateHz);
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--rate " + outputRateHz + ": cannot convert " + picked.tts().id() + "'s "
                    + ttsRate + " Hz to it: " + e.getMessage());
        }
        return picked;
    }

    /** The report's shape (documented in the README): engines, clock, one entry per turn, totals. */
    static Map<String, Object> toJson(SessionReport r, String vad, String asr, String tts, String aec,
            boolean realtime, double wallS) {
        Map<String, Object> root = new LinkedHashMap<>();
        Map<String, Object> engines = new LinkedHashMap<>();
        engines.put("vad", vad);
        engines.put("asr", asr);
        engines.put("tts", tts);
        engines.put("aec", aec);
        root.put("engines", engines);
        root.put("clock", realtime ? "real" : "virtual");
        List<Object> turns = new ArrayList<>();
        double latencySum = 0;
        int latencyCount = 0;
        for (TurnReport t : r.turns()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("turn", t.turn());
            m.put("user_start_s", CliJson.num(t.userStartS()));
            m.put("user_end_s", CliJson.num(t.userEndS()));
            m.put("transcript", t.transcript());
            m.put("response_text", t.responseText());
            m.put("played_text", t.playedText());
            m.put("first_audio_latency_ms", CliJson.num(t.firstAudioLatencyMs()));
            m.put("barged_in", t.bargedIn());
            m.put("barge_in_latency_ms", CliJson.num(t.bargeInLatencyMs()));
            m.put("false_alarms", t.falseAlarms());
            m.put("model_first_token_ms", CliJson.num(t.modelFirstTokenMs()));
            m.put("model_first_clause_ms", CliJson.num(t.modelFirstClauseMs()));
            m.put("speculative_starts", t.speculativeStarts());
            m.put("speculative_kept", t.speculativeKept());
            turns.add(m);
            if (!Double.isNaN(t.firstAudioLatencyMs())) {
                latencySum += t.firstAudioLatencyMs();
                latencyCount++;
            }
        }
        root.put("turns", turns);
        Map<String, Object> totals = new LinkedHashMap<>();
        totals.put("turns", r.turnCount());
        totals.put("barge_ins", r.bargeIns());
        totals.put("false_alarms", r.falseAlarms());
        totals.put("mean_first_audio_latency_ms", CliJson.num(latencyCount == 0 ? Double.NaN : latencySum / latencyCount));
        totals.put("duration_s", CliJson.num(r.durationS()));
        totals.put("wall_clock_s", CliJson.num(wallS));
        totals.put("asr_rtf", CliJson.num(r.asrRealTimeFactor()));
        totals.put("frames_dropped", r.framesDropped());
        totals.put("underrun_frames", r.underrunFrames());
        totals.put("playout_jitter_p50_ms", CliJson.num(r.playoutJitterP50Ms()));
        totals.put("playout_jitter_p99_ms", CliJson.num(r.playoutJitterP99Ms()));
        totals.put("end_reason", r.endReason());
        root.put("totals", totals);
        return root;
    }
}
