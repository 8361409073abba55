package io.github.voicechat.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A private PulseAudio sound server with virtual devices, for tests and harnesses that need a real sound device path
 * (javax.sound → ALSA → ALSA's pulse plugin → PulseAudio) on a machine without a sound card.
 *
 * <p>{@link #start(Path)} runs {@code pulseaudio} as a child process in the foreground (no system instance, no
 * D-Bus, no autospawn, never exiting when idle) with its socket, cookie and runtime files in a folder of the test's
 * own, so several can run side by side and nothing outside that folder changes. As root (CI) PulseAudio warns that
 * it is not meant for root but runs. It loads the standard devices:
 * <ul>
 *   <li>{@value #SPEAKER}: a null sink at 48 kHz mono, the default sink. What is played there can be recorded from
 *       {@value #SPEAKER}{@code .monitor}: what the user would hear.</li>
 *   <li>{@value #MIC}: the default source, a remap of {@value #MIC_SINK}{@code .monitor}: whatever is played into
 *       the null sink {@value #MIC_SINK} (16 kHz mono) is what the microphone hears.</li>
 * </ul>
 * A JVM started with {@link #clientEnvironment()} uses them as its default microphone and speaker through
 * javax.sound. The ALSA default is routed to PulseAudio by an extra ALSA configuration file in the folder
 * ({@code ALSA_CONFIG_PATH}), not by {@code /etc/asound.conf}. The environment is read when a process starts, so the
 * code under test runs in a child process.
 */
public final class PulseAudio implements AutoCloseable {

    /** The null sink that is the speaker (48 kHz mono). */
    public static final String SPEAKER = "spk";
    /** The source that records what is played on {@value #SPEAKER}: what the user hears. */
    public static final String SPEAKER_MONITOR = SPEAKER + ".monitor";
    /** The null sink whose monitor is the microphone: what is played into it, the microphone hears. */
    public static final String MIC_SINK = "micsink";
    /** The microphone (16 kHz mono), the default source. */
    public static final String MIC = "mic";
    /** ALSA's own top-level configuration, which {@code ALSA_CONFIG_PATH} must still name first. */
    static final Path ALSA_CONF = Path.of("/usr/share/alsa/alsa.conf");
    private static final String[] PROGRAMS = {"pulseaudio", "pactl", "pacat"};
    private static final String[] PULSE_PLUGIN_DIRS = {"/usr/lib/x86_64-linux-gnu/alsa-lib",
        "/usr/lib/aarch64-linux-gnu/alsa-lib", "/usr/lib/alsa-lib", "/usr/lib64/alsa-lib"};

    private final Path dir;
    private final Process daemon;
    private final Map<String, String> env;
    private final List<Process> children = new ArrayList<>();

    private PulseAudio(Path dir, Process daemon, Map<String, String> env) {
        this.dir = dir;
        this.daemon = daemon;
        this.env = env;
    }

    /** {@return why a PulseAudio server with javax.sound access cannot run here; empty when it can} */
    public static Optional<String> unavailableReason() {
        for (String program : PROGRAMS) {
            if (findOnPath(program).isEmpty()) {
                return Optional.of("`" + program + "` is not on the PATH");
            }
        }
        if (!Files.isRegularFile(ALSA_CONF)) {
            return Optional.of("ALSA's configuration " + ALSA_CONF + " is missing");
        }
        for (String d : PULSE_PLUGIN_DIRS) {
            if (Files.isRegularFile(Path.of(d, "libasound_module_pcm_pulse.so"))) {
                return Optional.empty();
            }
        }
        return Optional.of("ALSA's pulse plugin (libasound_module_pcm_pulse.so) is not installed");
    }

    /** Skips the calling test (or fails it in CI) where PulseAudio is missing; see {@link SystemPackages}. */
    public static void require() {
        SystemPackages.require("a PulseAudio sound server with ALSA's pulse plugin", unavailableReason(),
                SystemPackages.PULSEAUDIO);
    }

    /**
     * {@return a server started with its files in {@code dir} and the standard devices loaded}
     *
     * @param dir the folder for its socket, configuration, home and log
     * @throws IOException          when it cannot start
     * @throws InterruptedException when interrupted while waiting for it
     */
    public static PulseAudio start(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir.resolve("home"));
        Files.createDirectories(dir.resolve("run"));
        Path socket = dir.resolve("run").resolve("native");
        Path alsa = dir.resolve("asound.conf");
        Files.writeString(alsa, "pcm.!default { type pulse }\nctl.!default { type pulse }\n");
        Map<String, String> env = new HashMap<>();
        env.put("PULSE_SERVER", "unix:" + socket);
        env.put("ALSA_CONFIG_PATH", ALSA_CONF + ":" + alsa);
        env.put("PULSE_RUNTIME_PATH", dir.resolve("run").toString());
        env.put("XDG_RUNTIME_DIR", dir.resolve("run").toString());
        Map<String, String> daemonEnv = new HashMap<>(env);
        daemonEnv.put("HOME", dir.resolve("home").toString()); // its cookie and state, not the user's
        List<String> cmd = List.of("pulseaudio", "-n", "--daemonize=no", "--system=no", "--exit-idle-time=-1",
                "--use-pid-file=no", "--disable-shm=yes", "--log-target=stderr", "--log-level=error",
                "-L", "module-native-protocol-unix socket=" + socket + " auth-anonymous=1",
                "-L", "module-null-sink sink_name=" + SPEAKER + " rate=48000 channels=1",
                "-L", "module-null-sink sink_name=" + MIC_SINK + " rate=16000 channels=1",
                "-L", "module-remap-source source_name=" + MIC + " master=" + MIC_SINK + ".monitor");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("pulseaudio.log").toFile());
        pb.environment().putAll(daemonEnv);
        Process daemon = pb.start();
        PulseAudio pulse = new PulseAudio(dir, daemon, Map.copyOf(env));
        try {
            pulse.awaitReady();
            pulse.pactl("set-default-sink", SPEAKER);
            pulse.pactl("set-default-source", MIC);
            pulse.keepAwake(SPEAKER);
            pulse.keepAwake(MIC_SINK);
        } catch (IOException | RuntimeException | InterruptedException e) {
            pulse.close();
            throw e;
        }
        return pulse;
    }

    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        IOException last = null;
        while (System.nanoTime() < deadline) {
            if (!daemon.isAlive()) {
                throw new IOException("pulseaudio exited with " + daemon.exitValue() + ": " + log());
            }
            try {
                pactl("info");
                return;
            } catch (IOException e) {
                last = e;
            }
            daemon.waitFor(100, TimeUnit.MILLISECONDS); // polls the server's start, not a latency under test
        }
        throw new IOException("pulseaudio did not answer within 30 s: " + log(), last);
    }

    /**
     * Plays silence into {@code sink} through a stream that asks for 10 ms of latency, for as long as the server runs.
     *
     * <p>Why: a null sink renders in blocks of the lowest latency any of its streams asks for, and of 2 s when none
     * asks. javax.sound's streams (ALSA's pulse plugin) ask for none, so after any underrun the null sink slept up to
     * 2 s: a speaker write blocked 1.7–1.9 s, a microphone read up to 1 s (measured with a bare write-then-read loop:
     * 9 % slower than real time at a load of 8, 0–2 % with this stream). A sound card does not sleep like that; the
     * silence mixes in as nothing.
     */
    private void keepAwake(String sink) throws IOException {
        Process p = child(List.of("pacat", "--playback", "--raw", "--format=s16le", "--channels=1", "--rate=16000",
                "--device=" + sink, "--latency-msec=10", "/dev/zero"));
        if (!p.isAlive()) {
            throw new IOException("could not keep " + sink + " awake (pacat exited " + p.exitValue() + ")");
        }
    }

    /** {@return environment variables that make a child process's javax.sound (and pactl, pacat) use this server} */
    public Map<String, String> clientEnvironment() {
        return env;
    }

    /** {@return the folder holding the server's files (its log is {@code pulseaudio.log})} */
    public Path directory() {
        return dir;
    }

    /**
     * Runs {@code pactl ARGS} against this server.
     *
     * @param args pactl's arguments
     * @return its output
     * @throws IOException          when it fails
     * @throws InterruptedException when interrupted while waiting for it
     */
    public String pactl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("pactl");
        cmd.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("pactl " + String.join(" ", args) + " did not end within 30 s");
        }
        if (p.exitValue() != 0) {
            throw new IOException("pactl " + String.join(" ", args) + " failed (" + p.exitValue() + "): " + out.strip());
        }
        return out;
    }

    /**
     * Loads a module.
     *
     * @param name the module
     * @param args its arguments
     * @return its index
     * @throws IOException          when it cannot be loaded
     * @throws InterruptedException when interrupted while waiting for pactl
     */
    public int loadModule(String name, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("load-module", name));
        cmd.addAll(Arrays.asList(args));
        return Integer.parseInt(pactl(cmd.toArray(String[]::new)).strip());
    }

    /**
     * {@return the index of the module that provides sink or source {@code name}}
     *
     * @param name the sink or source
     * @throws IOException          when no module provides it
     * @throws InterruptedException when interrupted while waiting for pactl
     */
    public int moduleOf(String name) throws IOException, InterruptedException {
        for (String line : pactl("list", "short", "modules").split("\n")) {
            String[] f = line.split("\t");
            if (f.length > 2 && Arrays.asList(f[2].split(" ")).stream()
                    .anyMatch(a -> a.equals("sink_name=" + name) || a.equals("source_name=" + name))) {
                return Integer.parseInt(f[0]);
            }
        }
        throw new IOException("no module provides " + name);
    }

    /**
     * Plays a WAV file into a sink.
     *
     * @param wav  the file
     * @param sink where to play it
     * @return the player, which ends when it has been played
     * @throws IOException when the player cannot start
     */
    public Process play(Path wav, String sink) throws IOException {
        return child(List.of("pacat", "--playback", "--file-format=wav", "--device=" + sink, "--latency-msec=20",
                wav.toString()));
    }

    /**
     * Records {@code source} as mono PCM16 at {@code sampleRateHz}, stamping each sample with the time it was heard on
     * the {@link System#nanoTime()} clock (which is CLOCK_MONOTONIC on Linux, shared by every process).
     *
     * @param source       what to record
     * @param sampleRateHz the rate to record at
     * @return the running recording
     * @throws IOException when the recorder cannot start
     */
    public Recording record(String source, int sampleRateHz) throws IOException {
        Process p = child(List.of("pacat", "--record", "--raw", "--format=s16le", "--channels=1",
                "--rate=" + sampleRateHz, "--device=" + source, "--latency-msec=5"));
        return new Recording(p, sampleRateHz);
    }

    private Process child(List<String> cmd) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(env);
        Process p = pb.start();
        synchronized (children) {
            children.add(p);
        }
        return p;
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("pulseaudio.log")).strip();
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Stops the recorders and players still running, then the server. */
    @Override
    public void close() throws InterruptedException {
        synchronized (children) {
            for (Process p : children) {
                p.destroy();
            }
            for (Process p : children) {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
        daemon.destroy();
        if (!daemon.waitFor(10, TimeUnit.SECONDS)) {
            daemon.destroyForcibly().waitFor();
        }
    }

    static Optional<Path> findOnPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String d : path.split(java.io.File.pathSeparator)) {
            Path p = Path.of(d, program);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /**
     * A running recording: samples as they arrive, each mapped to the time it was heard. The reader stamps every
     * chunk on arrival; arrival can only be late (scheduling), never early, so the earliest stamp minus the chunk's
     * position gives the clock offset, within the recorder's own latency (5 ms requested).
     */
    public static final class Recording implements AutoCloseable {
        private final Process process;
        private final int sampleRateHz;
        private final Thread reader;
        private float[] samples = new float[1 << 16];
        private int length;
        private long startNanos = Long.MAX_VALUE;

        private Recording(Process process, int sampleRateHz) {
            this.process = process;
            this.sampleRateHz = sampleRateHz;
            this.reader = new Thread(this::readAll, "pulse-recording");
            reader.setDaemon(true);
            reader.start();
        }

        private void readAll() {
            byte[] buf = new byte[4096];
            int carry = -1;
            try (InputStream in = process.getInputStream()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    long now = System.nanoTime();
                    synchronized (this) {
                        int i = 0;
                        if (carry >= 0) {
                            add((short) ((buf[0] << 8) | carry));
                            carry = -1;
                            i = 1;
                        }
                        for (; i + 1 < n; i += 2) {
                            add((short) ((buf[i + 1] << 8) | (buf[i] & 0xff)));
                        }
                        if (i < n) {
                            carry = buf[i] & 0xff;
                        }
                        long offset = now - (long) (length * 1e9 / sampleRateHz);
                        startNanos = Math.min(startNanos, offset);
                    }
                }
            } catch (IOException e) {
                // the recorder was stopped
            }
        }

        private void add(short v) {
            if (length == samples.length) {
                samples = Arrays.copyOf(samples, samples.length * 2);
            }
            samples[length++] = v / 32768f;
        }

        /** {@return the rate it records at} */
        public int sampleRateHz() {
            return sampleRateHz;
        }

        /** {@return what was recorded so far} */
        public synchronized float[] samples() {
            return Arrays.copyOf(samples, length);
        }

        /** {@return when sample 0 was heard, on the {@link System#nanoTime()} clock} */
        public synchronized long startNanos() {
            return startNanos;
        }

        /**
         * {@return when sample {@code index} was heard, on the {@link System#nanoTime()} clock}
         *
         * @param index the sample
         */
        public synchronized long nanosOf(long index) {
            return startNanos + (long) (index * 1e9 / sampleRateHz);
        }

        /** Stops recording and waits for the last samples. */
        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            reader.join(5000);
        }
    }
}
