package io.github.voicechat.models.internal;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongUnaryOperator;

/**
 * Exponential backoff with "equal jitter": before attempt {@code n + 1} wait half of {@code initial * 2^(n-1)}
 * (capped at {@code max}) plus a random part of up to the other half. The fixed half keeps the growth visible;
 * the random half keeps many clients that failed together from retrying together. A server's {@code Retry-After}
 * is honoured up to {@code max}.
 */
public final class Backoff {
    private final Duration initial;
    private final Duration max;
    private final LongUnaryOperator random;

    /** @param random returns a uniform value in {@code [0, bound]} for a bound {@code >= 0} */
    public Backoff(Duration initial, Duration max, LongUnaryOperator random) {
        this.initial = Objects.requireNonNull(initial);
        this.max = Objects.requireNonNull(max);
        this.random = Objects.requireNonNull(random);
    }

    /** How long to wait after the {@code failedAttempt}-th failure (1-based). */
    public Duration delay(int failedAttempt, Duration retryAfter) {
        long cap = max.toNanos();
        long exp = initial.toNanos();
        for (int i = 1; i < failedAttempt && exp < cap; i++) {
            exp = exp > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : exp * 2;
        }
        exp = Math.min(exp, cap);
        long half = exp / 2;
        long nanos = half + random.applyAsLong(exp - half);
        if (retryAfter != null) {
            nanos = Math.max(nanos, Math.min(retryAfter.toNanos(), cap));
        }
        return Duration.ofNanos(nanos);
    }
}
