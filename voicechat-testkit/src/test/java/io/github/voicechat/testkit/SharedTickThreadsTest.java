package io.github.voicechat.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.voicechat.SessionEvent;
import io.github.voicechat.SessionReport;
import io.github.voicechat.SessionState;
import io.github.voicechat.VoicePipeline;
import io.github.voicechat.VoiceSession;
import io.github.voicechat.audio.AudioSinks;
import io.github.voicechat.audio.AudioSources;
import io.github.voicechat.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * On the real clock, sessions fed at the clock's pace share a few tick threads (one per core), each session ticked by
 * exactly one of them from its first tick to its last, and the threads go away with the last session.
 */
class SharedTickThreadsTest {

    private static Set<String> voicechatThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("voicechat-")).collect(Collectors.toSet());
    }

    @Test
    void manySessionsShareTheTickThreadsEachOwnedByOne() throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        int n = 2 * cores + 1;
        Set<String> before = voicechatThreads();
        Map<Integer, Set<String>> tickThreads = new ConcurrentHashMap<>();
        Map<Integer, String> listeningThreads = new ConcurrentHashMap<>();
        Scenario user = Scenario.at(16_000).silence(100).speech("u1", 400).silence(900);
        List<VoiceSession> sessions = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int id = i;
            tickThreads.put(id, ConcurrentHashMap.newKeySet());
            VoicePipeline pipeline = VoicePipeline.builder().clock(Clock.system()).vad(EnergyVad::new)
                    .asr(() -> ScriptedRecognizer.of("hi")).tts(SineSynthesizer::new)
                    .responder(ScriptedResponder.of("Hello there.")).listener(e -> {
                        // Everything from LISTENING to the last tick is told on the tick thread: a session is
                        // reported LISTENING only once the loop that ticks it has taken it. (TERMINATED, the last
                        // turn and the end are told by the thread that closes it.)
                        boolean closing = e instanceof SessionEvent.SessionEnded
                                || e instanceof SessionEvent.TurnCompleted
                                || e instanceof SessionEvent.StateChanged c && c.to() == SessionState.TERMINATED;
                        if (!closing) {
                            tickThreads.get(id).add(Thread.currentThread().getName());
                        }
                        if (e instanceof SessionEvent.StateChanged c && c.to() == SessionState.LISTENING
                                && c.from() == SessionState.IDLE) {
                            listeningThreads.put(id, Thread.currentThread().getName());
                        }
                    }).build();
            sessions.add(pipeline.openSession(AudioSources.memory(16_000, user.samples()),
                    AudioSinks.memory(48_000)));
        }
        sessions.forEach(VoiceSession::start);
        Set<String> used = new HashSet<>();
        for (int i = 0; i < n; i++) {
            VoiceSession s = sessions.get(i);
            assertThat(s.awaitTermination(Duration.ofSeconds(60))).isTrue();
            SessionReport r = s.report();
            assertThat(r.endReason()).isEqualTo("source ended");
            assertThat(r.turns()).singleElement().satisfies(t -> assertThat(t.playedText()).isEqualTo("Hello there."));
            assertThat(tickThreads.get(i)).as("threads that ticked session %d", i).hasSize(1)
                    .allMatch(t -> t.startsWith("voicechat-tick-"));
            assertThat(listeningThreads.get(i)).as("thread that told session %d's LISTENING", i)
                    .isEqualTo(tickThreads.get(i).iterator().next());
            used.addAll(tickThreads.get(i));
            s.close();
        }
        assertThat(used.size()).isBetween(1, cores);
        assertThat(voicechatThreads()).isEqualTo(before);
    }
}
