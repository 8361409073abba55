package io.github.voicechat.web.rtc.internal;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the native objects the edge holds, by kind: each creation is matched by a disposal, so after a peer is torn
 * down its kinds are back where they were, and after the edge closes every count is zero. Tests read it; so can a
 * host's health check.
 */
public final class NativeLedger {

    private final Map<String, AtomicInteger> live = new ConcurrentHashMap<>();

    public void opened(String kind) {
        live.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
    }

    public void closed(String kind) {
        int left = live.computeIfAbsent(kind, k -> new AtomicInteger()).decrementAndGet();
        if (left < 0) {
            throw new IllegalStateException(kind + " disposed more often than created");
        }
    }

    /** Live objects by kind (kinds at zero included). */
    public Map<String, Integer> snapshot() {
        Map<String, Integer> m = new TreeMap<>();
        live.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    public int total() {
        return live.values().stream().mapToInt(AtomicInteger::get).sum();
    }
}
