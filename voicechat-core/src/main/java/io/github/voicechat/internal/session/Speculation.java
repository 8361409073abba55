package io.github.voicechat.internal.session;

import io.github.voicechat.internal.bus.OutputRing;
import java.util.Locale;

/**
 * The speculative response of the user turn in progress (phases USER_TURN and TRANSCRIBING): the responder and
 * synthesis start at a pause on the recogniser's words so far, and their audio waits in the output ring (nothing
 * plays in those phases). It is not the conversation's response until {@link #adopt adopted}, which it is only if
 * the final transcript is what it answered; every other way out of those phases {@link #discard discards} it
 * unheard. The {@link Conversation} decides when; this holds the one response and its text. Session thread only.
 */
final class Speculation {

    private final Workers workers;
    private final OutputRing ring;
    private final SessionLog log;
    private ResponseState response;
    private String text;

    Speculation(Workers workers, OutputRing ring, SessionLog log) {
        this.workers = workers;
        this.ring = ring;
        this.log = log;
    }

    /**
     * Starts a speculative response to {@code words} for {@code turn}; a recogniser without partial words gives
     * nothing to answer, so this then does nothing. One speculation at a time runs: one already answering the same
     * words (normalised as {@link #adopt} compares them) is kept; one answering other words (the recogniser caught
     * up during the pause) is discarded for the new one, which {@link #adopt} can still take.
     */
    void start(Turn turn, String words) {
        if (words.isBlank()) {
            return;
        }
        if (response != null) {
            if (normalized(text).equals(normalized(words))) {
                return;
            }
            discard();
        }
        response = new ResponseState(turn.number, ring.epoch());
        text = words;
        turn.speculativeStarts++;
        workers.respond(new ResponseWorker.Job(response, words, log.historyNow()));
    }

    /**
     * The speculative response if it answered exactly {@code transcript} (it then plays from its first sample, held
     * until now, and is no longer this one's), else null, leaving it to be discarded.
     */
    ResponseState adopt(String transcript) {
        if (response == null || transcript == null || !normalized(text).equals(normalized(transcript))) {
            return null;
        }
        ResponseState adopted = response;
        response = null;
        text = null;
        return adopted;
    }

    /**
     * Drops it unheard: the responder is cancelled and told it was discarded, its held audio is dropped from the
     * ring, and no turn is completed (so the history never sees it). Nothing happens if there is none.
     */
    void discard() {
        if (response == null) {
            return;
        }
        response.discard();
        ring.cancel();
        response = null;
        text = null;
    }

    private static String normalized(String text) {
        return text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}']+", " ").strip();
    }
}
