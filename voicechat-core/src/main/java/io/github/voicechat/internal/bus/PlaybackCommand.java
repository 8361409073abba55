package io.github.voicechat.internal.bus;

/**
 * Commands on the control lane, read by the playout before every frame so they never wait behind queued audio.
 * Each travels with a {@code long} argument whose meaning the sender and the playout agree on (for example the
 * sample position at which a barge-in was detected); 0 when unused.
 */
public enum PlaybackCommand {
    /** Hold queued audio; the playout emits silence (or nothing) until {@link #RESUME}. */
    PAUSE,
    /** Continue after {@link #PAUSE}. */
    RESUME,
    /** End the current playback: queued audio is discarded and the playout stops its utterance. */
    STOP,
    /** Discard queued audio (barge-in); playback continues with whatever is offered next. */
    FLUSH
}
