package io.github.voicechat.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.voicechat.testkit.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, faults: a full disk or a permission error where the command line writes its WAV and its report
 * ({@code speak -o}, {@code talk --out/--report}). Each run is a fresh JVM, as a user runs it. What must hold: the
 * exit code says it failed, one error line names the file and the cause (no stack trace), nothing claims to have
 * been written that was not, and nothing on disk is damaged: an existing file keeps its bytes, a device stays a
 * device, no partial file is left behind.
 *
 * <p>A real "No space left on device" comes from the kernel's full device (major 1, minor 7). As root the test makes
 * its own node of it (and of the null device) in a temporary folder, so that a writer that wrongly replaces its
 * target cannot touch {@code /dev}; otherwise it uses {@code /dev/full}. Root ignores file permissions, so the
 * permission cases run the command through util-linux {@code setpriv} without that override.
 */
class OutputFaultsTest {

    private static final Duration TIMEOUT = Duration.ofMinutes(4);

    @TempDir
    Path dir;

    private boolean root;
    private Path full;
    private Path nullDevice;

    @BeforeEach
    void devices() throws Exception {
        root = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
        if (root) {
            full = mknod("full", 7);
            nullDevice = mknod("null", 3);
        } else {
            full = Path.of("/dev/full");
            nullDevice = Path.of("/dev/null");
        }
    }

    private Path mknod(String name, int minor) throws Exception {
        Path node = dir.resolve(name);
        Process p = new ProcessBuilder("mknod", node.toString(), "c", "1", Integer.toString(minor))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as("mknod %s: %s", node, out).isZero();
        return node;
    }

    /** Root without CAP_DAC_OVERRIDE, so that file permissions apply to the command; nothing for other users. */
    private List<String> withoutRootOverride() {
        if (!root) {
            return List.of();
        }
        Path setpriv = Stream.of("/usr/bin/setpriv", "/bin/setpriv").map(Path::of).filter(Files::isExecutable)
                .findFirst().orElseThrow(() -> new AssertionError("running as root, this test needs setpriv to drop"
                        + " root's permission override: apt-get install -y util-linux"));
        return List.of(setpriv.toString(), "--bounding-set", "-dac_override,-dac_read_search",
                "--inh-caps", "-dac_override,-dac_read_search");
    }

    /**
     * Failed, with one error line naming {@code file} and its cause ({@code cause}, a regular expression matched
     * ignoring case), no stack trace, no "wrote" for it.
     */
    private static void assertFailedClearly(ForkedJvm.Result r, Path file, String cause) {
        assertThat(r.code()).as("exit code; stderr: %s", r.err()).isNotZero();
        assertThat(r.err()).as("stderr").doesNotContain("\tat ").doesNotContain("Exception");
        List<String> errors = r.err().lines().filter(l -> l.startsWith("error:")).toList();
        assertThat(errors).as("stderr: %s", r.err()).hasSize(1);
        assertThat(errors.get(0)).contains(file.getFileName().toString())
                .containsPattern(java.util.regex.Pattern.compile(cause, java.util.regex.Pattern.CASE_INSENSITIVE));
        assertThat(r.out() + r.err()).doesNotContainPattern("wrote [^\\n]*" + file.getFileName());
    }

    private static void assertStillADevice(Path device) {
        assertThat(Files.isRegularFile(device, LinkOption.NOFOLLOW_LINKS)).as("%s replaced by a file", device)
                .isFalse();
        assertThat(Files.exists(device, LinkOption.NOFOLLOW_LINKS)).as("%s deleted", device).isTrue();
    }

