package io.github.voicechat.webrtc;

import io.github.voicechat.spi.AbstractEngineProvider;
import io.github.voicechat.spi.EchoCanceller;
import io.github.voicechat.spi.EngineCapabilities;
import io.github.voicechat.spi.EngineOption;
import io.github.voicechat.spi.EngineOptions;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** {@code webrtc-aec}: options {@link #OPTIONS}. */
public final class WebRtcEchoCancellerProvider extends AbstractEngineProvider<EchoCanceller> {

    /** {@code sample_rate_hz}: as for {@code webrtc-vad}. */
    public static final EngineOption<Integer> SAMPLE_RATE_HZ = WebRtcVadProvider.SAMPLE_RATE_HZ;
    /** {@code echo_cancellation}: see {@link WebRtcEchoCanceller.Settings#echoCancellation()}. */
    public static final EngineOption<Boolean> ECHO_CANCELLATION = EngineOption.bool("echo_cancellation", true,
            "cancel the echo of what is played (AEC3)");
    /** {@code noise_suppression}: see {@link WebRtcEchoCanceller.Settings#noiseSuppression()}. */
    public static final EngineOption<Boolean> NOISE_SUPPRESSION = EngineOption.bool("noise_suppression", false,
            "suppress stationary noise as well");
    /** {@code high_pass_filter}: see {@link WebRtcEchoCanceller.Settings#highPassFilter()}. */
    public static final EngineOption<Boolean> HIGH_PASS_FILTER = EngineOption.bool("high_pass_filter", true,
            "remove DC and rumble below about 80 Hz");
    /** {@code stream_delay_ms}: see {@link WebRtcEchoCanceller.Settings#streamDelayMs()}. */
    public static final EngineOption<Integer> STREAM_DELAY_MS = EngineOption.integer("stream_delay_ms", 0, 0, 500,
            "a hint of the delay from playing to hearing; 0 lets AEC3 estimate it");
    /** Every option the echo canceller reads. */
    public static final List<EngineOption<?>> OPTIONS =
            List.of(SAMPLE_RATE_HZ, ECHO_CANCELLATION, NOISE_SUPPRESSION, HIGH_PASS_FILTER, STREAM_DELAY_MS);

    /** The provider ServiceLoader creates. */
    public WebRtcEchoCancellerProvider() {
        super(EchoCanceller.class, "webrtc-aec", 0, new EngineCapabilities(Set.of(), true, 16_000, List.of()),
                "WebRTC echo canceller AEC3 (webrtc-java), optional noise suppression and high-pass filter", OPTIONS);
    }

    @Override
    public Optional<String> unavailableReason() {
        return WebRtcNative.unavailableReason();
    }

    @Override
    public WebRtcEchoCanceller newEngine(EngineOptions options) {
        WebRtcEchoCanceller.Settings s = new WebRtcEchoCanceller.Settings(ECHO_CANCELLATION.get(options),
                NOISE_SUPPRESSION.get(options), HIGH_PASS_FILTER.get(options), STREAM_DELAY_MS.get(options));
        return new WebRtcEchoCanceller(SAMPLE_RATE_HZ.get(options), s);
    }
}
