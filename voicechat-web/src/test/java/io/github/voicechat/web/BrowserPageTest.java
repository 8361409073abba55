package io.github.voicechat.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.voicechat.VoicePipeline;
import io.github.voicechat.audio.WavReader;
import io.github.voicechat.audio.WavWriter;
import io.github.voicechat.testkit.Scenario;
import io.github.voicechat.testkit.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The page in a real headless Chromium, with a recording from {@code ../shared/speech} as its microphone and the real
 * default engines behind the embedded server: at {@code ?autostart=1} it shows the user's transcript, plays bot audio,
 * and when the user talks over the bot the bot stops (its buffered audio is dropped at once).
 */
class BrowserPageTest {

    /**
     * Long enough that the recording, which Chromium loops, comes round again while the bot is still talking (the
     * answer starts a few seconds after the user stops, however slow the recogniser is on a loaded machine).
     */
    private static final String LONG_ANSWER = "Here is a long answer, so that you have time to interrupt me."
            + " One, two, three, four, five, six, seven, eight, nine, ten, eleven, twelve, thirteen, fourteen,"
            + " fifteen, sixteen, seventeen, eighteen, nineteen, twenty.";

    @Test
    void autostartTranscriptBotAudioAndBargeInInChromium(@TempDir Path tmp) throws Exception {
        Chromium.require();
        Path speech = SharedData.requireSpeech();
        float[] clip = WavReader.read(speech.resolve("pocketsphinx_goforward.wav")).mono();
        Path wav = tmp.resolve("microphone.wav");
        WavWriter.writeMono(wav, 16_000, Scenario.at(16_000).silence(1_000).clip("q", clip).silence(9_000).samples());
        VoicePipeline pipeline = VoicePipeline.builder()
                .vad("silero")
                .asr("sphinx")
                .tts("freetts")
                .responder((request, reply) -> {
                    reply.text("You said: " + request.transcript() + ". ");
                    reply.text(LONG_ANSWER);
                })
                .build();
        ChromeDriver driver = null;
        try (TestEdge edge = new TestEdge(pipeline, b -> { })) {
            driver = Chromium.start(tmp.resolve("profile"), wav);
            driver.get(edge.server.pageUri() + "?autostart=1");

            // The user's transcript arrives and the page shows it.
            String transcript = (String) Chromium.waitInPage(driver,
                    "const t = vc.events.find(e => e.type === 'transcript' && e.text); return t ? t.text : null;");
            assertThat(transcript).isNotBlank();
            assertThat(driver.findElement(By.id("timeline")).getText()).contains(transcript);

            // Bot audio actually plays in the page's AudioWorklet.
            Number played = (Number) Chromium.waitInPage(driver, "return vc.playedMs > 200 ? vc.playedMs : null;");
            assertThat(played.doubleValue()).isGreaterThan(200);
            assertThat(Chromium.waitInPage(driver, "return vc.state === 'SPEAKING' ? vc.state : null;"))
                    .isEqualTo("SPEAKING");

            // The recording comes round again while the bot talks: clear, and the bot falls silent at once. The
            // worklet reports playedMs every 50 ms (and on clear), so the count is taken 250 ms after the clear was
            // seen, when every report of audio played before it has landed; from there to the next turn's
            // transcript (seconds later) not one more millisecond of bot audio may play.
            @SuppressWarnings("unchecked")
            Map<String, Object> bargeIn = (Map<String, Object>) Chromium.waitInPage(driver, String.join("\n",
                    "const i = vc.events.findIndex(e => e.type === 'clear');",
                    "if (i < 0) return null;",
                    "if (window.__clearSeen === undefined) window.__clearSeen = performance.now();",
                    "if (performance.now() - window.__clearSeen < 250) return null;",
                    "if (window.__settled === undefined) window.__settled = vc.playedMs;",
                    "const next = vc.events.findIndex((e, j) => j > i && e.type === 'transcript');",
                    "if (next < 0) return null;",
                    "return { settled: window.__settled, atNextTranscript: vc.playedMs,",
                    "  types: vc.events.slice(i).map(e => e.type + (e.phase ? ':' + e.phase : '')) };"));
            double settled = ((Number) bargeIn.get("settled")).doubleValue();
            double atNext = ((Number) bargeIn.get("atNextTranscript")).doubleValue();
            @SuppressWarnings("unchecked")
            List<String> after = (List<String>) bargeIn.get("types");
            assertThat(after).as("events from clear to the next transcript").contains("barge_in:confirmed");
            assertThat(atNext - settled).as("bot audio played after clear, ms").isLessThan(1.0);
            assertThat(driver.findElement(By.id("timeline")).getText()).contains("interrupted");

            Path shot = driver.getScreenshotAs(OutputType.FILE).toPath();
            Files.createDirectories(Path.of("target"));
            Files.copy(shot, Path.of("target", "page-screenshot.png"), StandardCopyOption.REPLACE_EXISTING);
        } finally {
            if (driver != null) {
                driver.quit();
            }
        }
    }
}
