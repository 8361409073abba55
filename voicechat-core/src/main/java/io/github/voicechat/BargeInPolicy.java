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

    /** {@return the default policy: enabled, confirm after 200 ms of speech or a partial word, release after 100 ms} */
    public static BargeInPolicy defaults() {
        return builder().build();
    }

    /** {@return a half-duplex policy: the user cannot interrupt} */
    public static BargeInPolicy disabled() {
        return builder().enabled(false).build();
    }

    /** {@return a builder starting from the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return whether the user can interrupt at all} */
    public boolean enabled() {
        return enabled;
    }

    /** {@return the speech, in milliseconds, that confirms a barge-in} */
    public int confirmMs() {
        return confirmMs;
    }

    /** {@return the gap in the user's sound, in milliseconds, after which paused output resumes} */
    public int releaseMs() {
        return releaseMs;
    }

    /** {@return whether a recogniser's partial words confirm a barge-in before {@link #confirmMs()}} */
    public boolean confirmOnPartialWords() {
        return confirmOnPartialWords;
    }

    @Override
    public String toString() {
        return "BargeInPolicy[enabled=" + enabled + ", confirmMs=" + confirmMs + ", releaseMs=" + releaseMs
                + ", confirmOnPartialWords=" + confirmOnPartialWords + "]";
    }

    /** Settings of a {@link BargeInPolicy}. */
    public static final class Builder {
        private boolean enabled = true;
        private int confirmMs = 200;
        private int releaseMs = 100;
        private boolean confirmOnPartialWords = true;

        private Builder() {
        }

        /**
         * Sets whether the user can interrupt at all; default true.
         *
         * @param enabled false for half duplex
         * @return this builder
         */
        public Builder enabled(boolean enabled) {
            this.enabled = enabled;
            return this;
        }

        /**
         * Sets the speech that confirms a barge-in; default 200 ms.
         *
         * @param ms 10 to 5000 milliseconds
         * @return this builder
         */
        public Builder confirmMs(int ms) {
            this.confirmMs = TurnPolicy.requireRange("confirmMs", ms, 10, 5_000);
            return this;
        }

        /**
         * Sets the gap in the user's sound after which paused output resumes; default 100 ms.
         *
         * @param ms 10 to 5000 milliseconds
         * @return this builder
         */
        public Builder releaseMs(int ms) {
            this.releaseMs = TurnPolicy.requireRange("releaseMs", ms, 10, 5_000);
            return this;
        }

        /**
         * Sets whether a recogniser's partial words confirm a barge-in early; default true.
         *
         * @param on whether they do
         * @return this builder
         */
        public Builder confirmOnPartialWords(boolean on) {
            this.confirmOnPartialWords = on;
            return this;
        }

        /** {@return the policy} */
        public BargeInPolicy build() {
            return new BargeInPolicy(this);
        }
    }
}
