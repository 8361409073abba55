package io.github.voicechat;

/** One entry of the conversation history. For the assistant, {@code text} is what was played, not what was planned. */
public record ConversationTurn(Role role, String text) {
    public enum Role { USER, ASSISTANT }
}
