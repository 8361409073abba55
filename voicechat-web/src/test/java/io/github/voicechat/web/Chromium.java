package io.github.voicechat.web;

import io.github.voicechat.testkit.SystemPackages;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.openqa.selenium.ScriptTimeoutException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium and its driver, for the real-browser tests. Where they are missing the test is skipped
 * with the exact install line; under {@code VOICECHAT_REQUIRE_SYSTEM_PACKAGES=1} (CI) it fails instead
 * ({@link SystemPackages}, whose {@link SystemPackages#CHROMIUM} list {@code .ci/run} installs).
 */
final class Chromium {

    static final Path BROWSER = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    private Chromium() {
    }

    /** Skips (or, in CI, fails) the calling test unless Chromium and ChromeDriver are installed. */
    static void require() {
        List<String> missing = new ArrayList<>();
        for (Path p : List.of(BROWSER, DRIVER)) {
            if (!Files.isExecutable(p)) {
                missing.add(p + " not found");
            }
        }
        SystemPackages.require("headless Chromium", missing.isEmpty() ? Optional.empty()
                : Optional.of(String.join(", ", missing)), SystemPackages.CHROMIUM);
    }

    /**
     * Starts headless Chromium with {@code microphoneWav} as its microphone (it loops), sound allowed without a
     * click, nothing fetched from the network, and a fresh profile in {@code profile}.
     */
    static ChromeDriver start(Path profile, Path microphoneWav) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        options.addArguments(
                "--headless", "--no-sandbox", "--disable-gpu",
                "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                "--use-file-for-fake-audio-capture=" + microphoneWav.toAbsolutePath(),
                "--autoplay-policy=no-user-gesture-required",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--disable-quic", "--window-size=1100,1000",
                "--user-data-dir=" + profile.toAbsolutePath());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(DRIVER.toString()))
                .usingAnyFreePort()
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(120));
        return driver;
    }

    /**
     * Waits inside the page (polling every 20 ms in the browser, no sleeping here) until {@code body}, a function body
     * over {@code vc} (= {@code window.voicechat}), returns something other than null, undefined or false.
     */
    static Object waitInPage(ChromeDriver driver, String body) {
        String script = "const done = arguments[arguments.length - 1];\n"
                + "const check = (vc) => { " + body + " };\n"
                + "(function poll() {\n"
                + "  let v = null;\n"
                + "  try { v = check(window.voicechat); } catch (e) { v = null; }\n"
                + "  if (v !== null && v !== undefined && v !== false) done(v); else setTimeout(poll, 20);\n"
                + "})();";
        try {
            return driver.executeAsyncScript(script);
        } catch (ScriptTimeoutException e) {
            throw new AssertionError("the page never satisfied: " + body + "\npage: " + driver.executeScript(
                    "const vc = window.voicechat; return JSON.stringify({state: vc.state, playedMs: vc.playedMs,"
                            + " banner: document.getElementById('banner').hidden ? '' :"
                            + " document.getElementById('banner-text').textContent,"
                            + " events: vc.events.map(e => e.type === 'state' ? 'state:' + e.to"
                            + " : e.type === 'transcript' ? 'transcript:' + e.text : e.type)});"), e);
        }
    }
}
