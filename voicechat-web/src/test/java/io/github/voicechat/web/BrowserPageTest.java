package io.github.voicechat.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.voicechat.VoicePipeline;
import io.github.voicechat.web.browser.BargeInPage;
import io.github.voicechat.web.browser.Chromium;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The page in a real headless Chromium, with a recording from {@code ../shared/speech} as its microphone and the real
 * default engines behind the embedded server: at {@code ?autostart=1} it shows the user's transcript, plays bot audio,
 * and when the user talks over the bot the bot stops (its buffered audio is dropped at once).
 */
class BrowserPageTest {

    @Test
    void autostartTranscriptBotAudioAndBargeInInChromium(@TempDir Path tmp) throws Exception {
        Chromium.require();
        Path wav = BargeInPage.microphone(tmp);
        VoicePipeline pipeline = BargeInPage.realEngines();
        ChromeDriver driver = null;
        try (TestEdge edge = new TestEdge(pipeline, b -> { })) {
            driver = Chromium.start(tmp.resolve("profile"), wav);
            driver.get(edge.server.pageUri() + "?autostart=1");

            // The user's transcript arrives, the page shows it, and bot audio actually plays in its AudioWorklet.
            BargeInPage.awaitTranscriptAndBotAudio(driver);
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

            BargeInPage.screenshot(driver, "page-screenshot.png");
        } finally {
            if (driver != null) {
                driver.quit();
            }
        }
    }
}
