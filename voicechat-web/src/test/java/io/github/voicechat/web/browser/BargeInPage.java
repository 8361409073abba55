package io.github.voicechat.web.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.voicechat.VoicePipeline;
import io.github.voicechat.audio.WavReader;
import io.github.voicechat.audio.WavWriter;
import io.github.voicechat.testkit.Scenario;
import io.github.voicechat.testkit.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The set-up the page's barge-in tests share, over the WebSocket ({@code BrowserPageTest}) and over WebRTC
 * ({@code RtcBrowserPageTest}): a recording from {@code ../shared/speech} as Chromium's microphone, the real default
 * engines answering at length, and the first half of the conversation (the transcript shown, bot audio played).
 */
public final class BargeInPage {

    /**
     * Long enough that the recording, which Chromium loops, comes round again while the bot is still talking (the
     * answer starts a few seconds after the user stops, however slow the recogniser is on a loaded machine).
     */
    public static final String LONG_ANSWER = "Here is a long answer, so that you have time to interrupt me."
            + " One, two, three, four, five, six, seven, eight, nine, ten, eleven, twelve, thirteen, fourteen,"
            + " fifteen, sixteen, seventeen, eighteen, nineteen, twenty.";

    private BargeInPage() {
    }

    /**
     * Writes {@code microphone.wav} into {@code folder}: 1 s of quiet, {@code pocketsphinx_goforward.wav}, 9 s of
     * quiet, at 16 kHz. Skips the calling test where {@code ../shared/speech} is absent.
     */
    public static Path microphone(Path folder) throws IOException {
        Path speech = SharedData.requireSpeech();
        float[] clip = WavReader.read(speech.resolve("pocketsphinx_goforward.wav")).mono();
        Path wav = folder.resolve("microphone.wav");
        WavWriter.writeMono(wav, 16_000, Scenario.at(16_000).silence(1_000).clip("q", clip).silence(9_000).samples());
        return wav;
    }

    /** The real default engines (Silero, Sphinx4, FreeTTS), answering "You said: ..." and then {@link #LONG_ANSWER}. */
    public static VoicePipeline realEngines() {
        return VoicePipeline.builder()
                .vad("silero")
                .asr("sphinx")
                .tts("freetts")
                .responder((request, reply) -> {
                    reply.text("You said: " + request.transcript() + ". ");
                    reply.text(LONG_ANSWER);
                })
                .build();
    }

    /**
     * Waits until the page shows the user's first transcript in its timeline and has played more than 200 ms of bot
     * audio; returns the transcript.
     */
    public static String awaitTranscriptAndBotAudio(ChromeDriver driver) {
        String transcript = (String) Chromium.waitInPage(driver,
                "const t = vc.events.find(e => e.type === 'transcript' && e.text); return t ? t.text : null;");
        assertThat(transcript).isNotBlank();
        assertThat(driver.findElement(By.id("timeline")).getText()).contains(transcript);
        Number played = (Number) Chromium.waitInPage(driver, "return vc.playedMs > 200 ? vc.playedMs : null;");
        assertThat(played.doubleValue()).isGreaterThan(200);
        return transcript;
    }

    /** Saves a screenshot of the page as {@code target/<name>}, for a person to look at. */
    public static void screenshot(ChromeDriver driver, String name) throws IOException {
        Path shot = driver.getScreenshotAs(OutputType.FILE).toPath();
        Files.createDirectories(Path.of("target"));
        Files.copy(shot, Path.of("target", name), StandardCopyOption.REPLACE_EXISTING);
    }
}
