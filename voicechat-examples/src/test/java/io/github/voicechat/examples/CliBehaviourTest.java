package io.github.voicechat.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.voicechat.audio.AudioFormat;
import io.github.voicechat.audio.SampleEncoding;
import io.github.voicechat.audio.WavReader;
import io.github.voicechat.audio.WavWriter;
import io.github.voicechat.testkit.SharedData;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * How the command line behaves for a user, in-process: help, exit codes, file errors, argument checks before any
 * engine loads, audio the reader used to drop, text an engine cannot speak. (Crash and signal behaviour, which needs
 * a process of its own, is in {@link CliProcessTest}.)
 */
class CliBehaviourTest {

    /** Engine flag families each command may show; any other command shows none. */
    private static final Map<String, Set<String>> ENGINE_FLAGS = Map.of(
            "speak", Set.of("--tts"),
            "transcribe", Set.of("--asr"),
            "talk", Set.of("--vad", "--asr", "--tts", "--aec"),
            "live", Set.of("--vad", "--asr", "--tts", "--aec"),
            "serve", Set.of("--vad", "--asr", "--tts", "--aec"));
    private static final List<String> FAMILIES = List.of("--vad", "--asr", "--tts", "--aec");

    @TempDir
    Path dir;

    static CliCommandsTest.Result cli(String... args) {
        return CliCommandsTest.cli(args);
    }

    private static void commands(CommandLine cli, List<CommandLine> out) {
        out.add(cli);
        cli.getSubcommands().values().forEach(sub -> commands(sub, out));
    }

    @Test
    void everyCommandAnswersHelpWithExitZeroShowingOnlyItsOwnOptionsAndTheExitCodes() {
        List<CommandLine> all = new ArrayList<>();
        commands(VoicechatCli.commandLine(), all);
        assertThat(all).hasSizeGreaterThan(12);
        for (CommandLine c : all) {
            String path = c.getCommandSpec().qualifiedName(" ").replaceFirst("^voicechat ?", "");
            List<String> args = new ArrayList<>(path.isEmpty() ? List.of() : List.of(path.split(" ")));
            args.add("--help");
            CliCommandsTest.Result r = cli(args.toArray(String[]::new));
            assertThat(r.code()).as("voicechat %s --help: %s", path, r.err()).isZero();
            assertThat(r.out()).as(path).contains("Usage: voicechat" + (path.isEmpty() ? "" : " " + path))
                    .contains("Exit codes:", "  2    bad usage or input", "  130  interrupted by Ctrl-C");
            String name = c.getCommandName();
            for (String family : FAMILIES) {
                boolean shown = Pattern.compile("(^|[\\s,\\[])" + Pattern.quote(family) + "[=\\s,\\]-]",
                        Pattern.MULTILINE).matcher(r.out()).find();
                boolean expected = ENGINE_FLAGS.getOrDefault(name, Set.of()).contains(family) && !path.contains(" ");
                assertThat(shown).as("voicechat %s --help shows %s", path, family).isEqualTo(expected);
            }
        }
    }

    @Test
    void fileErrorsNameTheFileAndTheProblemWithExitCodeTwo() throws Exception {
        Path missing = dir.resolve("missing.wav");
        Path text = Files.writeString(dir.resolve("text.wav"), "not audio");
        Path emptyData = dir.resolve("empty.wav");
        WavWriter.writeMono(emptyData, 16_000, new float[0]);
        for (String command : List.of("vad", "transcribe")) {
            assertError(cli(command, missing.toString()), missing + ": no such file");
            assertError(cli(command, dir.toString()), dir + ": is a directory, not a file");
            assertError(cli(command, text.toString()), text + ": not a WAV file: 9 bytes, shorter than a RIFF header");
            assertError(cli(command, emptyData.toString()), emptyData + ": holds no audio (its data chunk is empty)");
        }
        assertError(cli("talk", "--in", missing.toString()), missing + ": no such file");
        assertError(cli("speak", "hi", "-o", dir.toString()), "--out " + dir + ": is a directory, not a file to write");
        Path noFolder = dir.resolve("none/x.wav");
        assertError(cli("speak", "hi", "-o", noFolder.toString()),
                "--out " + noFolder + ": its folder " + dir.resolve("none") + " does not exist");
    }

