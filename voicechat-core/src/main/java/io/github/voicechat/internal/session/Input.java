package io.github.voicechat.internal.session;

/** What can happen to a conversation: the inputs of its table ({@link Conversation}). */
enum Input {
    /** The detector found the start of a user turn. */
    SPEECH_STARTED,
    /** The detector found its end. */
    SPEECH_ENDED,
    /** The user paused long enough for a speculative response, not yet long enough to end the turn. */
    SPEECH_PAUSED,
    /** The user went on after such a pause. */
    SPEECH_RESUMED,
    /** Possible speech over the bot. */
    SPEECH_OVER_BOT,
    /** The sound over the bot stopped before it was confirmed. */
    NOISE_ENDED,
    /** Speech (or recognised words) over the bot confirmed: the user takes the turn. */
    BARGE_IN_CONFIRMED,
    /** The transcript of the turn being answered came back with words. */
    TRANSCRIPT,
    /** It came back empty (or the recogniser failed). */
    NOTHING_HEARD,
    /** The first frame of the response was played. */
    FIRST_AUDIO_PLAYED,
    /** The response has been produced and played to its end. */
    RESPONSE_PLAYED,
    /** The responder or synthesizer made no progress for the engine timeout, or its worker died. */
    RESPONSE_STALLED,
    /**
     * A turn typed rather than spoken ({@code VoiceSession.submitText}): answered from LISTENING; from a phase
     * with a pending or playing answer it first returns to LISTENING (stopping that answer as a confirmed
     * barge-in would) and is answered from there; refused while the user is speaking.
     */
    TEXT_TYPED
}
