package io.github.voicechat.examples;

import com.sun.net.httpserver.HttpServer;
import io.github.voicechat.models.Digest;
import io.github.voicechat.models.DigestAlgorithm;
import io.github.voicechat.models.ModelCatalog;
import io.github.voicechat.models.ModelEntry;
import io.github.voicechat.models.ModelFile;
import io.github.voicechat.models.ModelTask;
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
import java.net.URI;
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
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new ModelsCommand());
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
                .contains("[" + "#".repeat(30) + "] 100%").contains("verified test-voice.onnx sha256:" + sha256);

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

        Run unknown = run("--home", home.toString(), "pull", "whisper-tiny-en");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("unknown model id 'whisper-tiny-en'; did you mean whisper-tiny.en");
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
