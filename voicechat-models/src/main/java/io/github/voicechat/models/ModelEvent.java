package io.github.voicechat.models;

import java.time.Duration;

/**
 * Something that happened to a model in the {@link ModelManager}.
 *
 * @param type      what
 * @param modelId   which model
 * @param sizeBytes resident size estimate (0 for failures)
 * @param loadTime  load plus warm-up time ({@link Type#LOADED}), else zero
 * @param reason    why it was evicted ({@code idle-ttl}, {@code lru-count}, {@code lru-bytes}, {@code manual},
 *                  {@code shutdown}), else empty
 * @param failure   the cause of a {@link Type#LOAD_FAILED} or a failed close, else null
 */
public record ModelEvent(Type type, String modelId, long sizeBytes, Duration loadTime, String reason,
                         Throwable failure) {
    /** What happened. */
    public enum Type {
        /** Loaded and warmed up. */
        LOADED,
        /** Closed and dropped from the manager. */
        EVICTED,
        /** The loader or the warm-up failed. */
        LOAD_FAILED
    }
}
