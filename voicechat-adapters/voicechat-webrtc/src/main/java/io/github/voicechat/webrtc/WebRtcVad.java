package io.github.voicechat.webrtc;

import dev.onvoid.webrtc.media.audio.VoiceActivityDetector;
import io.github.voicechat.audio.Pcm;

/**
 * The WebRTC audio-processing module's voice activity detector (pitch and spectral features, 10 ms frames), with
 * hang-over smoothing.
 *
 * <p>Its raw probability is close to binary and marks voiced sound only: unvoiced consonants and the gaps between
 * syllables read as silence. So each frame's probability is rescaled to put {@link #thresholdProbability()} at 0.5,
 * and after a frame at or above it the output is held at 0.5 or more for {@link #holdOverMs()}: a
 * {@link io.github.voicechat.vad.SpeechSegmenter} at its default thresholds then bridges gaps shorter than the
 * hold-over. {@code aggressiveness} 0..3 trades recall for precision by raising the threshold and shortening the
 * hold-over (see {@link #AGGRESSIVENESS_THRESHOLDS} and {@link #AGGRESSIVENESS_HOLD_OVER_MS}).
 *
 * <p>The native detector reports 1.0 for the first two frames after it is created, before it has analysed anything
 * (its features cover 30 ms); those frames read as 0 here.
 */
public final class WebRtcVad implements io.github.voicechat.spi.VoiceActivityDetector {

    /** Raw-probability threshold per aggressiveness 0..3. */
    public static final float[] AGGRESSIVENESS_THRESHOLDS = {0.2f, 0.5f, 0.7f, 0.9f};
    /** Hold-over per aggressiveness 0..3, in ms. */
    public static final int[] AGGRESSIVENESS_HOLD_OVER_MS = {400, 300, 200, 100};
    /** Frames after (re)creation before the native detector has analysed anything. */
    private static final int UNANALYSED_FRAMES = 2;

    private final int sampleRateHz;
    private final int frameSamples;
    private final int aggressiveness;
    private final float threshold;
    private final int holdOverMs;
    private final int holdOverFrames;
    private final byte[] pcm;
    private VoiceActivityDetector vad;
    private int framesSinceReset;
    private int holdLeft;
    private boolean closed;

    /**
     * @param sampleRateHz   8000, 16000, 32000 or 48000
     * @param aggressiveness 0 (most speech kept) to 3 (least)
     */
    public WebRtcVad(int sampleRateHz, int aggressiveness) {
        WebRtcNative.requireSupportedRate(sampleRateHz);
        if (aggressiveness < 0 || aggressiveness > 3) {
            throw new IllegalArgumentException("aggressiveness must be 0..3, was " + aggressiveness);
        }
        WebRtcNative.require();
        this.sampleRateHz = sampleRateHz;
        this.frameSamples = sampleRateHz / 100;
        this.aggressiveness = aggressiveness;
        this.threshold = AGGRESSIVENESS_THRESHOLDS[aggressiveness];
        this.holdOverMs = AGGRESSIVENESS_HOLD_OVER_MS[aggressiveness];
        this.holdOverFrames = holdOverMs / 10;
        this.pcm = new byte[frameSamples * 2];
        this.vad = new VoiceActivityDetector();
    }

    /** {@return 0 (keeps the most speech) to 3 (the least)} */
    public int aggressiveness() {
        return aggressiveness;
    }

    /** {@return the raw probability that is mapped to 0.5} */
    public float thresholdProbability() {
        return threshold;
    }

    /** {@return how long speech is held after the raw probability falls, in milliseconds} */
    public int holdOverMs() {
        return holdOverMs;
    }

    @Override
    public int sampleRateHz() {
        return sampleRateHz;
    }

    @Override
    public int frameSamples() {
        return frameSamples;
    }

    @Override
    public float speechProbability(float[] samples, int offset, int length) {
        if (closed) {
            throw new IllegalStateException("this WebRTC VAD is closed");
        }
        WebRtcNative.requireFrame(samples, offset, length, frameSamples, sampleRateHz, "WebRTC VAD");
        Pcm.floatToPcm16Le(samples, offset, pcm, 0, length);
        vad.process(pcm, frameSamples, sampleRateHz);
        float raw = vad.getLastVoiceProbability();
        if (framesSinceReset < UNANALYSED_FRAMES) {
            framesSinceReset++;
            return 0f;
        }
        float p = raw < threshold ? 0.5f * raw / threshold : 0.5f + 0.5f * (raw - threshold) / (1f - threshold);
        p = Math.min(1f, Math.max(0f, p));
        if (p >= 0.5f) {
            holdLeft = holdOverFrames;
            return p;
        }
        if (holdLeft > 0) {
            holdLeft--;
            return 0.5f;
        }
        return p;
    }

    @Override
    public void reset() {
        if (closed) {
            throw new IllegalStateException("this WebRTC VAD is closed");
        }
        // The native detector has no reset: a new one forgets everything.
        VoiceActivityDetector fresh = new VoiceActivityDetector();
        vad.dispose();
        vad = fresh;
        framesSinceReset = 0;
        holdLeft = 0;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        vad.dispose();
    }
}