    /** Only what the test put there: no partial or temporary file left behind. */
    private void assertNothingElseIn(Path folder, String... names) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(names);
        }
    }

    @Test
    void speakToAFullDiskFailsNamingTheFile() throws Exception {
        ForkedJvm.Result r = ForkedJvm.cli(TIMEOUT, "speak", "Hello there.", "-o", full.toString());
        assertFailedClearly(r, full, "No space left on device");
        assertStillADevice(full);
        if (root) {
            assertNothingElseIn(dir, "full", "null");
        }
    }

    @Test
    void speakToTheNullDeviceWritesThroughIt() throws Exception {
        ForkedJvm.Result r = ForkedJvm.cli(TIMEOUT, "speak", "Hello there.", "-o", nullDevice.toString());
        assertThat(r.code()).as("stderr: %s", r.err()).isZero();
        assertStillADevice(nullDevice);
        if (root) {
            assertNothingElseIn(dir, "full", "null");
        }
    }

    @Test
    void speakIntoAFolderWithoutWritePermissionFailsNamingTheFile() throws Exception {
        Path folder = Files.createDirectory(dir.resolve("read-only"));
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("r-xr-xr-x"));
        Path out = folder.resolve("hello.wav");
        ForkedJvm.Result r = ForkedJvm.cli(withoutRootOverride(), TIMEOUT, "speak", "Hello there.", "-o",
                out.toString());
        assertFailedClearly(r, out, "permission denied");
        assertNothingElseIn(folder);
    }

    @Test
    void speakOverAReadOnlyFileFailsAndLeavesItIntact() throws Exception {
        Path out = dir.resolve("kept.wav");
        assertThat(ForkedJvm.cli(TIMEOUT, "speak", "Old words.", "-o", out.toString()).code()).isZero();
        byte[] before = Files.readAllBytes(out);
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("r--r--r--"));
        ForkedJvm.Result r = ForkedJvm.cli(withoutRootOverride(), TIMEOUT, "speak", "New words.", "-o",
                out.toString());
        assertFailedClearly(r, out, "permission denied|read-only");
        assertThat(Files.readAllBytes(out)).isEqualTo(before);
        assertNothingElseIn(dir, "full", "null", "kept.wav");
    }

    @Test
    void talkWithItsRecordingOnAFullDiskSaysSoAndStillWritesItsReport() throws Exception {
        Path speech = SharedData.requireSpeech();
        Path report = dir.resolve("report.json");
        ForkedJvm.Result r = ForkedJvm.cli(TIMEOUT, "talk", "--quiet", "--in",
                speech.resolve("pocketsphinx_goforward.wav").toString(), "--out", full.toString(), "--report",
                report.toString());
        assertFailedClearly(r, full, "No space left on device");
        assertStillADevice(full);
        // The conversation happened: its report is not lost with the recording.
        assertThat(report).isRegularFile();
        assertThat(Files.readString(report)).contains("\"turns\"");
    }

    @Test
    void talkWithItsReportInAReadOnlyFolderFailsBeforeTheConversationAndWritesNothing() throws Exception {
        Path speech = SharedData.requireSpeech();
        Path folder = Files.createDirectory(dir.resolve("read-only"));
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("r-xr-xr-x"));
        Path wav = dir.resolve("session.wav");
        Path report = folder.resolve("report.json");
        ForkedJvm.Result r = ForkedJvm.cli(withoutRootOverride(), TIMEOUT, "talk", "--quiet", "--in",
                speech.resolve("pocketsphinx_goforward.wav").toString(), "--out", wav.toString(), "--report",
                report.toString());
        assertFailedClearly(r, report, "permission denied");
        assertNothingElseIn(folder);
        assertThat(wav).doesNotExist();
    }

    @Test
    void talkRecordingToTheNullDeviceLeavesItADevice() throws Exception {
        Path speech = SharedData.requireSpeech();
        Path report = dir.resolve("report.json");
        ForkedJvm.Result r = ForkedJvm.cli(TIMEOUT, "talk", "--quiet", "--in",
                speech.resolve("pocketsphinx_goforward.wav").toString(), "--out", nullDevice.toString(), "--report",
                report.toString());
        assertThat(r.code()).as("stderr: %s", r.err()).isZero();
        assertStillADevice(nullDevice);
        assertThat(Files.readString(report)).contains("\"turns\"");
    }
}
