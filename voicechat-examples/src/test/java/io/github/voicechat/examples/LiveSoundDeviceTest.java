package io.github.voicechat.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.voicechat.spi.EchoCanceller;
import io.github.voicechat.spi.Engines;
import io.github.voicechat.testkit.PulseAudio;
import io.github.voicechat.testkit.SharedData;
import io.github.voicechat.testkit.SystemPackages;
import io.github.voicechat.testkit.WordErrorRate;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code voicechat live} against a sound device: a private PulseAudio server whose null sinks are the microphone and
 * the speaker (testkit {@link PulseAudio}), reached the way a user's machine reaches its sound card (javax.sound →
 * ALSA → PulseAudio). Recordings from {@code ../shared/speech} are played into the virtual microphone; what the user
 * would hear is recorded from the speaker's monitor. Each test runs {@code live} in a JVM of its own, because the
 * sound-server environment is read when a process starts.
 */
class LiveSoundDeviceTest {

    private static final Duration START = Duration.ofMinutes(3);
    private static final Duration TURN = Duration.ofMinutes(2);
    /** After an answer has finished playing, how long the session must keep quiet: a phantom turn came 1.2–1.7 s. */
    private static final Duration QUIET_AFTER_ANSWER = Duration.ofSeconds(4);
    private static final Pattern HEARD = Pattern.compile("asr   heard \"([^\"]*)\"");
    private static final Pattern DONE = Pattern.compile("turn (\\d+) done: bot played \"([^\"]*)\"");
    private static final String GO_FORWARD = "pocketsphinx_goforward.wav";       // go forward ten meters
    private static final String ILL_DISPOSED = "pocketsphinx_librivox-0880.wav"; // he was not an ill disposed young man

    @TempDir
    Path dir;

    private PulseAudio pulse;
    private Live live;

    @BeforeEach
    void soundServer() throws Exception {
        PulseAudio.require();
        SystemPackages.require("webrtc-java's native library",
                Engines.find(EchoCanceller.class, "webrtc-aec").unavailableReason(), SystemPackages.WEBRTC_JAVA);
        SharedData.requireSpeech();
        pulse = PulseAudio.start(dir.resolve("pulse"));
    }

    @AfterEach
    void stop() throws Exception {
        if (live != null) {
            live.process.destroyForcibly().waitFor();
        }
        if (pulse != null) {
            pulse.close();
        }
    }

    @Test
    void hearsTwoRecordingsAnswersBothAloudAndEndsCleanlyOnSigint() throws Exception {
        try (PulseAudio.Recording speaker = pulse.record(PulseAudio.SPEAKER_MONITOR, 48_000)) {
            live = Live.start(pulse);
            live.await(l -> l.startsWith("listening (echo cancellation webrtc-aec, "), START);
            List<Answer> answers = new ArrayList<>();
            for (String clip : List.of(GO_FORWARD, ILL_DISPOSED)) {
                playIntoMicrophone(clip);
                answers.add(live.awaitAnswer(answers.size() + 1));
            }
            live.signal("INT");
            assertThat(live.awaitExit()).as("exit code after SIGINT; stderr: %s", live.err()).isEqualTo(130);
            live.assertEndedCleanly();
            assertThat(WordErrorRate.of("go forward ten meters", answers.get(0).heard)).as(live.transcript())
                    .isLessThanOrEqualTo(0.5);
            assertThat(WordErrorRate.of("he was not an ill disposed young man", answers.get(1).heard))
                    .as(live.transcript()).isLessThanOrEqualTo(0.5);
            for (Answer a : answers) {
                assertThat(a.played).isEqualTo("You said: " + a.heard + ".");
            }
            // What the user hears: each answer, at the speaker, about as long as the session wrote it.
            List<double[]> bursts = audibleBursts(speaker.samples(), 48_000);
            assertThat(bursts).as("answers heard at the speaker (start, end s)").hasSize(2);
            for (int i = 0; i < 2; i++) {
                double heardS = bursts.get(i)[1] - bursts.get(i)[0];
                assertThat(heardS).as("answer %d heard at the speaker for (s)", i + 1)
                        .isBetween(answers.get(i).writtenS - 0.5, answers.get(i).writtenS + 0.1);
            }
        }
        assertThat(live.out()).doesNotContain("bot   pauses").doesNotContain("interrupted")
                .doesNotContain("(turn 3)");
    }

    /** SIGTERM on a sound device, without the loop (the loop case below ends on SIGTERM as well). */
    @Test
    void answersOnTheDeviceAndEndsCleanlyOnSigterm() throws Exception {
        live = Live.start(pulse);
        live.await(l -> l.startsWith("listening (echo cancellation webrtc-aec, "), START);
        playIntoMicrophone(GO_FORWARD);
        Answer answer = live.awaitAnswer(1);
        live.signal("TERM");
        assertThat(live.awaitExit()).as("exit code after SIGTERM; stderr: %s", live.err()).isEqualTo(143);
        live.assertEndedCleanly();
        assertThat(WordErrorRate.of("go forward ten meters", answer.heard)).as(live.transcript())
                .isLessThanOrEqualTo(0.5);
        assertThat(answer.played).isEqualTo("You said: " + answer.heard + ".");
    }

