package io.github.voicechat.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** When a socket closes, its session and all its threads end: 100 connect/disconnect cycles leave no thread behind. */
class ThreadBaselineTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void threadCountReturnsToBaselineAfter100Cycles() throws Exception {
        // Sessions close on the bridge's housekeeping thread after their sockets; on a busy machine a fast client
        // outruns that, so the cap is set above the cycle count: this test is about threads, not the cap.
        try (TestEdge edge = TestEdge.scripted(b -> b.maxSessions(200), "hi")) {
            // Warm up: the server's I/O threads and the client's pool start lazily on the first connections.
            for (int i = 0; i < 8; i++) {
                cycle(edge, i);
            }
            assertThat(edge.bridge.awaitNoSessions(WAIT)).isTrue();
            Map<String, Integer> baseline = threadsByName();
            int baselineCount = ManagementFactory.getThreadMXBean().getThreadCount();

            for (int i = 0; i < 100; i++) {
                cycle(edge, i);
            }
            assertThat(edge.bridge.awaitNoSessions(WAIT)).isTrue();
            // Session threads have been joined by now; the JDK client's internal threads may still be unwinding a
            // closed socket for a moment, so wait (bounded) for the count to come back down.
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (ManagementFactory.getThreadMXBean().getThreadCount() > baselineCount
                    && System.nanoTime() < deadline) {
                Thread.onSpinWait();
                Thread.yield();
            }
            // No kind of thread more than at the baseline (a JDK timer left by an earlier test may have ended).
            Map<String, Integer> after = threadsByName();
            after.forEach((name, count) -> assertThat(count)
                    .as("threads named %s after 100 cycles (baseline %s, now %s)", name, baseline, after)
                    .isLessThanOrEqualTo(baseline.getOrDefault(name, 0)));
            assertThat(ManagementFactory.getThreadMXBean().getThreadCount()).isLessThanOrEqualTo(baselineCount);
        }
    }

    /** Connects, opens a session (engines, session threads), streams a little, and drops the socket. */
    private static void cycle(TestEdge edge, int i) throws Exception {
        WsTestClient client = edge.connect();
        client.hello(48_000);
        client.awaitType("ready", WAIT);
        client.await(r -> r.type().equals("state") && r.json().get("to").asText().equals("LISTENING"), WAIT);
        client.sendBinary(new byte[640 * 2]);
        // The session really runs while connected: ticked by a shared tick loop (a network session is paced by the
        // clock, so it has no tick thread of its own), with its own recogniser and responder threads. LISTENING is
        // told only once the loop has taken the session, so they are all there now.
        Map<String, Integer> running = threadsByName();
        assertThat(running).containsKeys("voicechat-tick-#", "voicechat-session-#-asr", "voicechat-session-#-respond");
        assertThat(running).doesNotContainKey("voicechat-session-#");
        if (i % 2 == 0) {
            client.close(); // a polite close
        } else {
            client.socket().abort(); // the client vanishes
        }
    }

    /** Live threads grouped by name with digits removed (voicechat-session-12 and -13 are the same kind). */
    private static Map<String, Integer> threadsByName() {
        Map<String, Integer> byName = new TreeMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive()) {
                byName.merge(t.getName().replaceAll("\\d+", "#"), 1, Integer::sum);
            }
        }
        return byName;
    }
}
