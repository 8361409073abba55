package io.github.voicechat.web.internal;

import java.util.function.LongSupplier;

/**
 * A rate cap over the whole connection: {@code burst} tokens at the start plus {@code ratePerSecond} for every second
 * since, less what was taken. Unlike a bucket that caps its savings, a stall of any length followed by a catch-up
 * burst never trips it (the client sent no more than real time allows overall), while a sustained flood does. What an
 * idle client can save is bounded by the idle timeout. Time comes from a nanosecond clock passed in.
 */
public final class TokenBucket {

    private final double ratePerNano;
    private final LongSupplier nanoClock;
    private double tokens;
    private long lastNanos;

    public TokenBucket(double ratePerSecond, double burst, LongSupplier nanoClock) {
        if (ratePerSecond <= 0 || burst < 1) {
            throw new IllegalArgumentException("rate must be positive and burst at least 1, was " + ratePerSecond
                    + "/s, burst " + burst);
        }
        this.ratePerNano = ratePerSecond / 1e9;
        this.nanoClock = nanoClock;
        this.tokens = burst;
        this.lastNanos = nanoClock.getAsLong();
    }

    /** Takes {@code n} tokens if there are enough; false (and nothing taken) otherwise. */
    public synchronized boolean tryTake(double n) {
        long now = nanoClock.getAsLong();
        tokens += (now - lastNanos) * ratePerNano;
        lastNanos = now;
        if (tokens < n) {
            return false;
        }
        tokens -= n;
        return true;
    }
}
