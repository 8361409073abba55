package io.github.voicechat.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.voicechat.audio.AudioData;
import io.github.voicechat.audio.WavReader;
import io.github.voicechat.testkit.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The main job and {@code talk --in} with the real default engines (Silero, Sphinx4, FreeTTS) on the virtual clock. */
class TalkCommandTest {

    @TempDir
    Path dir;

    @Test
    void demoHasItsTurnsOneConfirmedBargeInAndOneResumedFalseAlarm() throws Exception {
        Path wav = dir.resolve("session.wav");
        Path json = dir.resolve("report.json");
        int code = VoicechatCli.run("talk", "--demo", "--quiet", "--out", wav.toString(), "--report", json.toString());
        assertThat(code).isZero();

        JsonNode report = new ObjectMapper().readTree(json.toFile());
        JsonNode turns = report.get("turns");
        assertThat(turns).hasSize(4);
        assertThat(report.at("/totals/barge_ins").asInt()).isEqualTo(1);
        assertThat(report.at("/totals/false_alarms").asInt()).isEqualTo(1);
        assertThat(report.at("/engines/asr").asText()).isEqualTo("sphinx-en-us");
        // Turn 1 had the cough: paused and resumed, played in full.
        assertThat(turns.get(0).get("false_alarms").asInt()).isEqualTo(1);
        assertThat(turns.get(0).get("barged_in").asBoolean()).isFalse();
        assertThat(turns.get(0).get("played_text").asText()).isEqualTo(turns.get(0).get("response_text").asText());
        // Turn 2 was interrupted: only a prefix of the answer was played.
        JsonNode interrupted = turns.get(1);
        assertThat(interrupted.get("barged_in").asBoolean()).isTrue();
        String played = interrupted.get("played_text").asText();
        String response = interrupted.get("response_text").asText();
        assertThat(played.length()).isLessThan(response.length());
        assertThat(response).startsWith(played);
        assertThat(interrupted.get("barge_in_latency_ms").asDouble()).isBetween(0.0, 50.0);
        double soonest = Double.MAX_VALUE;
        for (JsonNode t : turns) {
            assertThat(t.get("transcript").asText()).isNotBlank();
            // End of turn after 200-300 ms of silence when the words read as complete and the voice falls, 500 ms
            // otherwise, plus VAD frames and one tick: well under the 300 ms budget that counts from the decision.
            double latencyMs = t.get("first_audio_latency_ms").asDouble();
            assertThat(latencyMs).isBetween(200.0, 600.0);
            soonest = Math.min(soonest, latencyMs);
        }
        // The demo's requests are complete sentences, read with a falling voice: at least one ends on the short rule.
        assertThat(soonest).isLessThan(500.0);
        // The session WAV is stereo at 48 kHz and as long as the session.
        try (WavReader r = WavReader.open(wav)) {
            assertThat(r.format().channels()).isEqualTo(2);
            assertThat(r.format().sampleRateHz()).isEqualTo(48_000);
            assertThat(r.lengthSamples() / 48_000.0).isCloseTo(report.at("/totals/duration_s").asDouble(),
                    org.assertj.core.data.Offset.offset(0.1));
        }
    }

    @Test
    void talkWithARecordingTranscribesItAndAnswers() throws Exception {
        Path speech = SharedData.requireSpeech();
        Path json = dir.resolve("report.json");
        int code = VoicechatCli.run("talk", "--in", speech.resolve("pocketsphinx_goforward.wav").toString(),
                "--quiet", "--out", dir.resolve("s.wav").toString(), "--report", json.toString());
        assertThat(code).isZero();
        JsonNode report = new ObjectMapper().readTree(json.toFile());
        assertThat(report.get("turns")).hasSize(1);
        JsonNode turn = report.get("turns").get(0);
        assertThat(turn.get("transcript").asText()).contains("forward");
        assertThat(turn.get("played_text").asText()).startsWith("You said:");
    }

