package io.github.voicechat;

/**
 * Something that happened in a session, stamped with its audio time ({@code atMs}: milliseconds since the session
 * started, on the session's clock of 20 ms ticks). Latencies are differences of audio times, so on a virtual clock
 * they are exact.
 */
public sealed interface SessionEvent {

    /** {@return the audio time of the event in milliseconds since the session started} */
    double atMs();

    /** The session moved between states. */
    record StateChanged(SessionState from, SessionState to, double atMs) implements SessionEvent {
    }

    /** The user started speaking (at the first speech frame, found after {@code minSpeechMs}). */
    record UserSpeechStarted(int turn, double atMs) implements SessionEvent {
    }

    /** The user stopped speaking (at the start of the silence that ended the turn). */
    record UserSpeechEnded(int turn, double atMs) implements SessionEvent {
    }

    /** The recogniser's final transcript; {@code realTimeFactor} is its processing time over the audio length. */
    record TranscriptReady(int turn, String text, double realTimeFactor, double atMs) implements SessionEvent {
    }

    /** The first synthesised frame of a response was queued for playout. */
    record FirstAudioQueued(int turn, double atMs) implements SessionEvent {
    }

    /** Synthesis of a response ended; {@code realTimeFactor} is synthesizer time over the audio it produced. */
    record SynthesisFinished(int turn, double audioMs, double realTimeFactor, double atMs) implements SessionEvent {
    }

    /** The first frame of a response was played; {@code latencyMs} counts from the end of the user's speech. */
    record FirstAudioPlayed(int turn, double latencyMs, double atMs) implements SessionEvent {
    }

    /** Possible user speech over the bot: output paused. {@code latencyMs} is from the speech onset to silence. */
    record BargeInPaused(int turn, double onsetMs, double latencyMs, double atMs) implements SessionEvent {
    }

    /** The pause was a false alarm; output resumed at exactly {@code resumedAtSample} of the response. */
    record BargeInResumed(int turn, long resumedAtSample, double atMs) implements SessionEvent {
    }

    /** The barge-in was confirmed: the response was cancelled having played {@code playedText}. */
    record BargeInConfirmed(int turn, String playedText, double atMs) implements SessionEvent {
    }

    /** A turn (user speech and the response to it) is over. */
    record TurnCompleted(TurnReport report, double atMs) implements SessionEvent {
    }

    /** A consumer of the input bus lost frames. */
    record FramesDropped(String consumer, long frames, double atMs) implements SessionEvent {
    }

    /** An engine or the responder failed; the session carries on listening. */
    record EngineError(String engine, String message, double atMs) implements SessionEvent {
    }

    /**
     * A worker thread the session gave up on (its engine was stuck or ignored an interrupt) is still running: its
     * engine was replaced and the session goes on, but the thread is left behind.
     *
     * @param thread the thread's name
     * @param engine {@code asr}, {@code tts} or {@code responder}
     * @param atMs   the audio time it was given up on
     */
    record ThreadLeaked(String thread, String engine, double atMs) implements SessionEvent {
    }

    /**
     * The session ended.
     *
     * @param reason why (source ended, idle timeout, max duration, closed, failed: ...)
     * @param atMs   the audio time it ended
     * @param report its final report (underruns and dropped frames included), or null where the session could not
     *               give one
     */
    record SessionEnded(String reason, double atMs, SessionReport report) implements SessionEvent {
        /**
         * An end without a report.
         *
         * @param reason why
         * @param atMs   the audio time it ended
         */
        public SessionEnded(String reason, double atMs) {
            this(reason, atMs, null);
        }
    }
}
