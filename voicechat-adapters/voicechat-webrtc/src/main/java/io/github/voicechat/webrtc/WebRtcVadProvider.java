package io.github.voicechat.webrtc;

import io.github.voicechat.spi.EngineCapabilities;
import io.github.voicechat.spi.EngineOptions;
import io.github.voicechat.spi.EngineProvider;
import io.github.voicechat.spi.VoiceActivityDetector;
import io.github.voicechat.vad.SpeechSegmenter;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code webrtc-vad}: options {@code sample_rate_hz} (8000, 16000, 32000 or 48000; default 16000) and
 * {@code aggressiveness} (0..3, default 1); the segmenter keys of {@link SpeechSegmenter#OPTION_KEYS} are accepted
 * and left to the segmenter.
 */
public final class WebRtcVadProvider implements EngineProvider<VoiceActivityDetector> {

    public static final String SAMPLE_RATE_HZ = "sample_rate_hz";
    public static final String AGGRESSIVENESS = "aggressiveness";

    private static final Set<String> KEYS;

    static {
        Set<String> k = new TreeSet<>(SpeechSegmenter.OPTION_KEYS);
        k.add(SAMPLE_RATE_HZ);
        k.add(AGGRESSIVENESS);
        KEYS = Set.copyOf(k);
    }

    @Override
    public String id() {
        return "webrtc-vad";
    }

    @Override
    public String description() {
        return "WebRTC audio-processing VAD (webrtc-java), 10 ms frames at 8/16/32/48 kHz; a cheap gate";
    }

    @Override
    public Class<VoiceActivityDetector> engineType() {
        return VoiceActivityDetector.class;
    }

    @Override
    public EngineCapabilities capabilities() {
        return new EngineCapabilities(Set.of(), true, 16_000, List.of());
    }

    @Override
    public int priority() {
        return 50;
    }

    @Override
    public Optional<String> unavailableReason() {
        return WebRtcNative.unavailableReason();
    }

    @Override
    public WebRtcVad create(EngineOptions options) {
        requireKnown(options, KEYS, id());
        return new WebRtcVad(options.getInt(SAMPLE_RATE_HZ, 16_000), options.getInt(AGGRESSIVENESS, 1));
    }

    static void requireKnown(EngineOptions options, Set<String> keys, String id) {
        for (String key : options.asMap().keySet()) {
            if (!keys.contains(key)) {
                throw new IllegalArgumentException(
                        "unknown option '" + key + "' for " + id + "; known: " + new TreeSet<>(keys));
            }
        }
    }
}
