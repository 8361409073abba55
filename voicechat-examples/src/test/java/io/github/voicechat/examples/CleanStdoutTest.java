package io.github.voicechat.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.github.voicechat.spi.EchoCanceller;
import io.github.voicechat.spi.Engines;
import io.github.voicechat.testkit.SharedData;
import io.github.voicechat.testkit.SystemPackages;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * The command line's stdout holds only what the command prints, in a fresh JVM as a user's shell sees it: every
 * {@code --json} output parses as exactly one JSON value, and native libraries add nothing at exit.
 */
class CleanStdoutTest {

    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    private static final ObjectReader STRICT_JSON =
            new ObjectMapper().readerFor(JsonNode.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** Each command's top-level keys, as the README documents them. */
    private static final Map<String, List<String>> SHAPES = Map.of(
            "vad", List.of("file", "engine", "sample_rate_hz", "duration_s", "segments"),
            "transcribe", List.of("file", "engine", "text", "confidence", "words", "audio_s", "processing_s", "rtf"),
            "engines", List.of("engines", "turn_policy_options", "segmenter_options"));

    @TempDir
    Path dir;

    /** One run of each command that has {@code --json}, by the command's name as {@code voicechat help} gives it. */
    static Map<String, List<List<String>>> jsonRuns(Path wav) {
        Map<String, List<List<String>>> runs = new LinkedHashMap<>();
        runs.put("vad", List.of(List.of("vad", "--json", wav.toString()),
                List.of("vad", "--engine", "webrtc", "--json", wav.toString())));
        runs.put("transcribe", List.of(List.of("transcribe", "--json", wav.toString())));
        runs.put("engines", List.of(List.of("engines", "--json")));
        return runs;
    }

    static Stream<Arguments> jsonCommands() {
        Path wav = SharedData.location().resolve("speech/pocketsphinx_goforward.wav");
        List<Arguments> out = new ArrayList<>();
        jsonRuns(wav).values().forEach(list -> list.forEach(args -> out.add(Arguments.of(args))));
        return out.stream();
    }

    @Test
    void everyCommandWithAJsonOptionIsRunBelow() {
        TreeSet<String> withJson = new TreeSet<>();
        collectJsonCommands(VoicechatCli.commandLine(), withJson);
        assertThat(withJson).as("commands with --json").isNotEmpty();
        assertThat(jsonRuns(Path.of("x.wav")).keySet()).containsAll(withJson);
    }

    private static void collectJsonCommands(CommandLine cli, TreeSet<String> out) {
        if (cli.getCommandSpec().findOption("--json") != null) {
            out.add(cli.getCommandSpec().qualifiedName(" ").replaceFirst("^voicechat ", ""));
        }
        cli.getSubcommands().values().forEach(sub -> collectJsonCommands(sub, out));
    }

    @ParameterizedTest(name = "voicechat {0}")
    @MethodSource("jsonCommands")
    void jsonOutputIsOneJsonValueAndNothingElse(List<String> args) throws Exception {
        SharedData.requireSpeech();
        if (args.contains("webrtc")) {
            requireWebRtc();
        }
        ForkedJvm.Result r = ForkedJvm.cli(TIMEOUT, args.toArray(String[]::new));
        assertThat(r.code()).as("exit code; stderr: %s", r.err()).isZero();
        JsonNode json = STRICT_JSON.readValue(r.out());
        assertThat(json.isObject()).as(r.out()).isTrue();
        List<String> keys = new ArrayList<>();
        json.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).as("the documented shape of %s", args.get(0)).containsExactlyElementsOf(SHAPES.get(args.get(0)));
        assertThat(r.out().strip()).startsWith("{").endsWith("}");
    }

    @Test
    void enginesAndATalkThroughTheWebRtcEchoCancellerAddNothingAtExit() throws Exception {
        requireWebRtc();
        ForkedJvm.Result engines = ForkedJvm.cli(TIMEOUT, "engines");
        assertThat(engines.code()).isZero();
        assertThat(engines.out()).contains("webrtc-aec").doesNotContain("attach");
        List<String> lines = engines.out().lines().toList();
        assertThat(lines.get(lines.size() - 1)).as("the last line is an engine").containsPattern("^\\S+\\s+\\S+\\s+\\d+\\s+");

        Path user = SharedData.requireSpeech().resolve("pocketsphinx_goforward.wav");
        ForkedJvm.Result talk = ForkedJvm.cli(TIMEOUT, "talk", "--in", user.toString(), "--aec", "webrtc-aec", "--quiet",
                "--out", dir.resolve("s.wav").toString(), "--report", dir.resolve("r.json").toString());
        assertThat(talk.code()).as("stderr: %s", talk.err()).isZero();
        assertThat(talk.out()).contains("aec=webrtc-aec").doesNotContain("attach");
    }

    /**
     * Why {@link NativeStdout} exists: webrtc-java prints at exit even when everything was disposed. When this fails,
     * webrtc-java has stopped doing so, and {@code NativeStdout} can go.
     */
    @Test
    void webrtcJavaStillPrintsToStdoutAtExitOnItsOwn() throws Exception {
        requireWebRtc();
        ForkedJvm.Result r = ForkedJvm.run(WebRtcExitCanary.class, TIMEOUT);
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("disposed\n").contains("Failed to attach thread");
    }

    private static void requireWebRtc() {
        SystemPackages.require("webrtc-java's native library",
                Engines.find(EchoCanceller.class, "webrtc-aec").unavailableReason(), SystemPackages.WEBRTC_JAVA);
    }
}
