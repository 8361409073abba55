package io.github.voicechat;

/**
 * One entry of the conversation history.
 *
 * @param role who spoke
 * @param text what the user said, or for the assistant what was played (not what was planned)
 */
public record ConversationTurn(Role role, String text) {
    /** Who spoke. */
    public enum Role {
        /** The person talking to the application. */
        USER,
        /** The application, through its {@link Responder}. */
        ASSISTANT
    }
}
