package io.github.voicechat.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.voicechat.testkit.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The module descriptors, checked as an application on the module path meets them (the test suite itself runs on the
 * class path, where descriptors are ignored: see surefire's useModulePath in voicechat-build). A consumer module that
 * requires {@code io.github.voicechat.core} alone is compiled with {@code javac --module-path} and run with
 * {@code java --module-path ... -m}: the Silero adapter is bound as a service provider (core's {@code uses}, Silero's
 * {@code provides}), its weights load from inside its module, a session answers real speech through the public API,
 * and core's internal packages can neither be compiled against nor opened by reflection.
 */
class ModulePathTest {

    private static final String MAIN = """
            package consumer;

            import io.github.voicechat.SessionReport;
            import io.github.voicechat.TurnReport;
            import io.github.voicechat.VoicePipeline;
            import io.github.voicechat.VoiceSession;
            import io.github.voicechat.audio.AudioSinks;
            import io.github.voicechat.audio.AudioSources;
            import io.github.voicechat.spi.SpeechRecognizer;
            import io.github.voicechat.spi.SpeechSynthesizer;
            import io.github.voicechat.spi.SynthesisSink;
            import io.github.voicechat.spi.Transcript;
            import io.github.voicechat.time.VirtualClock;
            import java.nio.file.Path;
            import java.time.Duration;

            public class Main {
                public static void main(String[] args) throws Exception {
                    System.out.println("core is " + VoicePipeline.class.getModule().getName());
                    VoicePipeline pipeline = VoicePipeline.builder()
                            .vad("silero")
                            .asr(() -> new SpeechRecognizer() {
                                int samples;
                                public int sampleRateHz() { return 16_000; }
                                public void accept(float[] s, int offset, int length) { samples += length; }
                                public Transcript finish() {
                                    Transcript t = Transcript.of(samples > 0 ? "heard you" : "");
                                    samples = 0;
                                    return t;
                                }
                                public void cancel() { samples = 0; }
                                public void close() { }
                            })
                            .tts(() -> new SpeechSynthesizer() {
                                public int sampleRateHz() { return 48_000; }
                                public void synthesize(String text, SynthesisSink sink) {
                                    float[] tone = new float[960];
                                    for (int i = 0; i < tone.length; i++) {
                                        tone[i] = (float) (0.3 * Math.sin(2 * Math.PI * 440 * i / 48_000.0));
                                    }
                                    for (int f = 0; f < 25 && !sink.isCancelled(); f++) {
                                        sink.audio(tone, 0, tone.length);
                                    }
                                }
                                public void close() { }
                            })
                            .responder((request, reply) -> reply.text("You said " + request.transcript() + "."))
                            .clock(new VirtualClock())
                            .build();
                    try (VoiceSession session = pipeline.openSession(
                            AudioSources.wav(Path.of(args[0])), AudioSinks.discard(48_000))) {
                        session.start();
                        if (!session.awaitTermination(Duration.ofMinutes(5))) {
                            throw new IllegalStateException("the session did not end");
                        }
                        SessionReport report = session.report();
                        for (TurnReport turn : report.turns()) {
                            System.out.println("turn: " + turn.transcript() + " -> " + turn.playedText());
                        }
                    }
                    Class<?> internal = Class.forName("io.github.voicechat.internal.session.Session");
                    System.out.println("internal in " + internal.getModule().getName() + ", exported: "
                            + internal.getModule().isExported("io.github.voicechat.internal.session"));
                    try {
                        internal.getDeclaredConstructors()[0].setAccessible(true);
                        System.out.println("internal: opened");
                    } catch (RuntimeException e) { // InaccessibleObjectException
                        System.out.println("internal: " + e.getClass().getSimpleName());
                    }
                }
            }
            """;

    @TempDir
    Path dir;

    @Test
    void aConsumerModuleUsesTheApiFindsSileroAsAServiceAndCannotReachCoreInternals() throws Exception {
        Path speech = SharedData.requireSpeech().resolve("pocketsphinx_goforward.wav");
        String modulePath = modulePath();

        Path src = dir.resolve("src");
        write(src.resolve("module-info.java"), "module consumer { requires io.github.voicechat.core; }\n");
        write(src.resolve("consumer/Main.java"), MAIN);
        Path out = dir.resolve("out");
        CompileResult ok = javac(modulePath, out, src.resolve("module-info.java"), src.resolve("consumer/Main.java"));
        assertThat(ok.exitCode).as(ok.output).isZero();

        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--module-path", out + File.pathSeparator + modulePath, "-m", "consumer/consumer.Main",
                speech.toString()).start();
        CompletableFuture<String> err = ForkedJvm.drain(p.getErrorStream());
        String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(stdout + err.join()).isZero();
        assertThat(stdout).contains("core is io.github.voicechat.core")
                .contains("turn: heard you -> You said heard you.")
                .contains("internal in io.github.voicechat.core, exported: false")
                .contains("internal: InaccessibleObjectException");
    }

    @Test
    void aConsumerModuleCannotCompileAgainstCoreInternals() throws Exception {
        Path src = dir.resolve("src");
        write(src.resolve("module-info.java"), "module consumer { requires io.github.voicechat.core; }\n");
        write(src.resolve("consumer/Peek.java"), """
                package consumer;

                public class Peek {
                    static final Class<?> RING = io.github.voicechat.internal.bus.FrameRing.class;
                }
                """);
        CompileResult refused = javac(modulePath(), dir.resolve("out"), src.resolve("module-info.java"),
                src.resolve("consumer/Peek.java"));
        assertThat(refused.exitCode).isNotZero();
        assertThat(refused.output).contains("package io.github.voicechat.internal.bus is not visible")
                .contains("does not export it");
    }

    @Test
    void everyNamedModuleResolvesOnTheModulePathWithItsDependencies() throws Exception {
        // Each descriptor's requires name modules that exist and export what is used, with no split package: the
        // JVM resolves them all at start-up (--dry-run stops before main) or refuses to start.
        List<String> named = List.of("io.github.voicechat.core", "io.github.voicechat.models",
                "io.github.voicechat.onnx", "io.github.voicechat.silero", "io.github.voicechat.webrtc",
                "io.github.voicechat.piper", "io.github.voicechat.web", "io.github.voicechat.web.rtc",
                "io.github.voicechat.micrometer");
        List<String> artifacts = List.of("voicechat-core", "voicechat-models", "voicechat-onnx", "voicechat-silero",
                "voicechat-webrtc", "voicechat-piper", "voicechat-web", "voicechat-webrtc-edge", "voicechat-micrometer", "slf4j-api-",
                "jackson-core-", "jackson-databind-", "jackson-annotations-", "commons-compress-", "commons-io-",
                "commons-codec-", "commons-lang3-", "netty-", "onnxruntime-", "jna-", "webrtc-java-", "micrometer-core-",
                "micrometer-commons-", "micrometer-observation-", "HdrHistogram-", "LatencyUtils-");
        String modulePath = Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> artifacts.stream().anyMatch(a -> Path.of(e).toString().contains(a)))
                .collect(Collectors.joining(File.pathSeparator));
        Path src = dir.resolve("src");
        write(src.resolve("module-info.java"), "module consumer { requires io.github.voicechat.core; }\n");
        write(src.resolve("consumer/Main.java"), "package consumer; public class Main {"
                + " public static void main(String[] a) { } }\n");
        Path out = dir.resolve("out");
        CompileResult ok = javac(modulePath, out, src.resolve("module-info.java"), src.resolve("consumer/Main.java"));
        assertThat(ok.exitCode).as(ok.output).isZero();
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--module-path", out + File.pathSeparator + modulePath, "--add-modules", String.join(",", named),
                "--show-module-resolution", "--dry-run", "-m", "consumer/consumer.Main").redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        for (String module : named) {
            assertThat(output).containsPattern("(?m)^root " + java.util.regex.Pattern.quote(module) + " ");
        }
        assertThat(output).as("the adapters are bound as EngineProvider services")
                .contains("io.github.voicechat.core binds io.github.voicechat.silero")
                .contains("io.github.voicechat.core binds io.github.voicechat.webrtc")
                .contains("io.github.voicechat.core binds io.github.voicechat.piper")
                .contains("io.github.voicechat.models binds io.github.voicechat.piper"); // its ModelLoader
    }

    /** Core, the Silero and ONNX adapters, ONNX Runtime and the SLF4J API: what the consumer's module path holds. */
    private static String modulePath() {
        List<String> wanted = List.of("voicechat-core", "voicechat-silero", "voicechat-onnx", "onnxruntime-",
                "slf4j-api-");
        List<String> found = Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> wanted.stream().anyMatch(w -> Path.of(e).toString().contains(w)))
                .collect(Collectors.toList());
        for (String w : wanted) {
            assertThat(found).as("the test class path has %s", w).anyMatch(e -> e.contains(w));
        }
        return String.join(File.pathSeparator, found);
    }

    private record CompileResult(int exitCode, String output) {
    }

    private static CompileResult javac(String modulePath, Path out, Path... sources) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        // An explicit, empty class path: javac run in this JVM would otherwise take the test class path, where core's
        // internal packages are visible to everyone (the unnamed module).
        List<String> args = new ArrayList<>(List.of("--module-path", modulePath, "--class-path", out.toString(),
                "-d", out.toString()));
        for (Path s : sources) {
            args.add(s.toString());
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int rc = javac.run(null, output, output, args.toArray(String[]::new));
        return new CompileResult(rc, output.toString(StandardCharsets.UTF_8));
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
