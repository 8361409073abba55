package io.github.voicechat.examples;

import com.sun.net.httpserver.HttpServer;
import io.github.voicechat.models.Digest;
import io.github.voicechat.models.DigestAlgorithm;
import io.github.voicechat.models.ModelCatalog;
import io.github.voicechat.models.ModelEntry;
import io.github.voicechat.models.ModelFile;
import io.github.voicechat.models.ModelTask;
import io.github.voicechat.time.VirtualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class ModelsCommandTest {
    @TempDir
    Path dir;
    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private final byte[] weights = new byte[200_000];
    private String sha256;

    @BeforeEach
    void start() throws Exception {
        new Random(3).nextBytes(weights);
        sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(weights));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        // Serves the test weights under the path a real catalog URL would have, whatever the host.
        server.createContext("/", ex -> {
            requests.incrementAndGet();
            if (ex.getRequestURI().getPath().equals("/voices/en/test-voice.onnx")) {
                ex.sendResponseHeaders(200, weights.length);
                try (OutputStream os = ex.getResponseBody()) {
                    os.write(weights);
                }
            } else {
                byte[] junk = "not the model".getBytes();
                ex.sendResponseHeaders(200, junk.length);
                try (OutputStream os = ex.getResponseBody()) {
                    os.write(junk);
                }
            }
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private record Run(int exit, String out, String err) {
    }

    private Run run(String... args) {
        return run(new ModelsCommand(), args);
    }

    private Run run(ModelsCommand command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(command);
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private Path catalogFile() throws IOException {
        ModelEntry e = new ModelEntry("piper-test-voice", "piper", ModelTask.TTS, List.of("en-US"), 22050,
                List.of(ModelFile.download("test-voice.onnx",
                        URI.create("https://huggingface.co/voices/en/test-voice.onnx"), (long) weights.length,
                        new Digest(DigestAlgorithm.SHA256, sha256))), "MIT", "a voice served by the test");
        Path f = dir.resolve("catalog.json");
        Files.writeString(f, ModelCatalog.of(List.of(e)).toJson());
        return f;
    }

    private String mirror() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    @Test
    void pullOfACatalogEntryFromALocalMirrorVerifiesAndInstallsIt() throws Exception {
        Path home = dir.resolve("home");
        String[] common = {"--home", home.toString(), "--catalog", catalogFile().toString(), "--mirror", mirror()};

        Run pull = run(concat(common, "pull", "piper-test-voice"));
        assertThat(pull.exit()).as(pull.err()).isZero();
        Path installed = home.resolve("piper-test-voice").resolve("test-voice.onnx");
        assertThat(Files.readAllBytes(installed)).isEqualTo(weights);
        assertThat(pull.out()).contains("installed piper-test-voice in " + home.resolve("piper-test-voice"));
        assertThat(pull.err()).contains("downloading test-voice.onnx from " + mirror() + "voices/en/test-voice.onnx")
                .contains("[" + "#".repeat(30) + "] 100%").contains("verified test-voice.onnx sha256:" + sha256)
                .containsPattern("\\] 100% 195\\.3 KiB / 195\\.3 KiB  [0-9.]+ (B|KiB|MiB|GiB)/s  ETA 0:00\n");

        Run list = run(concat(common, "list"));
        assertThat(list.out()).containsPattern("piper-test-voice\\s+tts\\s+piper\\s+0\\.2 MiB\\s+installed");

        Run verify = run(concat(common, "verify", "piper-test-voice"));
        assertThat(verify.exit()).isZero();
        assertThat(verify.out()).contains("piper-test-voice: OK (home)", "ok   test-voice.onnx  sha256 ok");

        Run path = run(concat(common, "path", "piper-test-voice"));
        assertThat(path.out().strip()).isEqualTo(home.resolve("piper-test-voice").toString());

        Files.write(installed, new byte[]{1, 2, 3});
        Run bad = run(concat(common, "verify"));
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.out()).contains("piper-test-voice: FAILED");

        Run rm = run(concat(common, "rm", "piper-test-voice"));
        assertThat(rm.out()).contains("removed piper-test-voice");
        assertThat(home.resolve("piper-test-voice")).doesNotExist();
        assertThat(requests).hasValue(1);
    }

    @Test
    void builtInCatalogIsListedAndAMirrorServingWrongBytesIsRejected() {
        Path home = dir.resolve("home");
        Run list = run("--home", home.toString(), "list");
        assertThat(list.exit()).isZero();
        assertThat(list.out()).contains("whisper-base.en", "piper-en_US-lessac-medium", "silero-vad-v6");
        assertThat(list.out()).containsPattern("whisper-tiny\\.en\\s+asr\\s+whisper\\s+\\?\\s+-");

        Run pull = run("--home", home.toString(), "--mirror", mirror(), "pull", "whisper-tiny.en");
        assertThat(pull.exit()).isEqualTo(1);
        assertThat(pull.err()).contains("error: checksum mismatch for whisper-tiny.en/ggml-tiny.en.bin: expected "
                + "sha1:c78c86eb1a8faa21b369bcd33207cc90d64ae9df", "kept aside");
        // The progress bar was drawn, and the error starts a line of its own rather than trailing the bar.
        assertThat(pull.err()).contains("\r[");
        assertThat(pull.err().lines().filter(l -> l.contains("error:"))).isNotEmpty().allMatch(l -> l.startsWith("error:"));
        assertThat(home.resolve("whisper-tiny.en/ggml-tiny.en.bin")).doesNotExist();

        Path rejected = home.resolve(".rejected/whisper-tiny.en/ggml-tiny.en.bin");
        assertThat(rejected).exists();
        Run rm = run("--home", home.toString(), "rm", "whisper-tiny.en");
        assertThat(rm.exit()).as(rm.err()).isZero();
        assertThat(rm.out()).contains("removed whisper-tiny.en");
        assertThat(home.resolve(".rejected/whisper-tiny.en")).doesNotExist();

        Run unknown = run("--home", home.toString(), "pull", "whisper-tiny-en");
        assertThat(unknown.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(unknown.err()).contains("unknown model id 'whisper-tiny-en'; did you mean whisper-tiny.en");
    }

    @Test
    void exitCodesFollowTheDocumentedTable() throws Exception {
        Path home = dir.resolve("home");
        // 2: an id the catalog does not hold, whatever the subcommand, and a catalog file that is not a catalog.
        for (String sub : List.of("pull", "verify", "path", "rm")) {
            Run unknown = run("--home", home.toString(), sub, "no-such-model");
            assertThat(unknown.exit()).as("models %s no-such-model: %s", sub, unknown.err()).isEqualTo(ExitCode.USAGE);
            assertThat(unknown.err()).startsWith("error: unknown model id 'no-such-model'");
        }
        Path notCatalog = Files.writeString(dir.resolve("bad.json"), "{ not json");
        Run badCatalog = run("--home", home.toString(), "--catalog", notCatalog.toString(), "list");
        assertThat(badCatalog.exit()).as(badCatalog.err()).isEqualTo(ExitCode.USAGE);
        assertThat(badCatalog.err()).startsWith("error: catalog ").contains("is not valid JSON");

        // 3: a known model that is not installed and cannot be fetched now.
        Run offline = run("--home", home.toString(), "--catalog", catalogFile().toString(), "--offline", "pull",
                "piper-test-voice");
        assertThat(offline.exit()).as(offline.err()).isEqualTo(ExitCode.UNAVAILABLE);
        assertThat(offline.err()).contains("error: model piper-test-voice is not installed: the store is offline");
        assertThat(requests).hasValue(0);
    }

    @Test
    void progressLineShowsBytesRateAndTimeLeftAndRedrawsAtMostFiveTimesASecond() {
        StringWriter err = new StringWriter();
        long[] now = {0};
        ModelsCommand.ProgressBar bar = new ModelsCommand.ProgressBar(new PrintWriter(err), () -> now[0]);
        ModelFile f = ModelFile.download("big.bin", URI.create("https://example.org/big.bin"), 4L << 20);

        bar.downloadStarted("m", f, URI.create("https://example.org/big.bin"), 0);
        now[0] = 1_000_000_000L;
        bar.downloadProgress("m", f, 1L << 20, 4L << 20);
        now[0] = 1_100_000_000L;
        bar.downloadProgress("m", f, 2L << 20, 4L << 20); // 100 ms later: not redrawn
        now[0] = 2_000_000_000L;
        bar.downloadProgress("m", f, 4L << 20, 4L << 20);
        bar.downloadFinished("m", f, null);

        assertThat(err.toString()).isEqualTo("downloading big.bin from https://example.org/big.bin\n"
                + "\r[#######.......................]  25% 1.0 MiB / 4.0 MiB  1.0 MiB/s  ETA 0:03"
                + "\r[" + "#".repeat(30) + "] 100% 4.0 MiB / 4.0 MiB  2.0 MiB/s  ETA 0:00\n"
                + "verified big.bin (no published digest: UNVERIFIED)\n");

        // Resumed at 2 MiB: the rate counts only this attempt's bytes. Size unknown: no bar, no ETA.
        bar.downloadStarted("m", f, URI.create("https://example.org/big.bin"), 2L << 20);
        assertThat(bar.line(3L << 20, 4L << 20, 1_000_000_000L)).endsWith("3.0 MiB / 4.0 MiB  1.0 MiB/s  ETA 0:01");
        assertThat(bar.line(3L << 20, -1, 2_000_000_000L)).isEqualTo("3.0 MiB  512.0 KiB/s");
        assertThat(ModelsCommand.ProgressBar.clock(3725)).isEqualTo("1:02:05");
    }

    @Test
    void aPullThatKeepsBreakingOffRetriesWithBackoffAndTheErrorNamesTheCauseOnItsOwnLine() throws Exception {
        // A raw socket, so the cut is certain: headers promising every byte, half of them, then a closed connection.
        ServerSocket cutter = rawServer(os -> {
            os.write(("HTTP/1.1 200 OK\r\nContent-Length: " + weights.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            os.write(weights, 0, weights.length / 2);
        });
        ModelsCommand cmd = new ModelsCommand();
        VirtualClock clock = new VirtualClock();
        cmd.storeSettings = b -> b.clock(clock);
        String mirror = "http://127.0.0.1:" + cutter.getLocalPort() + "/";

        Run pull;
        try (cutter) {
            pull = run(cmd, "--home", dir.resolve("home").toString(), "--catalog", catalogFile().toString(),
                    "--mirror", mirror, "pull", "piper-test-voice");
        }

        assertThat(pull.exit()).isEqualTo(1);
        List<String> lines = pull.err().lines().toList();
        assertThat(lines).filteredOn(l -> l.startsWith("attempt ")).hasSize(3)
                .allMatch(l -> l.matches("attempt [123] of 4 failed \\(connection closed\\); retrying in \\d+\\.\\d s"));
        assertThat(lines.get(lines.size() - 1)).startsWith("error: download of piper-test-voice/test-voice.onnx from "
                + mirror + "voices/en/test-voice.onnx failed after 4 attempts: connection to ")
                .contains("closed after 100000 of 200000 bytes");
        assertThat(pull.err()).doesNotContain("null");
        // The waits grew, and were taken on the virtual clock: the test did not sleep them.
        assertThat(clock.nanoTime()).isBetween(3_500_000_000L, 7_000_000_000L);
    }

    @Test
    void aTlsFailureIsNamedAndNotRetried() throws Exception {
        // A plain-text answer to the TLS hello: the handshake fails at once.
        Run pull;
        try (ServerSocket plain = rawServer(os -> os.write("HTTP/1.1 400 Bad Request\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII)))) {
            pull = run("--home", dir.resolve("home").toString(), "--catalog", catalogFile().toString(),
                    "--mirror", "https://127.0.0.1:" + plain.getLocalPort() + "/", "pull", "piper-test-voice");
        }

        assertThat(pull.exit()).isEqualTo(1);
        assertThat(pull.err()).doesNotContain("attempt 1 of").containsPattern("(?m)^error: download of "
                + "piper-test-voice/test-voice.onnx from https://127\\.0\\.0\\.1:\\d+/voices/en/test-voice\\.onnx failed"
                + " after 1 attempt: TLS handshake with 127\\.0\\.0\\.1:\\d+ failed: \\S");
    }

    interface Reply {
        void write(OutputStream os) throws IOException;
    }

    /** A server on 127.0.0.1 that reads the request, writes {@code reply} and closes, for every connection. */
    private static ServerSocket rawServer(Reply reply) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    s.getInputStream().read(new byte[4096]);
                    reply.write(s.getOutputStream());
                    s.getOutputStream().flush();
                } catch (IOException closed) {
                    // The test closed the server, or the client hung up.
                }
            }
        }, "raw-test-server");
        accept.setDaemon(true);
        accept.start();
        return server;
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
