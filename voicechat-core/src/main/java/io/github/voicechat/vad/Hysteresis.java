package io.github.voicechat.vad;

/**
 * The one rule that turns a speech probability into speech or not, shared by the offline {@link SpeechSegmenter}
 * and the live turn detector: a Schmitt trigger. A frame at or above the activation threshold is speech; one below
 * the deactivation threshold is not; one in between is what the frame before it was. So a word whose probability
 * dips to 0.4 stays speech, and a silence (once below 0.35) is not ended by a murmur at 0.4. This is Silero's own
 * segmentation rule ({@code get_speech_timestamps}: {@code threshold}, {@code neg_threshold}).
 *
 * <p>Mutable, one instance per stream, used by one thread.
 */
public final class Hysteresis {

    private final float activation;
    private final float deactivation;
    private boolean speech;

    /**
     * @throws IllegalArgumentException unless {@code 0 < deactivation <= activation <= 1}
     */
    public Hysteresis(float activation, float deactivation) {
        if (!(activation > 0 && activation <= 1) || !(deactivation > 0 && deactivation <= activation)) {
            throw new IllegalArgumentException("thresholds must satisfy 0 < deactivation <= activation <= 1, were "
                    + activation + " / " + deactivation);
        }
        this.activation = activation;
        this.deactivation = deactivation;
    }

    /** Judges the next frame: whether it is speech, given its probability and the frames before it. */
    public boolean isSpeech(float probability) {
        speech = speech ? probability >= deactivation : probability >= activation;
        return speech;
    }

    /** Whether the last frame judged was speech. */
    public boolean isSpeech() {
        return speech;
    }

    /** Forgets the frames before: the next frame is speech only at the activation threshold. */
    public void reset() {
        speech = false;
    }

    public float activation() {
        return activation;
    }

    public float deactivation() {
        return deactivation;
    }
}
