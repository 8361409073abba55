package io.github.voicechat.testkit;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Tests that need a system library (a Debian package: webrtc-java's natives, libespeak-ng, Chromium) call
 * {@link #require(String, Optional, String)} with the engine's own availability probe before touching it.
 *
 * <ul>
 *   <li>Where the library is usable, nothing happens.</li>
 *   <li>Where it is missing, the test is skipped (a JUnit assumption), and the message carries the exact line that
 *       installs it, so the README's test command passes on a machine that has nothing but Java.</li>
 *   <li>With the environment variable {@value #REQUIRE_ENV}{@code =1}, which {@code .ci/run} exports, a missing
 *       library fails the test instead: CI must run everything, and a skip there would hide a broken install.</li>
 * </ul>
 *
 * <p>Call it from {@code @BeforeEach} or from the test itself, not from {@code @BeforeAll}: Surefire reports a class
 * whose {@code @BeforeAll} aborted as 0 tests run and 0 skipped, which hides the skip.
 *
 * <p>The probe is the caller's: an engine's {@code unavailableReason()}, which loads the library once and turns a
 * {@link LinkageError} into a reason, so probing is cheap after the first call and never aborts the JVM.
 */
public final class SystemPackages {

    /** Set to {@code 1} (or {@code true}) to make a missing system library a test failure rather than a skip. */
    public static final String REQUIRE_ENV = "VOICECHAT_REQUIRE_SYSTEM_PACKAGES";

    /** What webrtc-java 0.14's {@code libwebrtc-java-linux-x86_64.so} links against (the VAD and echo canceller). */
    public static final String WEBRTC_JAVA = "libpulse0 libudev1 libx11-6 libxfixes3 libxrandr2 libxcomposite1 libdbus-1-3";

    /** libespeak-ng, which the Piper adapter phonemises with (GPL-3.0, loaded through JNA). */
    public static final String ESPEAK_NG = "libespeak-ng1";

    /**
     * A PulseAudio server, its command-line clients and ALSA's pulse plugin, through which javax.sound reaches it:
     * the virtual microphone and speaker of the sound-device tests ({@link PulseAudio}).
     */
    public static final String PULSEAUDIO = "pulseaudio pulseaudio-utils libasound2-plugins";

    /** Debian's headless Chromium and its ChromeDriver, for the web page's real-browser tests. */
    public static final String CHROMIUM = "chromium chromium-driver";

    /** Every package list above; {@code .ci/run} must install each of them (a test checks it). */
    public static final List<String> ALL = List.of(WEBRTC_JAVA, ESPEAK_NG, PULSEAUDIO, CHROMIUM);

    private SystemPackages() {
    }

    /**
     * Skips the calling test, or fails it under {@value #REQUIRE_ENV}{@code =1}, when {@code unavailableReason} is
     * present.
     *
     * @param what              what is missing, for people ("webrtc-java's native library")
     * @param unavailableReason why it cannot be used, as the engine's probe says; empty when it can
     * @param debianPackages    the Debian packages that provide it, separated by spaces
     */
    public static void require(String what, Optional<String> unavailableReason, String debianPackages) {
        require(what, unavailableReason, debianPackages, System.getenv(REQUIRE_ENV));
    }

    /** {@link #require(String, Optional, String)} with the switch's value given (tests of this class). */
    static void require(String what, Optional<String> unavailableReason, String debianPackages, String requireEnvValue) {
        Objects.requireNonNull(what, "what");
        Objects.requireNonNull(debianPackages, "debianPackages");
        if (unavailableReason.isEmpty()) {
            return;
        }
        String install = "install it with: " + installLine(debianPackages);
        if (strict(requireEnvValue)) {
            Assertions.fail(what + " is required here (" + REQUIRE_ENV + "=" + requireEnvValue + ") but is not usable: "
                    + unavailableReason.get() + "; " + install);
        }
        Assumptions.abort("skipped: " + what + " is not usable here: " + unavailableReason.get() + "; " + install
                + " (with " + REQUIRE_ENV + "=1, as in CI, this is a failure)");
    }

    /**
     * {@return the exact command that installs {@code debianPackages} on Debian or Ubuntu}
     *
     * @param debianPackages package names, separated by spaces
     */
    public static String installLine(String debianPackages) {
        String packages = debianPackages.strip().replaceAll("\\s+", " ");
        if (packages.isEmpty()) {
            throw new IllegalArgumentException("no Debian package named");
        }
        return "sudo apt-get install -y " + packages;
    }

    /** {@return whether this run makes a missing library a failure} */
    public static boolean strict() {
        return strict(System.getenv(REQUIRE_ENV));
    }

    static boolean strict(String requireEnvValue) {
        if (requireEnvValue == null) {
            return false;
        }
        String v = requireEnvValue.strip().toLowerCase(Locale.ROOT);
        return v.equals("1") || v.equals("true") || v.equals("yes");
    }
}
