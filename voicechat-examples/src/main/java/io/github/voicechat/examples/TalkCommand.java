package io.github.voicechat.examples;

import io.github.voicechat.Responder;
import io.github.voicechat.SessionReport;
import io.github.voicechat.TurnReport;
import io.github.voicechat.TurnPolicy;
import io.github.voicechat.VoicePipeline;
import io.github.voicechat.VoiceSession;
import io.github.voicechat.audio.AudioData;
import io.github.voicechat.audio.AudioSinks;
import io.github.voicechat.audio.AudioSource;
import io.github.voicechat.audio.AudioSources;
import io.github.voicechat.audio.WavReader;
import io.github.voicechat.audio.WavWriter;
import io.github.voicechat.spi.EchoCanceller;
import io.github.voicechat.spi.EngineProvider;
import io.github.voicechat.spi.SpeechRecognizer;
import io.github.voicechat.spi.SpeechSynthesizer;
import io.github.voicechat.spi.VoiceActivityDetector;
import io.github.voicechat.time.Clock;
import io.github.voicechat.time.VirtualClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
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
        Responder responder = llm.responder();
        EngineProvider<VoiceActivityDetector> vad = engines.vadProvider();
        EngineProvider<SpeechRecognizer> asr = engines.asrProvider();
        EngineProvider<SpeechSynthesizer> tts = engines.ttsProvider();
        EngineProvider<EchoCanceller> aec = engines.aecProvider(false);
        engines.checkOptions(vad, asr, tts, aec);
        TurnPolicy turnPolicy = engines.turnPolicy();
        System.out.printf(Locale.ROOT, "engines: vad=%s asr=%s tts=%s aec=%s; responder=%s; clock=%s%n", vad.id(),
                asr.id(), tts.id(), aec == null ? "off" : aec.id(), llm.describe(), realtime ? "real" : "virtual");

        AudioData user;
        Path userWav;
        if (input.demo) {
            System.out.println("synthesising the demo user's side with " + tts.id() + " ...");
            DemoScript script = DemoScript.synthesize(tts, turnPolicy);
            user = script.audio();
            userWav = null;
        } else {
            userWav = input.in;
            user = null;
        }
        Clock clock = realtime ? Clock.system() : new VirtualClock();
        VoicePipeline.Builder builder = VoicePipeline.builder()
                .vad(() -> vad.create(engines.vadOptions(vad)))
                .asr(() -> asr.create(engines.asrOptions()))
                .tts(() -> tts.create(engines.ttsOptions()))
                .turnPolicy(turnPolicy)
                .responder(responder)
                .clock(clock)
                .outputSampleRateHz(outputRateHz);
        if (aec != null) {
            builder.echoCanceller(() -> aec.create(engines.aecOptions()));
        }
        if (!quiet) {
            builder.listener(new Timeline(System.out));
        }
        VoicePipeline pipeline = builder.build();
        AudioSource source;
        if (user != null) {
            source = AudioSources.memory(user.sampleRateHz(), user.mono());
        } else {
            try (WavReader probe = WavReader.open(userWav)) {
                probe.format(); // header errors surface here, before any engine loads
            }
            source = AudioSources.wav(userWav);
        }
        long started = System.nanoTime();
        SessionReport result;
        try (VoiceSession session = pipeline.openSession(source, AudioSinks.discard(outputRateHz), out)) {
            session.start();
            session.awaitTermination(Duration.ofHours(24));
            result = session.report();
        }
        double wallS = (System.nanoTime() - started) / 1e9;
        Files.writeString(report, Json.write(toJson(result, vad.id(), asr.id(), tts.id(),
                aec == null ? "off" : aec.id(), realtime, wallS)), StandardCharsets.UTF_8);
        System.out.printf(Locale.ROOT, "%d turns, %d barge-ins, %d false alarms, %.1f s of audio in %.1f s;"
                + " wrote %s and %s%n", result.turns().size(), result.bargeIns(), result.falseAlarms(),
                result.durationS(), wallS, out, report);
        return result.endReason().startsWith("failed") ? 1 : 0;
    }

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
            m.put("user_start_s", t.userStartS());
            m.put("user_end_s", t.userEndS());
            m.put("transcript", t.transcript());
            m.put("response_text", t.responseText());
            m.put("played_text", t.playedText());
            m.put("first_audio_latency_ms", t.firstAudioLatencyMs());
            m.put("barged_in", t.bargedIn());
            m.put("barge_in_latency_ms", t.bargeInLatencyMs());
            m.put("false_alarms", t.falseAlarms());
            m.put("model_first_token_ms", t.modelFirstTokenMs());
            m.put("model_first_clause_ms", t.modelFirstClauseMs());
            turns.add(m);
            if (!Double.isNaN(t.firstAudioLatencyMs())) {
                latencySum += t.firstAudioLatencyMs();
                latencyCount++;
            }
        }
        root.put("turns", turns);
        Map<String, Object> totals = new LinkedHashMap<>();
        totals.put("turns", r.turns().size());
        totals.put("barge_ins", r.bargeIns());
        totals.put("false_alarms", r.falseAlarms());
        totals.put("mean_first_audio_latency_ms", latencyCount == 0 ? Double.NaN : latencySum / latencyCount);
        totals.put("duration_s", r.durationS());
        totals.put("wall_clock_s", wallS);
        totals.put("asr_rtf", r.asrRealTimeFactor());
        totals.put("frames_dropped", r.framesDropped());
        totals.put("underrun_frames", r.underrunFrames());
        totals.put("playout_jitter_p50_ms", r.playoutJitterP50Ms());
        totals.put("playout_jitter_p99_ms", r.playoutJitterP99Ms());
        totals.put("end_reason", r.endReason());
        root.put("totals", totals);
        return root;
    }
}
