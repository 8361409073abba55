package io.github.voicechat;

/**
 * What happens when the user speaks over the bot.
 *
 * <p>The first speech frame while the bot is speaking <em>pauses</em> output at the next frame boundary, with no
 * debounce: a false alarm only costs a resume. Speech that accumulates {@code confirmMs} (or recogniser words, if the
 * engine gives partials and {@code confirmOnPartialWords}) confirms the barge-in: synthesis and the responder are
 * cancelled, queued audio is flushed and only the text actually played is kept. If the sound stops first (a gap of
 * {@code releaseMs}) output resumes from the exact sample where it paused.
 */
public final class BargeInPolicy {

    private final boolean enabled;
    private final int confirmMs;
    private final int releaseMs;
    private final boolean confirmOnPartialWords;

    private BargeInPolicy(Builder b) {
        this.enabled = b.enabled;
        this.confirmMs = b.confirmMs;
        this.releaseMs = b.releaseMs;
        this.confirmOnPartialWords = b.confirmOnPartialWords;
    }

    public static BargeInPolicy defaults() {
        return builder().build();
    }

    /** Half duplex: the user cannot interrupt. */
    public static BargeInPolicy disabled() {
        return builder().enabled(false).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public boolean enabled() {
        return enabled;
    }

    public int confirmMs() {
        return confirmMs;
    }

    public int releaseMs() {
        return releaseMs;
    }

    public boolean confirmOnPartialWords() {
        return confirmOnPartialWords;
    }

    @Override
    public String toString() {
        return "BargeInPolicy[enabled=" + enabled + ", confirmMs=" + confirmMs + ", releaseMs=" + releaseMs
                + ", confirmOnPartialWords=" + confirmOnPartialWords + "]";
    }

    public static final class Builder {
        private boolean enabled = true;
        private int confirmMs = 200;
        private int releaseMs = 100;
        private boolean confirmOnPartialWords = true;

        private Builder() {
        }

        public Builder enabled(boolean enabled) {
            this.enabled = enabled;
            return this;
        }

        public Builder confirmMs(int ms) {
            this.confirmMs = TurnPolicy.requireRange("confirmMs", ms, 10, 5_000);
            return this;
        }

        public Builder releaseMs(int ms) {
            this.releaseMs = TurnPolicy.requireRange("releaseMs", ms, 10, 5_000);
            return this;
        }

        public Builder confirmOnPartialWords(boolean on) {
            this.confirmOnPartialWords = on;
            return this;
        }

        public BargeInPolicy build() {
            return new BargeInPolicy(this);
        }
    }
}
