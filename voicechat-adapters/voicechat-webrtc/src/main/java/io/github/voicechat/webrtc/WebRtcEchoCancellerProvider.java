package io.github.voicechat.webrtc;

import io.github.voicechat.spi.EchoCanceller;
import io.github.voicechat.spi.EngineCapabilities;
import io.github.voicechat.spi.EngineOptions;
import io.github.voicechat.spi.EngineProvider;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code webrtc-aec}: options {@code sample_rate_hz} (8000, 16000, 32000 or 48000; default 16000),
 * {@code echo_cancellation} (default true), {@code noise_suppression} (default false), {@code high_pass_filter}
 * (default true), {@code stream_delay_ms} (a hint, default 0: AEC3 estimates the delay itself).
 */
public final class WebRtcEchoCancellerProvider implements EngineProvider<EchoCanceller> {

    public static final String SAMPLE_RATE_HZ = "sample_rate_hz";
    public static final String ECHO_CANCELLATION = "echo_cancellation";
    public static final String NOISE_SUPPRESSION = "noise_suppression";
    public static final String HIGH_PASS_FILTER = "high_pass_filter";
    public static final String STREAM_DELAY_MS = "stream_delay_ms";

    private static final Set<String> KEYS =
            Set.of(SAMPLE_RATE_HZ, ECHO_CANCELLATION, NOISE_SUPPRESSION, HIGH_PASS_FILTER, STREAM_DELAY_MS);

    @Override
    public String id() {
        return "webrtc-aec";
    }

    @Override
    public String description() {
        return "WebRTC echo canceller AEC3 (webrtc-java), optional noise suppression and high-pass filter";
    }

    @Override
    public Class<EchoCanceller> engineType() {
        return EchoCanceller.class;
    }

    @Override
    public EngineCapabilities capabilities() {
        return new EngineCapabilities(Set.of(), true, 16_000, List.of());
    }

    @Override
    public Optional<String> unavailableReason() {
        return WebRtcNative.unavailableReason();
    }

    @Override
    public WebRtcEchoCanceller create(EngineOptions options) {
        WebRtcVadProvider.requireKnown(options, KEYS, id());
        WebRtcEchoCanceller.Settings s = new WebRtcEchoCanceller.Settings(
                options.getBoolean(ECHO_CANCELLATION, true),
                options.getBoolean(NOISE_SUPPRESSION, false),
                options.getBoolean(HIGH_PASS_FILTER, true),
                options.getInt(STREAM_DELAY_MS, 0));
        return new WebRtcEchoCanceller(options.getInt(SAMPLE_RATE_HZ, 16_000), s);
    }
}
