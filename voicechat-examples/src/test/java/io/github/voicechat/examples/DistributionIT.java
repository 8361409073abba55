package io.github.voicechat.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command-line distribution as a user gets it: the tar.gz from {@code package}, unpacked afresh with {@code tar},
 * its launcher run in a new process with nothing but {@code JAVA_HOME} pointing at a Java.
 */
class DistributionIT {

    private static final String VERSION = System.getProperty("voicechat.version");

    @TempDir
    static Path unpacked;

    static Path home;

    @BeforeAll
    static void unpack() throws Exception {
        Path tarGz = Path.of(System.getProperty("voicechat.distribution"));
        assertThat(tarGz).as("the package phase builds the distribution").isRegularFile();
        Result tar = run(List.of("tar", "-xzf", tarGz.toString(), "-C", unpacked.toString()), Map.of(), unpacked);
        assertThat(tar.code).as(tar.err).isZero();
        home = unpacked.resolve("voicechat-" + VERSION);
    }

    @Test
    void archiveHoldsTheLaunchersTheJarsAndTheLicence() throws IOException {
        assertThat(Files.getPosixFilePermissions(home.resolve("bin/voicechat")))
                .contains(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OTHERS_EXECUTE);
        String bat = Files.readString(home.resolve("bin/voicechat.bat"), StandardCharsets.US_ASCII);
        assertThat(bat).contains("\r\n").contains("io.github.voicechat.examples.VoicechatCli");
        assertThat(home.resolve("LICENSE")).isRegularFile();
        assertThat(Files.readString(home.resolve("README.txt"))).startsWith("voicechat " + VERSION + " ");
        try (Stream<Path> jars = Files.list(home.resolve("lib"))) {
            assertThat(jars.map(p -> p.getFileName().toString())).contains(
                    "voicechat-examples-" + VERSION + ".jar", "voicechat-core-" + VERSION + ".jar",
                    "voicechat-silero-" + VERSION + ".jar", "picocli-4.7.6.jar", "slf4j-simple-2.0.16.jar")
                    .allMatch(name -> name.endsWith(".jar"));
        }
    }

    @Test
    void onnxRuntimeComesWithoutItsDebugSymbolsButWithEveryNativeLibrary() throws IOException {
        Path onnx;
        try (Stream<Path> jars = Files.list(home.resolve("lib"))) {
            onnx = jars.filter(p -> p.getFileName().toString().startsWith("onnxruntime-")).findFirst().orElseThrow();
        }
        try (ZipFile jar = new ZipFile(onnx.toFile())) {
            List<String> names = jar.stream().map(ZipEntry::getName).toList();
            assertThat(names).noneMatch(n -> n.contains(".dSYM/"));
            assertThat(names).contains("ai/onnxruntime/OrtEnvironment.class",
                    "ai/onnxruntime/native/linux-x64/libonnxruntime.so",
                    "ai/onnxruntime/native/linux-x64/libonnxruntime4j_jni.so",
                    "ai/onnxruntime/native/osx-aarch64/libonnxruntime.dylib",
                    "ai/onnxruntime/native/win-x64/onnxruntime.dll");
        }
    }

    @Test
    void zipHoldsTheSameFilesWithTheSameModes() throws IOException {
        Map<String, Integer> zipModes = new TreeMap<>();
        try (org.apache.commons.compress.archivers.zip.ZipFile zip = org.apache.commons.compress.archivers.zip.ZipFile
                .builder().setPath(Path.of(System.getProperty("voicechat.distribution.zip"))).get()) {
            for (ZipArchiveEntry e : Collections.list(zip.getEntries())) {
                if (!e.isDirectory()) {
                    zipModes.put(e.getName(), e.getUnixMode() & 0777);
                }
            }
        }
        Map<String, Integer> tarModes = new TreeMap<>();
        try (Stream<Path> files = Files.walk(home)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                int mode = Files.isExecutable(f) ? 0755 : 0644;
                tarModes.put(unpacked.relativize(f).toString(), mode);
            }
        }
        assertThat(zipModes).isEqualTo(tarModes);
        assertThat(zipModes).containsEntry("voicechat-" + VERSION + "/bin/voicechat", 0755);
    }

    @Test
    void launcherRunsTheDemoFromACleanUnpack() throws Exception {
        Path work = Files.createDirectories(unpacked.resolve("work"));
        Result r = launcher(Map.of(), work, "talk", "--demo", "--out", "s.wav", "--report", "r.json");
        assertThat(r.code).as("exit code; stderr: %s", r.err).isZero();
        assertThat(r.out).contains("(barged in)");
        JsonNode report = new ObjectMapper().readTree(work.resolve("r.json").toFile());
        assertThat(report.get("turns")).hasSize(4);
        assertThat(report.at("/totals/barge_ins").asInt()).isEqualTo(1);
        assertThat(Files.size(work.resolve("s.wav"))).isGreaterThan(1_000_000);
    }

    @Test
    void launcherReportsTheBuildVersionThroughALink() throws Exception {
        Path links = Files.createDirectories(unpacked.resolve("links"));
        Path link = Files.createSymbolicLink(links.resolve("voicechat"), home.resolve("bin/voicechat"));
        Result r = run(List.of(link.toString(), "--version"), Map.of("JAVA_HOME", javaHome()), links);
        assertThat(r.code).as(r.err).isZero();
        assertThat(r.out.strip()).isEqualTo("voicechat " + VERSION);
        assertThat(r.err).isEmpty();
    }

    @Test
    void launcherWithoutJavaSaysSoAndExits3() throws Exception {
        Result r = run(List.of(home.resolve("bin/voicechat").toString(), "--version"),
                Map.of("JAVA_HOME", unpacked.resolve("no-such-java").toString()), unpacked);
        assertThat(r.code).isEqualTo(3);
        assertThat(r.err).contains("no Java found").contains("Java 17 or later");
    }

    @Test
    void anUnsupportedPlatformIsNamedBeforeAnythingElse() throws Exception {
        // os.arch as the JVM would report it on a RISC-V machine: the CLI says what cannot run and carries on.
        Result r = launcher(Map.of("JAVA_OPTS", "-Dos.arch=riscv64"), unpacked, "--version");
        assertThat(r.code).as(r.err).isZero();
        assertThat(r.err.lines().findFirst()).hasValueSatisfying(line -> assertThat(line)
                .startsWith("voicechat: linux-riscv64 is not a supported platform (supported: linux-x86_64)")
                .contains("webrtc-vad and webrtc-aec cannot run here"));
        assertThat(r.out.strip()).isEqualTo("voicechat " + VERSION);
    }

    private static Result launcher(Map<String, String> env, Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/voicechat").toString());
        command.addAll(List.of(args));
        Map<String, String> withJava = new TreeMap<>(env);
        withJava.put("JAVA_HOME", javaHome());
        return run(command, withJava, dir);
    }

    private static String javaHome() {
        return System.getProperty("java.home");
    }

    private record Result(int code, String out, String err) {
    }

    /** Runs a command with a minimal environment (PATH for the shell's tools, plus {@code env}). */
    private static Result run(List<String> command, Map<String, String> env, Path dir) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().keySet().retainAll(List.of("PATH", "HOME", "LANG"));
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        CompletableFuture<String> out = ForkedJvm.drain(p.getInputStream());
        CompletableFuture<String> err = ForkedJvm.drain(p.getErrorStream());
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError(command + " did not end within 10 minutes; stderr: " + err.getNow(""));
        }
        return new Result(p.exitValue(), out.join(), err.join());
    }
}
