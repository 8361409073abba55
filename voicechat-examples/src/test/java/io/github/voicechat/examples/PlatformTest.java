package io.github.voicechat.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The platform name the CLI derives from {@code os.name}/{@code os.arch}, and what it says off the supported one. */
class PlatformTest {

    @Test
    void namesFollowTheJvmsPropertiesOnEachFamily() {
        assertThat(Platform.of("Linux", "amd64")).isEqualTo("linux-x86_64");
        assertThat(Platform.of("Linux", "aarch64")).isEqualTo("linux-aarch64");
        assertThat(Platform.of("Mac OS X", "x86_64")).isEqualTo("macos-x86_64");
        assertThat(Platform.of("Mac OS X", "aarch64")).isEqualTo("macos-aarch64");
        assertThat(Platform.of("Windows 11", "amd64")).isEqualTo("windows-x86_64");
        assertThat(Platform.of("FreeBSD", "riscv64")).isEqualTo("freebsd-riscv64");
        assertThat(Platform.of("SunOS", "sparcv9")).isEqualTo("sunos-sparcv9");
    }

    @Test
    void theSupportedPlatformGetsNoNotice() {
        assertThat(Platform.notice("linux-x86_64")).isEmpty();
    }

    @Test
    void anyOtherPlatformIsToldWhatCannotRunAndWhereToLook() {
        assertThat(Platform.notice("macos-aarch64")).hasValueSatisfying(n -> assertThat(n)
                .startsWith("voicechat: macos-aarch64 is not a supported platform (supported: linux-x86_64)")
                .contains("webrtc-vad and webrtc-aec cannot run here")
                .contains("voicechat engines"));
        assertThat(Platform.notice("linux-aarch64")).isPresent();
        assertThat(Platform.notice("windows-x86_64")).isPresent();
    }

    @Test
    void thisBuildMachineIsNamedConsistently() {
        assertThat(Platform.current()).isEqualTo(Platform.of(System.getProperty("os.name"),
                System.getProperty("os.arch")));
    }
}
