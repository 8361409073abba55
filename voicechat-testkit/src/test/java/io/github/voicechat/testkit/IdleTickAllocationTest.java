package io.github.voicechat.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.voicechat.SessionEvent;
import io.github.voicechat.SessionState;
import io.github.voicechat.VoicePipeline;
import io.github.voicechat.VoiceSession;
import io.github.voicechat.audio.AudioSinks;
import io.github.voicechat.audio.AudioSources;
import io.github.voicechat.time.VirtualClock;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A session that listens to silence allocates nothing per tick, on the virtual clock as well (where the lockstep gate
 * runs every tick). Measured on the session's own thread with the JVM's per-thread allocation counter, between the
 * last turn's completion and the session's end, once with 2.5 s and once with 22.5 s of silence after the answer:
 * the difference is the cost of 1000 idle ticks. {@code PipelineBenchmark}'s {@code extraSilenceS} gives the same
 * figure with JMH's {@code -prof gc} (benchmarks/PIPELINE.md); this keeps it from regressing (a lambda built in the
 * tick and a {@code CopyOnWriteArrayList} iterator once cost 31 B a tick in JMH, 81 B here).
 */
class IdleTickAllocationTest {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** Bytes the session's thread allocated from the completion of its one turn to its end. */
    private static long allocatedAfterTheTurn(int silenceAfterMs) throws InterruptedException {
        Scenario user = Scenario.at(16_000).silence(500).speech("u1", 1000).silence(silenceAfterMs);
        AtomicLong atTurnEnd = new AtomicLong(-1);
        AtomicLong atEnd = new AtomicLong(-1);
        AtomicLong turnThread = new AtomicLong(-1);
        AtomicLong endThread = new AtomicLong(-2);
        VoicePipeline pipeline = VoicePipeline.builder().vad(EnergyVad::new)
                .asr(() -> ScriptedRecognizer.of("one")).tts(SineSynthesizer::new)
                .responder(ScriptedResponder.of("Reply one.")).clock(new VirtualClock())
                .listener(e -> {
                    // The listener runs on the session's thread, inside its tick.
                    if (e instanceof SessionEvent.TurnCompleted) {
                        turnThread.set(Thread.currentThread().getId());
                        atTurnEnd.set(THREADS.getCurrentThreadAllocatedBytes());
                    } else if (e instanceof SessionEvent.StateChanged s && s.to() == SessionState.TERMINATED) {
                        endThread.set(Thread.currentThread().getId());
                        atEnd.set(THREADS.getCurrentThreadAllocatedBytes());
                    }
                }).build();
        try (VoiceSession session = pipeline.openSession(AudioSources.memory(user.sampleRateHz(), user.samples()),
                AudioSinks.discard(48_000))) {
            session.start();
            assertThat(session.awaitTermination(Duration.ofSeconds(60))).isTrue();
            assertThat(session.report().turnCount()).isEqualTo(1);
        }
        assertThat(atTurnEnd.get()).as("the turn completed").isNotNegative();
        assertThat(endThread.get()).as("the end is reported on the thread that completed the turn")
                .isEqualTo(turnThread.get());
        return atEnd.get() - atTurnEnd.get();
    }

    @Test
    void aThousandIdleTicksAllocateNothing() throws Exception {
        Assumptions.assumeTrue(THREADS.isThreadAllocatedMemorySupported(),
                "skipped: this JVM does not report per-thread allocation");
        long shortRun = 0;
        long longRun = 0;
        for (int round = 0; round < 3; round++) { // rounds 0-1 warm up (class initialisation, JIT); round 2 counts
            shortRun = allocatedAfterTheTurn(2_500);
            longRun = allocatedAfterTheTurn(22_500);
        }
        // The same end-of-session work in both; 1000 more ticks of silence in the long one. Anything built on every
        // tick costs at least 16 bytes a tick (the smallest object), 16,000 here; under 8 a tick leaves room for
        // nothing per tick, and room for the odd object that a loaded machine causes now and then (about 1 KB in
        // all, seen once in a few runs at load 3.6).
        assertThat(longRun - shortRun).as("bytes allocated by 1000 idle ticks (%d after the short run's turn, %d after"
                + " the long one's)", shortRun, longRun).isLessThan(8_000);
    }
}
