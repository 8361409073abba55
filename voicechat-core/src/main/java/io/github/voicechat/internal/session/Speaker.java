package io.github.voicechat.internal.session;

/**
 * The speaker's side of holding and stopping the output (the playout stage's): on a sound device what is queued
 * there is cut at once, so the listener hears the pause now rather than a device queue later. The
 * {@link Conversation} decides when; this only does it to the device. Session thread only.
 */
interface Speaker {
    /** Nothing to cut: sinks without a queue of their own. */
    Speaker NONE = new Speaker() {
        @Override
        public void hold() {
        }

        @Override
        public void release() {
        }

        @Override
        public void stop() {
        }
    };

    /** Output is held: cut the device's queue, keep it, and take it off the response's played samples. */
    void hold();

    /** Held output plays on: what {@link #hold} cut plays first. */
    void release();

    /** The response is gone: cut the device's queue and forget it. */
    void stop();
}