    @Test
    void vadOptionsReachTheTurnPolicy() throws Exception {
        // Before, --vad-option threshold=... was accepted and ignored by talk and live.
        Path speech = SharedData.requireSpeech();
        Path json = dir.resolve("report.json");
        int code = VoicechatCli.run("talk", "--in", speech.resolve("pocketsphinx_goforward.wav").toString(),
                "--quiet", "--out", dir.resolve("s.wav").toString(), "--report", json.toString(),
                "--vad-option", "min_silence_ms=900", "--vad-option", "threads=1");
        assertThat(code).isZero();
        JsonNode turn = new ObjectMapper().readTree(json.toFile()).get("turns").get(0);
        assertThat(turn.get("transcript").asText()).contains("forward");
        // The turn ends after 900 ms of silence, not the default 500 ms (plus VAD frames and one tick).
        assertThat(turn.get("first_audio_latency_ms").asDouble()).isBetween(900.0, 1000.0);

        EngineSelection engines = new EngineSelection();
        engines.vadOptions = java.util.List.of("threshold=0.7", "min_speech_ms=200", "threads=2");
        io.github.voicechat.TurnPolicy policy = engines.turnPolicy();
        assertThat(policy.activationThreshold()).isEqualTo(0.7f);
        assertThat(policy.minSpeechMs()).isEqualTo(200);
        var silero = engines.vadProvider();
        assertThat(engines.vadOptions(silero).asMap()).containsOnlyKeys("threads");
    }

    @Test
    void badEngineOptionsFailBeforeAnyEngineLoads() {
        assertThat(talkDemoErr("--vad-option", "treshold=0.6")).contains("error: unknown option 'treshold' for"
                + " silero-vad-v6 or the turn policy; valid: device, max_utterance_ms, min_silence_ms, min_speech_ms,"
                + " neg_threshold, pre_roll_ms, sample_rate_hz, threads, threshold");
        assertThat(talkDemoErr("--vad-option", "min_silence_ms=5"))
                .contains("error: option min_silence_ms must be 10..10000, was 5");
        assertThat(talkDemoErr("--asr-option", "word_beam=200"))
                .contains("error: unknown option 'word_beam' for sphinx-en-us; valid: beam, grammar,");
        assertThat(talkDemoErr("--tts-option", "rate=5000"))
                .contains("error: option rate must be 50..400, was 5000 (for freetts-kevin16)");
        assertThat(talkDemoErr("--aec-option", "noise_suppression=true"))
                .contains("error: --aec-option {noise_suppression=true} given, but echo cancellation is off");
        assertThat(dir.resolve("s.wav")).doesNotExist();
        assertThat(dir.resolve("r.json")).doesNotExist();
    }

    private String talkDemoErr(String... options) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("talk", "--demo", "--quiet",
                "--out", dir.resolve("s.wav").toString(), "--report", dir.resolve("r.json").toString()));
        args.addAll(java.util.List.of(options));
        return runCapturingErr(args.toArray(String[]::new));
    }

    @Test
    void badWavFilesFailWithAClearMessage() throws Exception {
        Path empty = Files.createFile(dir.resolve("empty.wav"));
        assertThat(runCapturingErr("talk", "--in", empty.toString(), "--out", dir.resolve("s.wav").toString(),
                "--report", dir.resolve("r.json").toString()))
                .contains("error: ").contains("empty.wav: not a WAV file: it is empty (0 bytes)");
        // A header claiming two hours on a one-second file.
        Path liar = dir.resolve("liar.wav");
        io.github.voicechat.audio.WavWriter.write(liar, AudioData.mono(16_000, new float[16_000]));
        byte[] bytes = Files.readAllBytes(liar);
        java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(40, 2 * 3600 * 32_000);
        Files.write(liar, bytes);
        assertThat(runCapturingErr("transcribe", liar.toString())).contains("truncated: header declares")
                .contains("7200.000 s").contains("1.000 s");
    }

    private static String runCapturingErr(String... args) {
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = VoicechatCli.run(args);
            assertThat(code).isNotZero();
        } finally {
            System.setErr(old);
        }
        return err.toString(StandardCharsets.UTF_8);
    }
}
