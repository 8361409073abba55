package io.github.voicechat.webrtc;

import io.github.voicechat.testkit.SystemPackages;

/** The webrtc tests' guard: skip with the install line where the native library cannot load (fail in CI). */
final class RequireWebRtcNative {

    private RequireWebRtcNative() {
    }

    static void require() {
        SystemPackages.require("webrtc-java's native library", WebRtcNative.unavailableReason(),
                WebRtcNative.DEBIAN_PACKAGES);
    }
}
