package io.github.voicechat.models;

import java.time.Duration;

/**
 * One row of {@link ModelManager#list()}.
 *
 * @param id            the model
 * @param state         loading or ready
 * @param refCount      open handles
 * @param lastUsedNanos {@link io.github.voicechat.time.Clock#nanoTime()} of the last acquire or release
 * @param idle          time since last use (zero while in use)
 * @param sizeBytes     the loader's resident-size estimate (0 while loading)
 * @param loadTime      load plus warm-up time (zero while loading)
 */
public record ModelInfo(String id, ModelState state, int refCount, long lastUsedNanos, Duration idle,
                        long sizeBytes, Duration loadTime) {
}
