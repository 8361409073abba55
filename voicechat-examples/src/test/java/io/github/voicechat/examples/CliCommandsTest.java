package io.github.voicechat.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.voicechat.audio.AudioData;
import io.github.voicechat.audio.WavReader;
import io.github.voicechat.audio.WavWriter;
import io.github.voicechat.testkit.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.DataLine;
import javax.sound.sampled.TargetDataLine;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** speak, transcribe, vad and live on good and bad input, through the command line's own entry point. */
class CliCommandsTest {

    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
    }

    static Result cli(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = VoicechatCli.run(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void speakWritesTheRequestedRateAndRefusesEmptyText() throws Exception {
        Path wav = dir.resolve("hello.wav");
        Result r = cli("speak", "Hello from voicechat.", "-o", wav.toString(), "--rate", "48000");
        assertThat(r.code()).isZero();
        AudioData audio = WavReader.read(wav);
        assertThat(audio.sampleRateHz()).isEqualTo(48_000);
        assertThat(audio.durationMs()).isBetween(700.0, 3000.0);

        Result empty = cli("speak", "  ", "-o", dir.resolve("e.wav").toString());
        assertThat(empty.code()).isEqualTo(2);
        assertThat(empty.err()).contains("nothing to say: the text is empty");
    }

    @Test
    void speakChunksTenThousandCharactersAndSurvivesUnsupportedCharacters() throws Exception {
        String sentence = "This sentence is repeated to make a very long text. ";
        String longText = sentence.repeat(10_000 / sentence.length() + 1).substring(0, 10_000);
        Path wav = dir.resolve("long.wav");
        Result r = cli("speak", longText, "-o", wav.toString());
        assertThat(r.code()).isZero();
        // About 190 sentences of ~2.5 s: minutes of audio, not a refusal.
        assertThat(WavReader.read(wav).durationMs()).isGreaterThan(200_000.0);

        Path odd = dir.resolve("odd.wav");
        Result o = cli("speak", "Emoji \uD83D\uDE00, 中文 and a bell \u0007 then words.", "-o", odd.toString());
        assertThat(o.code()).isZero();
        assertThat(o.err()).contains("skips: \uD83D\uDE00 U+1F600, 中 U+4E2D, 文 U+6587");
        assertThat(WavReader.read(odd).durationMs()).isPositive();
    }

    @Test
    void transcribeRealSpeechAndNoise() throws Exception {
        Path speech = SharedData.requireSpeech();
        Result r = cli("transcribe", speech.resolve("pocketsphinx_goforward.wav").toString());
        assertThat(r.code()).isZero();
        assertThat(r.out().strip()).isEqualTo("go forward ten meters");

        float[] noise = new float[32_000];
        Random random = new Random(1);
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (float) (0.01 * random.nextGaussian());
        }
        Path noiseWav = dir.resolve("noise.wav");
        WavWriter.writeMono(noiseWav, 16_000, noise);
        Result n = cli("transcribe", noiseWav.toString(), "--json");
        assertThat(n.code()).isZero();
        assertThat(n.out()).contains("\"engine\": \"sphinx-en-us\"");
    }

    @Test
    void transcribeRefusesAnEmptyFile() throws Exception {
        Path empty = Files.createFile(dir.resolve("zero.wav"));
        Result r = cli("transcribe", empty.toString());
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("zero.wav: not a WAV file: it is empty (0 bytes)");
    }

    @Test
    void vadPrintsSegmentsAndFailsClearlyOnBadFiles() throws Exception {
        Path speech = SharedData.requireSpeech();
        Result r = cli("vad", speech.resolve("pocketsphinx_librivox-0880.wav").toString(), "--json");
        assertThat(r.code()).isZero();
        com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out());
        assertThat(json.get("engine").asText()).isEqualTo("silero-vad-v6");
        assertThat(json.get("segments").get(0).get("start_s").asDouble()).isPositive();

        Path notWav = dir.resolve("text.wav");
        Files.writeString(notWav, "this is not audio at all, just text in a file");
        Result bad = cli("vad", notWav.toString());
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("not a WAV file: expected 'RIFF' at byte 0");
    }

    @Test
    void vadOptionsGoToTheEngineOrTheSegmenterAndAnythingElseIsRefused() throws Exception {
        Path clip = SharedData.requireSpeech().resolve("pocketsphinx_librivox-0880.wav");
        // Issue 16: threads=100000 started about 25,000 threads; now it is refused before the model loads.
        Result threads = cli("vad", clip.toString(), "-o", "threads=100000");
        assertThat(threads.code()).isEqualTo(2);
        assertThat(threads.err()).contains("option threads must be 1..16, was 100000");
        Result typo = cli("vad", clip.toString(), "-o", "treshold=0.6");
        assertThat(typo.code()).isEqualTo(2);
        assertThat(typo.err()).contains("unknown option 'treshold' for silero-vad-v6 or the speech segmenter; valid:"
                + " device, end_latency_ms, min_silence_ms, min_speech_ms, neg_threshold, sample_rate_hz,"
                + " speech_pad_ms, threads, threshold");
        Result webrtc = cli("vad", clip.toString(), "--engine", "webrtc", "-o", "aggressiveness=9");
        assertThat(webrtc.code()).isEqualTo(2);
        assertThat(webrtc.err()).contains("option aggressiveness must be 0..3, was 9");

        // An engine key and a segmenter key together: each reaches its owner.
        Result normal = cli("vad", clip.toString(), "--json", "-o", "threads=2");
        Result strict = cli("vad", clip.toString(), "--json", "-o", "threads=2", "-o", "threshold=0.95",
                "-o", "min_speech_ms=600");
        assertThat(normal.code()).isZero();
        assertThat(strict.code()).isZero();
        assertThat(speechSeconds(strict.out())).isLessThan(speechSeconds(normal.out()));
    }

    /** The total length of the segments in {@code vad --json} output. */
    private static double speechSeconds(String json) throws Exception {
        double total = 0;
        for (var s : new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).get("segments")) {
            total += s.get("end_s").asDouble() - s.get("start_s").asDouble();
        }
        return total;
    }

    @Test
    void enginesListsEachEnginesOptionsWithTypeRangeAndDefault() {
        Result r = cli("engines", "--options");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("silero-vad-v6").contains("    threads=integer 1..16 (default 1): ")
                .contains("    sample_rate_hz=8000|16000 (default 16000): ")
                .contains("    beam=integer 100..100000 (default 3000): ")
                .contains("    rate=number 50..400 (default 150): ")
                .contains("turn-taking (--vad-option of talk and live):")
                .contains("    min_silence_ms=integer 10..10000: ")
                .contains("speech segmenter (-o of vad):")
                .contains("    end_latency_ms=integer 0..2000: ");
        assertThat(cli("engines").out()).doesNotContain("threads=integer");
    }

    @Test
    void liveRefusesABadOptionBeforeOpeningAnyDevice() {
        // Checked before the microphone is opened, so this holds with or without a sound device.
        Result r = cli("live", "--vad-option", "threshold=2");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("error: option threshold must be 0.01..1, was 2");
        assertThat(r.err()).doesNotContain("microphone");
    }

    @Test
    void liveSaysClearlyWhenThereIsNoMicrophone() {
        DataLine.Info mic = new DataLine.Info(TargetDataLine.class,
                new javax.sound.sampled.AudioFormat(16_000, 16, 1, true, false));
        Assumptions.assumeFalse(AudioSystem.isLineSupported(mic),
                "skipped: this machine has a microphone; the no-device message cannot be shown");
        Result r = cli("live");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).contains("error: no microphone");
    }
}
