package io.github.voicechat.examples;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A class's {@code main} in a fresh JVM on the test class path, with stdout and stderr captured separately: what a
 * user's shell sees, including what native code writes to the file descriptors after the JVM has shut down.
 */
final class ForkedJvm {

    record Result(int code, String out, String err) {
    }

    private ForkedJvm() {
    }

    /** {@code voicechat ARGS} through {@link VoicechatCli#main}, as the launcher runs it. */
    static Result cli(Duration timeout, String... args) throws IOException, InterruptedException {
        return run(VoicechatCli.class, timeout, args);
    }

    /** {@code voicechat ARGS} started through {@code wrapper} (e.g. {@code setpriv ...}; empty for none). */
    static Result cli(List<String> wrapper, Duration timeout, String... args)
            throws IOException, InterruptedException {
        return run(wrapper, VoicechatCli.class, timeout, args);
    }

    static Result run(Class<?> main, Duration timeout, String... args) throws IOException, InterruptedException {
        return run(List.of(), main, timeout, args);
    }

    private static Result run(List<String> wrapper, Class<?> main, Duration timeout, String... args)
            throws IOException, InterruptedException {
        Process p = start(wrapper, main, args);
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError(main.getSimpleName() + " " + String.join(" ", args) + " did not end within "
                    + timeout + "; stderr so far: " + err.getNow(""));
        }
        return new Result(p.exitValue(), out.join(), err.join());
    }

    /** Starts {@code main} with stdin closed; the caller reads (or discards) its streams. */
    static Process start(Class<?> main, String... args) throws IOException {
        return start(List.of(), main, args);
    }

    private static Process start(List<String> wrapper, Class<?> main, String... args) throws IOException {
        List<String> command = new ArrayList<>(wrapper);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).start();
        p.getOutputStream().close();
        return p;
    }

    /** Reads a stream to its end on a thread of its own (the common pool may have one thread on 2 cores). */
    static CompletableFuture<String> drain(InputStream in) {
        CompletableFuture<String> text = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try (in) {
                text.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                text.complete("<" + e + ">");
            }
        }, "forked-jvm-drain");
        t.setDaemon(true);
        t.start();
        return text;
    }
}