    @Test
    void speakerphoneLoopWithTheEchoCancellerOnNeverHearsItselfAndSigtermEndsIt() throws Exception {
        // The bot's voice comes back into the microphone 60 ms later at 0 dB, as on a laptop without headphones.
        pulse.loadModule("module-loopback", "source=" + PulseAudio.SPEAKER_MONITOR, "sink=" + PulseAudio.MIC_SINK,
                "latency_msec=60");
        try (PulseAudio.Recording heard = pulse.record(PulseAudio.MIC, 16_000)) {
            live = Live.start(pulse);
            live.await(l -> l.startsWith("listening (echo cancellation webrtc-aec, "), START);
            List<Answer> answers = new ArrayList<>();
            for (String clip : List.of(ILL_DISPOSED, GO_FORWARD)) {
                playIntoMicrophone(clip);
                answers.add(live.awaitAnswer(answers.size() + 1));
                // Any echo heard as the user shows up as a new turn within a few seconds of the answer.
                live.awaitQuiet(QUIET_AFTER_ANSWER);
            }
            live.signal("TERM");
            assertThat(live.awaitExit()).as("exit code after SIGTERM; stderr: %s", live.err()).isEqualTo(143);
            live.assertEndedCleanly();
            assertThat(WordErrorRate.of("he was not an ill disposed young man", answers.get(0).heard))
                    .as(live.transcript()).isLessThanOrEqualTo(0.5);
            assertThat(WordErrorRate.of("go forward ten meters", answers.get(1).heard)).as(live.transcript())
                    .isLessThanOrEqualTo(0.5);
            // The loop is real: the microphone heard the bot's answers as well as the two recordings.
            assertThat(audibleBursts(heard.samples(), 16_000)).as("sounds the microphone heard").hasSizeGreaterThan(2);
        }
        // 0 self-interruptions: no pause, no interruption, no third user turn.
        assertThat(count(live.out(), "user  starts speaking")).as(live.transcript()).isEqualTo(2);
        assertThat(live.out()).doesNotContain("bot   pauses").doesNotContain("interrupted");
    }

    @Test
    void aSpeakerThatDisappearsEndsTheSessionWithAClearError() throws Exception {
        // A silent microphone that is not a sink, so that the speaker, once unloaded, has no sink to be moved to.
        pulse.pactl("unload-module", String.valueOf(pulse.moduleOf(PulseAudio.MIC)));
        pulse.pactl("unload-module", String.valueOf(pulse.moduleOf(PulseAudio.MIC_SINK)));
        pulse.loadModule("module-null-source", "source_name=quietmic", "rate=16000", "channels=1");
        pulse.pactl("set-default-source", "quietmic");
        live = Live.start(pulse, "-XX:+UseParallelGC");
        live.await(l -> l.startsWith("listening (echo cancellation webrtc-aec, "), START);
        pulse.pactl("unload-module", String.valueOf(pulse.moduleOf(PulseAudio.SPEAKER)));
        assertThat(live.awaitExit()).as("exit code; stdout: %s", live.out()).isEqualTo(3);
        // The command's last word on stderr (the library's log of the failure comes before it).
        String[] err = live.err().strip().split("\n");
        assertThat(err[err.length - 1]).as(live.err()).startsWith("error: the session failed: the speaker stopped"
                + " taking audio after ").endsWith("the playback device was removed or its sound server went away");
        assertThat(live.out()).contains("end   failed: the speaker stopped taking audio");
        // A collector that stops the world is named, with the way to run live without it.
        assertThat(live.err()).contains("note: this JVM's garbage collector (").contains("PS Scavenge")
                .contains(") stops every thread").contains("java -XX:+UseZGC -jar voicechat.jar live");
    }

