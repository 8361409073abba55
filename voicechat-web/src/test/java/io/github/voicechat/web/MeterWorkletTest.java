package io.github.voicechat.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.voicechat.audio.WavWriter;
import io.github.voicechat.web.browser.Chromium;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The page's WebRTC output gate ({@code voicechat-meter} in {@code worklets.js}) in a real headless Chromium, fed a
 * tone through a gain that plays the part of the incoming bot stream: after {@code clear} (a barge-in) and the
 * stream's quiet tail, bot audio that arrives late (old packets a loaded machine delivers after a gap) is not played;
 * audio after the server's {@code resume} (a false alarm's replay, the next answer) is.
 */
class MeterWorkletTest {

    @Test
    void afterClearLateBotAudioStaysSilentUntilTheServerSaysAudioResumes(@TempDir Path tmp) throws Exception {
        Chromium.require();
        ChromeDriver driver = null;
        try (TestEdge edge = new TestEdge(TestEdge.scriptedPipeline("hello"), b -> { })) {
            driver = Chromium.start(tmp.resolve("profile"), silentWav(tmp));
            driver.get(edge.server.pageUri().toString());
            @SuppressWarnings("unchecked")
            Map<String, Object> r = (Map<String, Object>) driver.executeAsyncScript(String.join("\n",
                    "const done = arguments[arguments.length - 1];",
                    "(async () => {",
                    "  const ctx = new AudioContext({ sampleRate: 48000 });",
                    "  await ctx.audioWorklet.addModule('worklets.js');",
                    "  const meter = new AudioWorkletNode(ctx, 'voicechat-meter', { numberOfInputs: 1,",
                    "    numberOfOutputs: 1, outputChannelCount: [1] });",
                    "  let last = { playedMs: 0 };",
                    "  meter.port.onmessage = (e) => { last = e.data; };",
                    "  const tone = new OscillatorNode(ctx, { frequency: 440 });",
                    "  const stream = new GainNode(ctx, { gain: 0.5 });",
                    "  tone.connect(stream).connect(meter).connect(ctx.destination);",
                    "  tone.start();",
                    "  await ctx.resume();",
                    "  const wait = (ms) => new Promise((res) => setTimeout(res, ms));",
                    "  await wait(400);",
                    "  const speaking = last.playedMs;",
                    // The barge-in: clear, and the server's stream falls quiet.
                    "  meter.port.postMessage({ type: 'clear', seq: 1 });",
                    "  stream.gain.value = 0;",
                    "  await wait(400);",
                    "  const drained = last.playedMs;",
                    "  const drainMs = last.drainMs;",
                    // Old packets arrive late, after the quiet gap.
                    "  stream.gain.value = 0.5;",
                    "  await wait(300);",
                    "  stream.gain.value = 0;",
                    "  await wait(200);",
                    "  const afterLate = last.playedMs;",
                    // The server says audio to be heard comes (a false alarm's replay, or the next answer).
                    "  meter.port.postMessage({ type: 'resume' });",
                    "  await wait(100);",
                    "  stream.gain.value = 0.5;",
                    "  await wait(400);",
                    "  const resumed = last.playedMs;",
                    "  ctx.close();",
                    "  return { speaking, drained, drainMs, afterLate, resumed };",
                    "})().then(done, (e) => done({ error: String(e) }));"));
            assertThat(r).as("the page's script").doesNotContainKey("error");
            double speaking = number(r, "speaking");
            double drained = number(r, "drained");
            double afterLate = number(r, "afterLate");
            double resumed = number(r, "resumed");
            assertThat(speaking).as("ms of bot audio played before the barge-in").isGreaterThan(200);
            assertThat(r.get("drainMs")).as("the quiet tail was measured").isNotNull();
            assertThat(afterLate - drained).as("ms of late bot audio played after the tail had drained").isZero();
            assertThat(resumed - afterLate).as("ms of bot audio played once the server said it resumes")
                    .isGreaterThan(200);
        } finally {
            if (driver != null) {
                driver.quit();
            }
        }
    }

    private static double number(Map<String, Object> r, String key) {
        return ((Number) r.get(key)).doubleValue();
    }

    /** The fake microphone Chromium needs (the test does not use it): one second of silence. */
    private static Path silentWav(Path dir) throws Exception {
        Path wav = dir.resolve("silence.wav");
        WavWriter.writeMono(wav, 16_000, new float[16_000]);
        return wav;
    }
}