    @Test
    void aNanInAFloatWavIsReportedAtItsPlaceInTheFile() throws Exception {
        float[] x = new float[48_000];
        x[40_000] = Float.NaN;
        Path wav = dir.resolve("nan.wav");
        try (WavWriter w = WavWriter.create(wav, new AudioFormat(16_000, 1, SampleEncoding.FLOAT32))) {
            w.writeMono(x, 0, x.length);
        }
        assertError(cli("vad", wav.toString()), wav + ": sample 40000 (at 2.500 s, byte 160044) is NaN");
    }

    @Test
    void talkChecksEveryArgumentBeforeLoadingAnyEngineAndClaimsNothing() throws Exception {
        Path out = dir.resolve("s.wav");
        Path report = dir.resolve("r.json");
        String[][] bad = {
            {"--rate", "12345"},
            {"--rate", "-1"},
            {"--report", dir.resolve("nope/r.json").toString()},
            {"--out", dir.toString()},
            {"--out", report.toString(), "--report", report.toString()},
            {"--asr-option", "beam"},
            {"--asr", "no-such-engine"},
            {"--aec-option", "noise_suppression=true"},
        };
        String[] expected = {
            "--rate 12345: cannot convert", "--rate -1:", "its folder " + dir.resolve("nope") + " does not exist",
            "--out " + dir + ": is a directory", "--out and --report are the same file",
            "--asr-option: engine option must be key=value, was 'beam'", "no SpeechRecognizer engine 'no-such-engine'",
            "--aec-option {noise_suppression=true} given, but echo cancellation is off",
        };
        for (int i = 0; i < bad.length; i++) {
            List<String> given = List.of(bad[i]);
            List<String> args = new ArrayList<>(List.of("talk", "--demo"));
            if (!given.contains("--out")) {
                args.addAll(List.of("--out", out.toString()));
            }
            if (!given.contains("--report")) {
                args.addAll(List.of("--report", report.toString()));
            }
            args.addAll(given);
            CliCommandsTest.Result r = cli(args.toArray(String[]::new));
            assertThat(r.code()).as("exit code for %s; stderr: %s", given, r.err()).isEqualTo(ExitCode.USAGE);
            assertThat(r.err()).startsWith("error: ").contains(expected[i]);
            assertThat(r.err()).as("nothing loaded for %s", List.of(bad[i])).doesNotContain("loading");
            assertThat(r.out()).doesNotContain("wrote");
        }
        assertThat(out).doesNotExist();
        assertThat(report).doesNotExist();
    }

