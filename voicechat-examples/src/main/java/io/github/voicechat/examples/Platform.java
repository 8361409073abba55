package io.github.voicechat.examples;

import java.util.Locale;
import java.util.Optional;

/**
 * The platform this command line runs on, against the one its distribution supports. The native libraries decide:
 * the webrtc-java library in the distribution is linux-x86_64's (Maven picks webrtc-java's native jar for the machine
 * that builds), while ONNX Runtime and whisper-jni carry natives for several platforms and Sphinx4 and FreeTTS are
 * pure Java. On any other platform the CLI still runs what it can, after one line that says what cannot.
 */
final class Platform {

    /** Where every engine runs and the build is tested. */
    static final String SUPPORTED = "linux-x86_64";

    private Platform() {
    }

    /** This JVM's platform as {@code os-arch}, e.g. {@code linux-x86_64}, {@code macos-aarch64}. */
    static String current() {
        return of(System.getProperty("os.name", "?"), System.getProperty("os.arch", "?"));
    }

    /** The {@code os-arch} name for the JVM's {@code os.name} and {@code os.arch}. */
    static String of(String osName, String osArch) {
        String os = osName.toLowerCase(Locale.ROOT);
        String family = os.startsWith("linux") ? "linux"
                : os.startsWith("mac") || os.startsWith("darwin") ? "macos"
                : os.startsWith("windows") ? "windows"
                : os.replaceAll("[^a-z0-9]+", "");
        String arch = switch (osArch.toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64", "x64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            default -> osArch.toLowerCase(Locale.ROOT);
        };
        return family + "-" + arch;
    }

    /** The line to print before anything else on {@code platform}, or empty on the supported one. */
    static Optional<String> notice(String platform) {
        if (SUPPORTED.equals(platform)) {
            return Optional.empty();
        }
        return Optional.of("voicechat: " + platform + " is not a supported platform (supported: " + SUPPORTED
                + "): webrtc-vad and webrtc-aec cannot run here (this build's webrtc-java natives are for "
                + SUPPORTED + " only) and the other engines are untested here; `voicechat engines` shows which"
                + " can run.");
    }
}
