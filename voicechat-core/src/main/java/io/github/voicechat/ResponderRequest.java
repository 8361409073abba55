package io.github.voicechat;

import java.util.List;

/**
 * One user turn for the {@link Responder}.
 *
 * @param transcript what the user said
 * @param history    earlier turns; assistant turns hold only the text that was actually played
 */
public record ResponderRequest(String transcript, List<ConversationTurn> history) {
    /**
     * Copies the history.
     *
     * @param transcript what the user said
     * @param history    earlier turns; assistant turns hold only the text that was actually played
     */
    public ResponderRequest {
        history = List.copyOf(history);
    }
}
