package io.github.voicechat.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.voicechat.testkit.SystemPackages;
import org.junit.jupiter.api.Test;

/** Runs with or without the native library: what the adapter tells a user to install is what the tests ask for. */
class WebRtcNativeTest {

    @Test
    void theAdapterAndTheTestKitNameTheSamePackages() {
        assertThat(WebRtcNative.DEBIAN_PACKAGES).isEqualTo(SystemPackages.WEBRTC_JAVA);
        WebRtcNative.unavailableReason().ifPresent(reason -> assertThat(reason).contains(WebRtcNative.DEBIAN_PACKAGES));
    }
}
