package io.github.voicechat.models;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A second JVM running a {@code main} class from the test class path: a real other process, for what only one can
 * show (file locks between processes, {@code kill -9}, a process without root's permission override). Its stdout
 * lines are collected as they come; its stderr goes to a file, shown when an expectation fails.
 */
final class ForkedJvm implements AutoCloseable {
    private static final String EOF = "\u0000eof";
    private final Process process;
    private final Path stderr;
    private final BlockingQueue<String> pending = new LinkedBlockingQueue<>();
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final CountDownLatch eof = new CountDownLatch(1);

    private ForkedJvm(Process process, Path stderr) {
        this.process = process;
        this.stderr = stderr;
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                    pending.add(line);
                }
            } catch (IOException ignored) {
                // The process died; EOF below tells the waiter.
            } finally {
                pending.add(EOF);
                eof.countDown();
            }
        }, "forked-jvm-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts {@code java [jvmArgs] mainClass args}, prefixed by {@code wrapper} (e.g. {@code setpriv ...}) when
     * given.
     */
    static ForkedJvm start(List<String> wrapper, List<String> jvmArgs, Class<?> mainClass, Path workDir,
                           String... args) throws IOException {
        List<String> cmd = new ArrayList<>(wrapper);
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xshare:auto");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass.getName());
        cmd.addAll(List.of(args));
        Path err = Files.createTempFile(workDir, "forked-", ".stderr");
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
        p.getOutputStream().close();
        return new ForkedJvm(p, err);
    }

    static ForkedJvm start(Class<?> mainClass, Path workDir, String... args) throws IOException {
        return start(List.of(), List.of(), mainClass, workDir, args);
    }

    /** Waits for a stdout line matching {@code p}; fails when the process ends first or the time runs out. */
    String awaitLine(Predicate<String> p, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (true) {
            String line = pending.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("no line with " + what + " within 120 s; " + describe());
            }
            if (line.equals(EOF)) {
                pending.add(EOF);
                throw new AssertionError("the process ended without a line with " + what + "; " + describe());
            }
            if (p.test(line)) {
                return line;
            }
        }
    }

    /** Waits for the process to end and returns its exit code. */
    int exitCode() throws InterruptedException {
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            throw new AssertionError("the process did not end within 120 s; " + describe());
        }
        // So that lines() holds everything the process wrote.
        eof.await(30, TimeUnit.SECONDS);
        return process.exitValue();
    }

    /** {@code kill -9}: SIGKILL, no shutdown hooks, no finally blocks. */
    int kill() throws InterruptedException {
        process.destroyForcibly();
        return exitCode();
    }

    List<String> lines() {
        return List.copyOf(lines);
    }

    String describe() {
        String err;
        try {
            err = Files.readString(stderr);
        } catch (IOException e) {
            err = "(stderr unreadable: " + e.getMessage() + ")";
        }
        return "stdout: " + lines + "\nstderr:\n" + err;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