    @Test
    void aWavWhoseHeaderSaysZeroBytesIsReadToTheEndWithAWarning() throws Exception {
        Path speech = SharedData.requireSpeech().resolve("pocketsphinx_goforward.wav");
        byte[] bytes = Files.readAllBytes(speech);
        int data = indexOf(bytes, "data");
        ByteBuffer.wrap(bytes, data + 4, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(0);
        Path zero = Files.write(dir.resolve("zero.wav"), bytes);
        String warning = "warning: " + zero + ": the header says the audio is 0 bytes long but 89160 bytes (2.786 s)"
                + " follow; reading them to the end of the file";

        CliCommandsTest.Result vad = cli("vad", "--json", zero.toString());
        assertThat(vad.code()).as(vad.err()).isZero();
        assertThat(vad.err()).contains(warning);
        JsonNode json = new ObjectMapper().readTree(vad.out());
        assertThat(json.get("segments")).isNotEmpty(); // it used to be [] with exit 0
        assertThat(json.get("duration_s").asDouble()).isEqualTo(2.786);

        CliCommandsTest.Result asr = cli("transcribe", zero.toString());
        assertThat(asr.code()).isZero();
        assertThat(asr.err()).contains(warning);
        assertThat(asr.out().strip()).isEqualTo("go forward ten meters"); // it used to be ""
    }

    @Test
    void textTheEngineCannotSpeakIsRefusedOrItsDroppedCharactersNamed() throws Exception {
        Path wav = dir.resolve("x.wav");
        CliCommandsTest.Result emoji = cli("speak", "\uD83D\uDE00\uD83D\uDE00", "-o", wav.toString(), "--tts", "freetts");
        assertError(emoji, "freetts-kevin16 produced no audible audio for this text; it speaks en-US and cannot"
                + " pronounce: \uD83D\uDE00 U+1F600 (" + wav + " was not written)");
        CliCommandsTest.Result hebrew = cli("speak", "שלום", "-o", wav.toString(), "--tts", "freetts");
        assertError(hebrew, "freetts-kevin16 produced no audible audio for this text; it speaks en-US and cannot"
                + " pronounce: ש U+05E9, ל U+05DC, ו U+05D5, ם U+05DD");
        assertThat(wav).doesNotExist();

        CliCommandsTest.Result mixed = cli("speak", "Hello \uD83D\uDE00 world", "-o", wav.toString(), "--tts", "freetts");
        assertThat(mixed.code()).isZero();
        assertThat(mixed.err()).contains("warning: freetts-kevin16 speaks en-US and skips: \uD83D\uDE00 U+1F600");
        assertThat(WavReader.read(wav).durationMs()).isGreaterThan(500);
    }

    @Test
    void enginesJsonListsEveryProviderWithItsStatus() throws Exception {
        CliCommandsTest.Result r = cli("engines", "--json");
        assertThat(r.code()).isZero();
        JsonNode engines = new ObjectMapper().readTree(r.out()).get("engines");
        assertThat(engines).isNotEmpty();
        for (JsonNode e : engines) {
            assertThat(e.get("status").asText()).isIn("ready", "missing");
            assertThat(e.get("reason").isNull()).isEqualTo(e.get("status").asText().equals("ready"));
            assertThat(e.get("sample_rate_hz").asInt()).isPositive();
            assertThat(e.get("options").isArray()).as(e.get("id").asText()).isTrue();
        }
        // Every engine's declared options, as `engines --options` lists them, and those of turn-taking and the segmenter.
        JsonNode root = new ObjectMapper().readTree(r.out());
        JsonNode silero = null;
        for (JsonNode e : engines) {
            if (e.get("id").asText().equals("silero-vad-v6")) {
                silero = e;
            }
        }
        assertThat(silero).isNotNull();
        assertThat(option(silero.get("options"), "threads").get("values").asText()).isEqualTo("integer 1..16");
        assertThat(option(silero.get("options"), "threads").get("default_value").asInt()).isEqualTo(1);
        assertThat(option(silero.get("options"), "device").get("default_value").asText()).isEqualTo("auto");
        assertThat(option(root.get("turn_policy_options"), "min_silence_ms").get("values").asText())
                .isEqualTo("integer 10..10000");
        assertThat(option(root.get("turn_policy_options"), "min_silence_ms").get("default_value").isNull()).isTrue();
        assertThat(option(root.get("segmenter_options"), "end_latency_ms").get("description").asText()).isNotBlank();
    }

    private static JsonNode option(JsonNode options, String key) {
        for (JsonNode o : options) {
            if (o.get("key").asText().equals(key)) {
                return o;
            }
        }
        throw new AssertionError("no option " + key + " in " + options);
    }

    private static void assertError(CliCommandsTest.Result r, String message) {
        assertThat(r.code()).as("exit code; stderr: %s", r.err()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).contains("error: " + message);
    }

    private static int indexOf(byte[] b, String ascii) {
        outer:
        for (int i = 0; i + ascii.length() <= b.length; i++) {
            for (int j = 0; j < ascii.length(); j++) {
                if (b[i + j] != ascii.charAt(j)) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError(ascii + " not found");
    }
}
