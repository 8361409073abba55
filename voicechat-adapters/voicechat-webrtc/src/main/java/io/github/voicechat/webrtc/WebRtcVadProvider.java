package io.github.voicechat.webrtc;

import io.github.voicechat.spi.AbstractEngineProvider;
import io.github.voicechat.spi.EngineCapabilities;
import io.github.voicechat.spi.EngineOption;
import io.github.voicechat.spi.EngineOptions;
import io.github.voicechat.spi.VoiceActivityDetector;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code webrtc-vad}: options {@link #OPTIONS}. Where speech starts and ends is the segmenter's or the turn
 * policy's business, not the detector's: see {@code SpeechSegmenter.OPTIONS} and {@code TurnPolicy.OPTIONS}.
 */
public final class WebRtcVadProvider extends AbstractEngineProvider<VoiceActivityDetector> {

    /** The rates the audio-processing module runs at; anything else aborts the JVM inside webrtc. */
    public static final EngineOption<Integer> SAMPLE_RATE_HZ = EngineOption.integerOf("sample_rate_hz", 16_000,
            List.of(8_000, 16_000, 32_000, 48_000), "the rate of the audio, in 10 ms frames");
    /** {@code aggressiveness}: see {@link WebRtcVad#aggressiveness()}. */
    public static final EngineOption<Integer> AGGRESSIVENESS = EngineOption.integer("aggressiveness", 1, 0, 3,
            "0 keeps the most speech, 3 the least (a higher threshold and a shorter hold-over)");
    /** Every option the detector reads. */
    public static final List<EngineOption<?>> OPTIONS = List.of(SAMPLE_RATE_HZ, AGGRESSIVENESS);

    /** The provider ServiceLoader creates. */
    public WebRtcVadProvider() {
        super(VoiceActivityDetector.class, "webrtc-vad", 50, new EngineCapabilities(Set.of(), true, 16_000,
                List.of()), "WebRTC audio-processing VAD (webrtc-java), 10 ms frames at 8/16/32/48 kHz; a cheap gate",
                OPTIONS);
    }

    @Override
    public Optional<String> unavailableReason() {
        return WebRtcNative.unavailableReason();
    }

    @Override
    public WebRtcVad newEngine(EngineOptions options) {
        return new WebRtcVad(SAMPLE_RATE_HZ.get(options), AGGRESSIVENESS.get(options));
    }
}
