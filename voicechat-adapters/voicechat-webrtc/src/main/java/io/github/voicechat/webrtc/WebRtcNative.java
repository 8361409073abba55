package io.github.voicechat.webrtc;

import dev.onvoid.webrtc.media.audio.AudioProcessing;
import io.github.voicechat.spi.EngineException;
import java.util.Optional;

/** Loads webrtc-java's native library once, turning a missing system library into a message that says what to install. */
final class WebRtcNative {

    /** The Debian packages providing what {@code libwebrtc-java-linux-x86_64.so} links against. */
    static final String DEBIAN_PACKAGES =
            "libpulse0 libudev1 libx11-6 libxfixes3 libxrandr2 libxcomposite1 libdbus-1-3";

    private static final Optional<String> FAILURE = load();

    private WebRtcNative() {
    }

    private static Optional<String> load() {
        try {
            // AudioProcessing's static initialiser loads the library; VoiceActivityDetector alone does not (it then
            // fails with UnsatisfiedLinkError), so this comes first.
            AudioProcessing probe = new AudioProcessing();
            probe.dispose();
            return Optional.empty();
        } catch (LinkageError e) {
            return Optional.of("webrtc-java's native library did not load (" + e.getMessage() + "); on Debian/Ubuntu: "
                    + "sudo apt-get install -y " + DEBIAN_PACKAGES);
        }
    }

    /** Why the native library is unusable, if it is. */
    static Optional<String> unavailableReason() {
        return FAILURE;
    }

    static void require() {
        FAILURE.ifPresent(reason -> {
            throw new EngineException(reason);
        });
    }

    /** Rates the audio-processing module takes in 10 ms frames; anything else aborts the JVM inside it. */
    static boolean supportedRate(int sampleRateHz) {
        return sampleRateHz == 8_000 || sampleRateHz == 16_000 || sampleRateHz == 32_000 || sampleRateHz == 48_000;
    }

    static void requireSupportedRate(int sampleRateHz) {
        if (!supportedRate(sampleRateHz)) {
            throw new IllegalArgumentException(
                    "WebRTC audio processing runs at 8000, 16000, 32000 or 48000 Hz, not " + sampleRateHz + " Hz");
        }
    }

    static void requireFrame(float[] samples, int offset, int length, int frameSamples, int sampleRateHz,
            String what) {
        if (length != frameSamples) {
            throw new IllegalArgumentException(what + " at " + sampleRateHz + " Hz takes 10 ms frames of "
                    + frameSamples + " samples, was given " + length);
        }
        if (offset < 0 || offset + length > samples.length) {
            throw new IllegalArgumentException("range [" + offset + ", " + (offset + length)
                    + ") is outside an array of " + samples.length + " samples");
        }
        io.github.voicechat.audio.Pcm.requireFinite(samples, offset, length);
    }
}
