package io.github.voicechat.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.voicechat.Responder;
import io.github.voicechat.SessionEvent;
import io.github.voicechat.SessionReport;
import io.github.voicechat.VoicePipeline;
import io.github.voicechat.VoiceSession;
import io.github.voicechat.audio.AudioSinks;
import io.github.voicechat.audio.AudioSources;
import io.github.voicechat.testkit.EnergyVad;
import io.github.voicechat.testkit.Scenario;
import io.github.voicechat.testkit.ScriptedRecognizer;
import io.github.voicechat.testkit.SineSynthesizer;
import io.github.voicechat.time.VirtualClock;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * One conversation on the virtual clock, every meter checked against what happened, exactly. The user asks (0.5-1.5
 * s); the answer (2 s of sine, ten words) starts at 2.0 s; a 60 ms cough at 2.4 s pauses it (a false alarm) and it
 * resumes. The user asks again (5.0-6.0 s), the answer starts at 6.5 s and the user interrupts it at 6.9 s (a
 * confirmed barge-in); the responder fails on that third turn.
 */
class VoicechatMetricsTest {

    private static final String LONG_ANSWER = "One two three four five six seven eight nine ten.";
    private static final Tags ENGINES = Tags.of("vad", "energy", "asr", "scripted", "tts", "sine");

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<SessionEvent> events = new CopyOnWriteArrayList<>();

