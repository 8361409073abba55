package io.github.voicechat.web.internal;

import java.util.function.LongSupplier;

/**
 * A rate cap: {@code ratePerSecond} tokens a second, at most {@code burst} saved up. Time comes from a nanosecond
 * clock passed in, so tests drive it exactly.
 */
public final class TokenBucket {

    private final double ratePerNano;
    private final double burst;
    private final LongSupplier nanoClock;
    private double tokens;
    private long lastNanos;

    public TokenBucket(double ratePerSecond, double burst, LongSupplier nanoClock) {
        if (ratePerSecond <= 0 || burst < 1) {
            throw new IllegalArgumentException("rate must be positive and burst at least 1, was " + ratePerSecond
                    + "/s, burst " + burst);
        }
        this.ratePerNano = ratePerSecond / 1e9;
        this.burst = burst;
        this.nanoClock = nanoClock;
        this.tokens = burst;
        this.lastNanos = nanoClock.getAsLong();
    }

    /** Takes {@code n} tokens if there are enough; false (and nothing taken) otherwise. */
    public synchronized boolean tryTake(double n) {
        long now = nanoClock.getAsLong();
        tokens = Math.min(burst, tokens + (now - lastNanos) * ratePerNano);
        lastNanos = now;
        if (tokens < n) {
            return false;
        }
        tokens -= n;
        return true;
    }
}
