package io.github.voicechat.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link WavWriter} on a target that is not a regular file: it writes through instead of moving a partial file over
 * it (which, as root, would turn {@code /dev/null} into a regular file), and a full device's "No space left on device"
 * names the target. As root the devices are private nodes made with {@code mknod} in a temporary folder, so no
 * writer under test can touch {@code /dev}; otherwise the real {@code /dev/null} and {@code /dev/full} are used.
 */
class WavWriterDeviceTest {

    @TempDir
    Path dir;

    private Path device(String name, int minor) throws Exception {
        if ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") != 0) {
            return Path.of("/dev", name);
        }
        Path node = dir.resolve(name);
        run("mknod", node.toString(), "c", "1", Integer.toString(minor));
        return node;
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as("%s: %s", String.join(" ", command), out).isZero();
    }

    private static float[] tone(int n) {
        float[] s = new float[n];
        for (int i = 0; i < n; i++) {
            s[i] = (float) (0.5 * Math.sin(i / 7.0));
        }
        return s;
    }

    private void assertNoPartialFileIn(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            assertThat(files).noneMatch(p -> p.getFileName().toString().endsWith(".part"));
        }
    }

    @Test
    void theNullDeviceIsWrittenThroughAndStaysADevice() throws Exception {
        Path nul = device("null", 3);
        WavWriter.writeMono(nul, 16_000, tone(100_000));
        assertThat(Files.exists(nul, LinkOption.NOFOLLOW_LINKS)).isTrue();
        assertThat(Files.isRegularFile(nul, LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertNoPartialFileIn(nul.getParent());
    }

    @Test
    void aFullDeviceFailsNamingTheTargetAndStaysADevice() throws Exception {
        Path full = device("full", 7);
        assertThatThrownBy(() -> WavWriter.writeMono(full, 16_000, tone(100_000)))
                .isInstanceOf(IOException.class).hasMessageContaining(full.toString())
                .hasMessageContaining("No space left on device");
        assertThat(Files.isRegularFile(full, LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertNoPartialFileIn(full.getParent());
    }

    @Test
    void aPipeGetsAStreamingWavThatReadsBackExactly() throws Exception {
        Path fifo = dir.resolve("pipe.wav");
        run("mkfifo", fifo.toString());
        CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> {
            try (InputStream in = Files.newInputStream(fifo)) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        float[] samples = tone(50_000);
        WavWriter.writeMono(fifo, 16_000, samples);
        byte[] bytes = read.get(60, java.util.concurrent.TimeUnit.SECONDS);
        try (WavReader r = WavReader.open(new ByteArrayInputStream(bytes), "pipe")) {
            assertThat(r.lengthSamples()).as("a pipe cannot seek back: the size stays open").isEqualTo(-1);
            float[] back = r.readAll().mono();
            assertThat(back).hasSize(samples.length);
            for (int i = 0; i < samples.length; i++) {
                assertThat(back[i]).isCloseTo(samples[i], org.assertj.core.data.Offset.offset(1f / 32768));
            }
        }
        assertThat(Files.isRegularFile(fifo, LinkOption.NOFOLLOW_LINKS)).isFalse();
    }
}
