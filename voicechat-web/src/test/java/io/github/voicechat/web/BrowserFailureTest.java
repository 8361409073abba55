package io.github.voicechat.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.voicechat.audio.WavWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The page in headless Chromium with the test-kit engines: a typed turn is answered, and when the server goes away
 * the page says so and its Retry button reconnects once the server is back.
 */
class BrowserFailureTest {

    @Test
    void typedTurnThenServerGoesAwayThenRetry(@TempDir Path tmp) throws Exception {
        Chromium.require();
        Path wav = tmp.resolve("silence.wav");
        WavWriter.writeMono(wav, 16_000, new float[16_000]);
        ChromeDriver driver = null;
        TestEdge edge = TestEdge.scripted(b -> { });
        int port = edge.server.port();
        WebServer second = null;
        try {
            driver = Chromium.start(tmp.resolve("profile"), wav);
            driver.get(edge.server.pageUri() + "?autostart=1");
            Chromium.waitInPage(driver, "return vc.state === 'LISTENING';");

            driver.findElement(By.id("typed-text")).sendKeys("what time is it", Keys.ENTER);
            Object played = Chromium.waitInPage(driver,
                    "const p = vc.events.find(e => e.type === 'played'); return p ? p.text : null;");
            assertThat(played).isEqualTo("You said: what time is it.");
            assertThat(driver.findElement(By.id("timeline")).getText()).contains("You (typed)".toUpperCase())
                    .contains("what time is it").contains("You said: what time is it.");
            Chromium.waitInPage(driver, "return vc.playedMs > 0;");

            edge.server.close(); // the server goes away without a goodbye
            Chromium.waitInPage(driver, "return !document.getElementById('banner').hidden;");
            assertThat(driver.findElement(By.id("banner-text")).getText())
                    .contains("The server went away (server shutting down)");
            assertThat(driver.findElement(By.id("retry")).isDisplayed()).isTrue();
            Path shot = driver.getScreenshotAs(OutputType.FILE).toPath();
            Files.createDirectories(Path.of("target"));
            Files.copy(shot, Path.of("target", "page-server-gone.png"), StandardCopyOption.REPLACE_EXISTING);

            second = WebServer.builder(edge.bridge).port(port).ioThreads(1).start();
            int before = ((Number) driver.executeScript("return window.voicechat.events.length;")).intValue();
            driver.findElement(By.id("retry")).click();
            Chromium.waitInPage(driver, "return vc.events.slice(" + before
                    + ").some(e => e.type === 'state' && e.to === 'LISTENING');");
            assertThat(driver.findElement(By.id("banner")).isDisplayed()).isFalse();
        } finally {
            if (driver != null) {
                driver.quit();
            }
            if (second != null) {
                second.close();
            }
            edge.close();
        }
    }
}