    private void playIntoMicrophone(String clip) throws Exception {
        Process p = pulse.play(SharedData.location().resolve("speech").resolve(clip), PulseAudio.MIC_SINK);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("playing " + clip).isTrue();
        assertThat(p.exitValue()).as("pacat playing " + clip).isZero();
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    /**
     * Spans (start, end in s) of sound above -40 dBFS in 10 ms windows, gaps under 1 s bridged: FreeTTS pauses about
     * 0.4 s after "You said:", while answers and recordings are seconds apart.
     */
    static List<double[]> audibleBursts(float[] samples, int rateHz) {
        int hop = rateHz / 100;
        List<double[]> out = new ArrayList<>();
        double threshold = Math.pow(10, -40 / 20.0);
        for (int i = 0; i + hop <= samples.length; i += hop) {
            double sum = 0;
            for (int j = i; j < i + hop; j++) {
                sum += samples[j] * samples[j];
            }
            if (Math.sqrt(sum / hop) < threshold) {
                continue;
            }
            double t = i / (double) rateHz;
            if (!out.isEmpty() && t - out.get(out.size() - 1)[1] < 1.0) {
                out.get(out.size() - 1)[1] = t + 0.01;
            } else {
                out.add(new double[] {t, t + 0.01});
            }
        }
        return out;
    }

    /** One answer as the timeline tells it: what was heard, what was played, and how long it was written for. */
    record Answer(String heard, String played, double writtenS) {
    }

    /** A running {@code voicechat live}, its stdout lines as they come. */
    static final class Live {
        private static final Pattern TIME = Pattern.compile("^\\[\\s*([0-9.]+) s\\]");
        final Process process;
        private final Thread reader;
        private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final StringBuilder out = new StringBuilder();
        private final CompletableFuture<String> err;

        private Live(Process process) {
            this.process = process;
            this.reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        lines.add(line);
                    }
                } catch (IOException e) {
                    lines.add("<" + e + ">");
                }
            }, "live-stdout");
            reader.setDaemon(true);
            reader.start();
            this.err = ForkedJvm.drain(process.getErrorStream());
        }

        static Live start(PulseAudio pulse) throws IOException {
            // As the README runs live: a collector that does not stop the session thread (see LiveCommand).
            return start(pulse, "-XX:+UseZGC");
        }

        static Live start(PulseAudio pulse, String collector) throws IOException {
            // The echo gate's verdicts and the echo reference's moves on stderr (a line per change): a loop case
            // that fails on a loaded machine then says whether the gate judged the echo and where the path went.
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    collector, "-Xmx768m", "-Dorg.slf4j.simpleLogger.log.io.github.voicechat.audio.internal=debug",
                    "-cp", System.getProperty("java.class.path"), VoicechatCli.class.getName(), "live"));
            ProcessBuilder pb = new ProcessBuilder(command);
            pb.environment().putAll(pulse.clientEnvironment());
            Process p = pb.start();
            p.getOutputStream().close();
            return new Live(p);
        }

        /** Waits for a line matching {@code what}; fails with everything printed so far. */
        String await(Predicate<String> what, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                long left = deadline - System.nanoTime();
                String line = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
                if (line == null) {
                    throw new AssertionError("no such line within " + timeout + "; stdout:\n" + out + "\nstderr:\n"
                            + err.getNow("(still running)"));
                }
                out.append(line).append('\n');
                if (what.test(line)) {
                    return line;
                }
            }
        }

        /** Waits for turn {@code n}'s transcript and its completed answer. */
        Answer awaitAnswer(int n) throws InterruptedException {
            String heard = await(l -> l.contains("asr   heard"), TURN);
            String started = await(l -> l.contains("bot   starts speaking") || l.contains("turn " + n + " done"), TURN);
            String done = started.contains("done") ? started : await(l -> l.contains("turn " + n + " done"), TURN);
            Matcher h = HEARD.matcher(heard);
            Matcher d = DONE.matcher(done);
            assertThat(h.find() && d.find()).as(heard + " / " + done).isTrue();
            assertThat(d.group(1)).isEqualTo(String.valueOf(n));
            return new Answer(h.group(1), d.group(2), seconds(done) - seconds(started));
        }

        /** Reads what is printed for {@code time}; fails on any line, since a quiet session prints nothing. */
        void awaitQuiet(Duration time) throws InterruptedException {
            String line = lines.poll(time.toNanos(), TimeUnit.NANOSECONDS);
            if (line != null) {
                out.append(line).append('\n');
                // Ended first, so that the message has all of its stderr (the gate's verdicts, audio dropped).
                process.destroy();
                process.waitFor(1, TimeUnit.MINUTES);
                throw new AssertionError("the session printed \"" + line + "\" while nobody spoke; stdout:\n" + out()
                        + "\nstderr:\n" + errAfterExit());
            }
        }

        void signal(String name) throws IOException, InterruptedException {
            Process kill = new ProcessBuilder("kill", "-s", name, String.valueOf(process.pid())).start();
            assertThat(kill.waitFor()).as("kill -s " + name).isZero();
        }

        int awaitExit() throws InterruptedException {
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                throw new AssertionError("live did not end within 2 minutes; stdout:\n" + out());
            }
            return process.exitValue();
        }

        /** The session's last line says it was closed; nothing went to stderr but logging. */
        void assertEndedCleanly() {
            String all = out();
            assertThat(all.strip()).as(all).endsWith("end   closed");
            assertThat(err()).doesNotContain("Exception").doesNotContain("error").doesNotContain("note:");
        }

        String out() {
            if (!process.isAlive()) {
                try {
                    reader.join(10_000); // the last lines after the exit
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            String line;
            while ((line = lines.poll()) != null) {
                out.append(line).append('\n');
            }
            return out.toString();
        }

        String err() {
            return err.getNow("(still running)");
        }

        /** stderr once the process has ended and its last lines are read (for failure messages). */
        String errAfterExit() throws InterruptedException {
            try {
                return err.get(10, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                return err() + " (" + e + ")";
            }
        }

        /**
         * stdout and stderr, for failure messages: stderr says how much audio the microphone dropped, which is how
         * a machine too loaded for real-time audio shows (words lost, answers late).
         */
        String transcript() {
            return out() + "\nstderr:\n" + err();
        }

        private static double seconds(String line) {
            Matcher m = TIME.matcher(line);
            return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
        }
    }
}
