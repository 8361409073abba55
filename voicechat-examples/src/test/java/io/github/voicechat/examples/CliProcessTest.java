package io.github.voicechat.examples;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.voicechat.audio.AudioData;
import io.github.voicechat.audio.WavReader;
import io.github.voicechat.audio.WavWriter;
import io.github.voicechat.testkit.SharedData;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What a killed or interrupted command leaves behind, in a process of its own. */
class CliProcessTest {

    @TempDir
    Path dir;

    /**
     * {@code speak -o} over an existing file, killed with SIGKILL while it writes: the old file is intact and the
     * partial one beside it is a readable WAV. It used to leave the target with a header saying 0 bytes.
     */
    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void speakKilledMidWriteLeavesTheOldFileAndAReadablePartialOne() throws Exception {
        Path target = dir.resolve("speech.wav");
        WavWriter.writeMono(target, 16_000, new float[] {0.25f, -0.25f});
        byte[] before = Files.readAllBytes(target);
        String sentence = "This sentence is repeated many times so that the file takes a while to write. ";
        String text = sentence.repeat(800); // about an hour of speech: far longer than the test lets it run

        Path partial;
        Process p = ForkedJvm.start(VoicechatCli.class, "speak", text, "-o", target.toString(), "--tts", "freetts");
        CompletableFuture<String> err = ForkedJvm.drain(p.getErrorStream());
        ForkedJvm.drain(p.getInputStream());
        try (WatchService watch = dir.getFileSystem().newWatchService()) {
            dir.register(watch, ENTRY_CREATE, ENTRY_MODIFY);
            partial = awaitPartialOver(watch, 1 << 20, p);
            assertThat(p.isAlive()).as("still writing when killed").isTrue();
            p.destroyForcibly().waitFor();
        }
        assertThat(Files.readAllBytes(target)).as("the old file").isEqualTo(before);
        assertThat(partial.getFileName().toString()).startsWith("speech.wav.").endsWith(".part");
        long fileBytes = Files.size(partial);
        try (WavReader r = WavReader.open(partial)) {
            assertThat(r.warnings()).isEmpty(); // the header holds a real size, not 0
            long headerBytes = r.lengthSamples() * 2;
            assertThat(headerBytes).as("audio the header covers").isBetween(fileBytes - 44 - (1 << 16), fileBytes - 44);
            AudioData audio = r.readAll();
            assertThat(audio.durationMs()).isGreaterThan(30_000);
        }
        assertThat(err.join()).doesNotContain("Exception");
    }

    /**
     * Waits on file-system events (not a sleep) until a {@code .part} file in {@link #dir} exceeds {@code bytes};
     * fails as soon as the process has ended without one.
     */
    private Path awaitPartialOver(WatchService watch, long bytes, Process p) throws Exception {
        while (true) {
            WatchKey key = watch.poll(1, TimeUnit.SECONDS);
            assertThat(p.isAlive()).as("speak still running (a partial file should have appeared and grown)").isTrue();
            if (key == null) {
                continue;
            }
            for (WatchEvent<?> e : key.pollEvents()) {
                if (e.context() instanceof Path name && name.toString().endsWith(".part")) {
                    Path f = dir.resolve(name);
                    if (Files.exists(f) && Files.size(f) > bytes) {
                        return f;
                    }
                }
            }
            key.reset();
        }
    }

    /**
     * {@code talk} interrupted by Ctrl-C (SIGINT) part-way through a real-clock session: it finishes, writes the
     * session WAV and the report, says so, and exits with 130. It used to write no report.
     */
    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void talkInterruptedByCtrlCWritesTheRecordingAndTheReportAndExits130() throws Exception {
        Path user = SharedData.requireSpeech().resolve("sphinx4_10001-90210-01803.wav"); // 8.3 s
        Path out = dir.resolve("session.wav");
        Path report = dir.resolve("report.json");
        Process p = ForkedJvm.start(VoicechatCli.class, "talk", "--in", user.toString(), "--realtime", "--out",
                out.toString(), "--report", report.toString());
        CompletableFuture<String> err = ForkedJvm.drain(p.getErrorStream());
        StringBuilder stdout = new StringBuilder();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            boolean signalled = false;
            while ((line = lines.readLine()) != null) {
                stdout.append(line).append('\n');
                if (!signalled && line.contains("user  starts speaking")) {
                    Process kill = new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).inheritIO().start();
                    assertThat(kill.waitFor()).isZero();
                    signalled = true;
                }
            }
            assertThat(signalled).as("the session started; stdout: %s; stderr: %s", stdout, err.getNow("")).isTrue();
        }
        assertThat(p.waitFor()).as("exit code; stderr: %s", err.join()).isEqualTo(130);
        assertThat(err.join()).contains("interrupted: the session was ended early; writing what it has");
        assertThat(stdout).contains("wrote " + out + " (").contains("wrote " + report);

        JsonNode json = new ObjectMapper().readTree(report.toFile());
        assertThat(json.at("/totals/end_reason").asText()).isNotBlank();
        double durationS = json.at("/totals/duration_s").asDouble();
        assertThat(durationS).isGreaterThan(0.3).isLessThan(8.3);
        try (WavReader r = WavReader.open(out)) {
            assertThat(r.format().channels()).isEqualTo(2);
            assertThat(r.warnings()).isEmpty();
            assertThat(r.readAll().durationMs() / 1000).isCloseTo(durationS, org.assertj.core.data.Offset.offset(0.2));
        }
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".part")).findAny())
                    .isEqualTo(Optional.empty());
        }
    }

    /**
     * {@code talk} killed with SIGKILL part-way: the previous session.wav and report.json are intact, and the
     * recording so far is a readable WAV beside them.
     */
    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void talkKilledMidSessionLeavesThePreviousFilesAndAReadablePartialRecording() throws Exception {
        Path user = SharedData.requireSpeech().resolve("sphinx4_10001-90210-01803.wav");
        Path out = dir.resolve("session.wav");
        Path report = dir.resolve("report.json");
        WavWriter.writeMono(out, 8_000, new float[] {0.5f});
        Files.writeString(report, "{\"previous\": true}\n");
        byte[] oldWav = Files.readAllBytes(out);
        Process p = ForkedJvm.start(VoicechatCli.class, "talk", "--in", user.toString(), "--realtime", "--out",
                out.toString(), "--report", report.toString());
        CompletableFuture<String> err = ForkedJvm.drain(p.getErrorStream());
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null && !line.contains("asr   heard")) {
                // wait for the first transcript: seconds of the session are recorded by then
            }
            assertThat(line).as("a transcript before the kill; stderr: %s", err.getNow("")).isNotNull();
            p.destroyForcibly().waitFor();
        }
        assertThat(Files.readAllBytes(out)).isEqualTo(oldWav);
        assertThat(Files.readString(report)).isEqualTo("{\"previous\": true}\n");
        Path partial;
        try (var files = Files.list(dir)) {
            partial = files.filter(f -> f.getFileName().toString().startsWith("session.wav.")).findFirst().orElseThrow();
        }
        try (WavReader r = WavReader.open(partial)) {
            assertThat(r.format().channels()).isEqualTo(2);
            assertThat(r.readAll().durationMs()).isGreaterThan(1_000);
        }
    }
}
