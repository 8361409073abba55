package io.github.voicechat.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * A missing system library skips a test with the install line, fails it under CI's switch, and does nothing when the
 * library is there. Before this helper, such tests errored with an {@link UnsatisfiedLinkError} on a fresh machine.
 */
class SystemPackagesTest {

    private static final Optional<String> MISSING = Optional.of("libpulse.so.0: cannot open shared object file");

    @Test
    void aMissingLibrarySkipsWithTheExactInstallLine() {
        for (String notStrict : new String[] {null, "", "0", "false", "no"}) {
            assertThatThrownBy(() -> SystemPackages.require("webrtc-java's native library", MISSING,
                    SystemPackages.WEBRTC_JAVA, notStrict))
                    .as("switch %s", notStrict)
                    .isInstanceOf(TestAbortedException.class)
                    .hasMessageStartingWith("skipped: webrtc-java's native library is not usable here: ")
                    .hasMessageContaining("libpulse.so.0: cannot open shared object file")
                    .hasMessageContaining("install it with: sudo apt-get install -y libpulse0 libudev1 libx11-6 "
                            + "libxfixes3 libxrandr2 libxcomposite1 libdbus-1-3")
                    .hasMessageContaining("VOICECHAT_REQUIRE_SYSTEM_PACKAGES=1");
        }
    }

    @Test
    void underTheCiSwitchAMissingLibraryFails() {
        for (String strict : new String[] {"1", "true", " TRUE ", "yes"}) {
            assertThatThrownBy(() -> SystemPackages.require("libespeak-ng",
                    Optional.of("Unable to load library 'espeak-ng'"), SystemPackages.ESPEAK_NG, strict))
                    .as("switch %s", strict)
                    .isInstanceOf(AssertionFailedError.class)
                    .isNotInstanceOf(TestAbortedException.class)
                    .hasMessageStartingWith("libespeak-ng is required here (VOICECHAT_REQUIRE_SYSTEM_PACKAGES=")
                    .hasMessageContaining("Unable to load library 'espeak-ng'")
                    .hasMessageEndingWith("install it with: sudo apt-get install -y libespeak-ng1");
        }
    }

    @Test
    void anAvailableLibraryPassesWithOrWithoutTheSwitch() {
        for (String value : new String[] {null, "1"}) {
            assertThatCode(() -> SystemPackages.require("x", Optional.empty(), "libx1", value)).doesNotThrowAnyException();
        }
    }

    @Test
    void theInstallLineNormalisesSpacesAndNeedsAPackage() {
        assertThat(SystemPackages.installLine("  libpulse0   libudev1\n")).isEqualTo("sudo apt-get install -y libpulse0 libudev1");
        assertThatThrownBy(() -> SystemPackages.installLine(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theSwitchIsReadFromTheEnvironment() {
        assertThat(SystemPackages.strict()).isEqualTo(SystemPackages.strict(System.getenv(SystemPackages.REQUIRE_ENV)));
    }

    /** CI runs everything only if {@code .ci/run} installs what the tests ask for, and exports the switch. */
    @Test
    void ciRunInstallsEveryPackageAndSetsTheSwitchBeforeTheReadmesTestCommand() throws Exception {
        Path ciRun = Path.of("..", ".ci", "run").toAbsolutePath().normalize();
        String script = Files.readString(ciRun, StandardCharsets.UTF_8);
        // Its lists: packages="..." (installed without recommends) and browser_packages="..." (with them).
        Matcher m = Pattern.compile("(?m)^(\\w*packages)=\"([^\"]*)\"\\n(?:#.*\\n)*install_missing .*\\$\\1$")
                .matcher(script);
        java.util.Set<String> installed = new java.util.HashSet<>();
        while (m.find()) {
            installed.addAll(List.of(m.group(2).trim().split("\\s+")));
        }
        assertThat(installed).as(".ci/run declares packages=\"...\" and installs them").isNotEmpty();
        for (String list : SystemPackages.ALL) {
            assertThat(installed).as(".ci/run packages").contains(list.split(" "));
        }
        int exported = script.indexOf("export " + SystemPackages.REQUIRE_ENV + "=1");
        int testCommand = script.indexOf("\n./mvnw -B verify\n");
        assertThat(exported).as("export of the switch").isPositive();
        assertThat(testCommand).as("the README's test command, verbatim").isGreaterThan(exported);
        String readme = Files.readString(ciRun.getParent().getParent().resolve("README.md"), StandardCharsets.UTF_8);
        assertThat(readme).contains("\n./mvnw -B verify\n");
    }
}
