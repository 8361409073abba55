package io.github.voicechat.models;

/** Lifecycle state of a model in the {@link ModelManager}. */
public enum ModelState {
    /** Being loaded or warmed up. */
    LOADING,
    /** Loaded, warmed up, ready to hand out. */
    READY
}