    @Test
    void aVirtualClockConversationGivesExactCountsAndLatencies() throws Exception {
        VoicechatMetrics metrics = VoicechatMetrics.builder(registry)
                .engine("vad", "energy").engine("asr", "scripted").engine("tts", "sine").build();
        AtomicInteger calls = new AtomicInteger();
        Responder responder = (request, reply) -> {
            int call = calls.incrementAndGet();
            if (call == 3) {
                throw new IllegalStateException("the model is down");
            }
            if (call == 2) {
                reply.firstToken(); // as a model-backed responder reports it
            }
            reply.text(LONG_ANSWER);
        };
        // Sampled on the session's thread, when they are exact: the first frame of the first answer was just queued.
        double[] activeAtFirstQueued = {Double.NaN};
        double[] queuedAtFirstQueued = {Double.NaN};
        VoicePipeline pipeline = VoicePipeline.builder()
                .vad(EnergyVad::new)
                .asr(() -> ScriptedRecognizer.of("count to ten", "again please", "stop"))
                .tts(metrics.timeSynthesizer(SineSynthesizer::new))
                .responder(responder)
                .clock(new VirtualClock())
                .listener(metrics)
                .listener(events::add)
                .listener(e -> {
                    if (e instanceof SessionEvent.FirstAudioQueued q && q.turn() == 1) {
                        activeAtFirstQueued[0] = gauge("voicechat.sessions.active");
                        queuedAtFirstQueued[0] = gauge("voicechat.output.queued");
                    }
                })
                .build();
        Scenario user = Scenario.at(16_000).silence(500).speech("ask", 1000).silence(900).speech("cough", 60)
                .silence(2540).speech("again", 1000).silence(900).speech("stop", 1000).silence(2000);

        SessionReport report;
        try (VoiceSession session = pipeline.openSession(
                AudioSources.memory(user.sampleRateHz(), user.samples()), AudioSinks.memory(48_000))) {
            session.start();
            assertThat(session.awaitTermination(Duration.ofSeconds(60))).isTrue();
            report = session.report();
        }

        // What happened, from the report and the events: the meters must say the same.
        assertThat(report.turns()).hasSize(3);
        assertThat(report.falseAlarms()).isEqualTo(1);
        assertThat(report.bargeIns()).isEqualTo(1);
        assertThat(count(SessionEvent.EngineError.class)).isEqualTo(1);
        assertThat(only(SessionEvent.EngineError.class).engine()).isEqualTo("response for turn 3");

        assertThat(counter("voicechat.turns")).isEqualTo(3);
        assertThat(counter("voicechat.bargeins")).isEqualTo(1);
        assertThat(counter("voicechat.bargein.false.alarms")).isEqualTo(1);
        assertThat(counter("voicechat.playout.underruns")).isEqualTo(0); // counted on the real clock only
        assertThat(counter("voicechat.sessions.started")).isEqualTo(1);
        assertThat(counter("voicechat.sessions.ended")).isEqualTo(1);
        assertThat(registry.get("voicechat.engine.errors").tags(ENGINES).tag("engine", "responder").counter().count())
                .isEqualTo(1);
        assertThat(registry.find("voicechat.frames.dropped").counters()).isEmpty();

        // Both answers played their first frame exactly 500 ms after the user stopped (1.5 -> 2.0 s, 6.0 -> 6.5 s).
        Timer firstAudio = timer("voicechat.first.audio");
        assertThat(firstAudio.count()).isEqualTo(2);
        assertThat(firstAudio.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(1000.0);
        assertThat(firstAudio.max(TimeUnit.MILLISECONDS)).isEqualTo(500.0);
        // The cough and the interruption each silenced the output at the next 20 ms frame.
        Timer bargeIn = timer("voicechat.bargein.latency");
        assertThat(bargeIn.count()).isEqualTo(2);
        assertThat(bargeIn.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(40.0);
        assertThat(count(SessionEvent.BargeInPaused.class)).isEqualTo(2);

        // Real-time factors: one per transcript and one per finished synthesis, the values the events carried.
        assertThat(registry.get("voicechat.asr.rtf").tags(ENGINES).summary().count())
                .isEqualTo(count(SessionEvent.TranscriptReady.class)).isEqualTo(3);
        double asrRtfSum = events.stream().filter(SessionEvent.TranscriptReady.class::isInstance)
                .mapToDouble(e -> ((SessionEvent.TranscriptReady) e).realTimeFactor()).sum();
        // The same values summed in another order: equal to the last bits of a double.
        assertThat(registry.get("voicechat.asr.rtf").tags(ENGINES).summary().totalAmount())
                .isCloseTo(asrRtfSum, org.assertj.core.data.Offset.offset(Math.ulp(asrRtfSum) * 4));
        assertThat(registry.get("voicechat.tts.rtf").tags(ENGINES).summary().count())
                .isEqualTo(count(SessionEvent.SynthesisFinished.class));

        // TTS first frame: one per synthesis call that produced audio, both answers' single sentence.
        assertThat(timer("voicechat.tts.first.frame").count()).isEqualTo(2);
        // The model's first token: only the second turn reported one; the first clause: both answered turns.
        assertThat(timer("voicechat.llm.first.token").count()).isEqualTo(1);
        assertThat(timer("voicechat.llm.first.token").totalTime(TimeUnit.NANOSECONDS))
                .isEqualTo(Math.round(report.turns().get(1).modelFirstTokenMs() * 1e6));
        assertThat(timer("voicechat.llm.first.clause").count()).isEqualTo(2);

        // Gauges: one session active, with audio queued, while it ran; none and nothing after it ended.
        assertThat(activeAtFirstQueued[0]).isEqualTo(1.0);
        assertThat(queuedAtFirstQueued[0]).isGreaterThanOrEqualTo(1.0);
        assertThat(gauge("voicechat.sessions.active")).isEqualTo(0.0);
        assertThat(gauge("voicechat.output.queued")).isEqualTo(0.0);

        // Nothing but engine ids (and the two fixed tags) on any meter: no transcript, no session name.
        for (Meter m : registry.getMeters()) {
            assertThat(m.getId().getTags()).allSatisfy(t -> assertThat(t.getKey())
                    .isIn("vad", "asr", "tts", "engine", "consumer"));
        }
        assertThat(registry.getMeters()).allSatisfy(m -> assertThat(m.getId().getTags())
                .noneMatch(t -> t.getValue().contains("count to ten") || t.getValue().contains("session")));
    }

    @Test
    void sessionsThatNeverStartOrFailToOpenAreNotActive() throws Exception {
        VoicechatMetrics metrics = VoicechatMetrics.builder(registry).build();
        VoicePipeline pipeline = VoicePipeline.builder()
                .vad(EnergyVad::new)
                .asr(() -> {
                    throw new IllegalStateException("no recogniser today");
                })
                .tts(SineSynthesizer::new)
                .responder((request, reply) -> reply.text("hi"))
                .clock(new VirtualClock())
                .listener(metrics)
                .build();
        VoiceSession neverStarted = pipeline.openSession(AudioSources.memory(16_000, new float[16_000]),
                AudioSinks.memory(48_000));
        neverStarted.close();
        try (VoiceSession failing = pipeline.openSession(AudioSources.memory(16_000, new float[16_000]),
                AudioSinks.memory(48_000))) {
            failing.start();
            assertThat(failing.awaitTermination(Duration.ofSeconds(30))).isTrue();
        }
        assertThat(registry.get("voicechat.sessions.started").counter().count()).isZero();
        assertThat(registry.get("voicechat.sessions.ended").counter().count()).isZero();
        assertThat(registry.get("voicechat.sessions.active").gauge().value()).isZero();
        assertThat(registry.get("voicechat.engine.errors").tag("engine", "session").counter().count()).isEqualTo(1);
    }

    @Test
    void engineTagsAreCheckedSoNothingFreeFormBecomesATag() {
        VoicechatMetrics.Builder b = VoicechatMetrics.builder(registry);
        assertThatThrownBy(() -> b.engine("user", "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("role must be one of [aec, asr, responder, tts, vad], was user");
        assertThatThrownBy(() -> b.engine("asr", "what the user said")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("engine id for asr must be 1-64 letters");
        b.engine("asr", "sphinx");
        assertThatThrownBy(() -> b.engine("asr", "whisper-base.en")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the asr engine is already sphinx");
    }

    @Test
    void engineErrorsAreTaggedWithTheirRoleOnlyNeverATurnNumberOrFreeText() {
        VoicechatMetrics metrics = VoicechatMetrics.builder(registry).build();
        metrics.onEvent(new SessionEvent.EngineError("asr", "boom", 20));
        metrics.onEvent(new SessionEvent.EngineError("a name with spaces: and more", "boom", 40));
        metrics.onEvent(new SessionEvent.EngineError("response for turn 7", "boom", 40));
        metrics.onEvent(new SessionEvent.EngineError("response for turn 8", "boom", 40));
        metrics.onEvent(new SessionEvent.FramesDropped("asr", 7, 60));
        metrics.onEvent(new SessionEvent.FramesDropped("asr", 5, 80));
        assertThat(registry.get("voicechat.engine.errors").tag("engine", "asr").counter().count()).isEqualTo(1);
        assertThat(registry.get("voicechat.engine.errors").tag("engine", "other").counter().count()).isEqualTo(1);
        assertThat(registry.get("voicechat.engine.errors").tag("engine", "responder").counter().count()).isEqualTo(2);
        assertThat(registry.find("voicechat.engine.errors").counters()).hasSize(3);
        assertThat(registry.get("voicechat.frames.dropped").tag("consumer", "asr").counter().count()).isEqualTo(12);
    }

    private double counter(String name) {
        return registry.get(name).tags(ENGINES).counter().count();
    }

    private Timer timer(String name) {
        return registry.get(name).tags(ENGINES).timer();
    }

    private double gauge(String name) {
        return registry.get(name).tags(ENGINES).gauge().value();
    }

    private long count(Class<? extends SessionEvent> type) {
        return events.stream().filter(type::isInstance).count();
    }

    private <T extends SessionEvent> T only(Class<T> type) {
        List<T> found = events.stream().filter(type::isInstance).map(type::cast).toList();
        assertThat(found).hasSize(1);
        return found.get(0);
    }
}
