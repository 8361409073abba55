package io.github.voicechat.micrometer;

import io.github.voicechat.SessionEvent;
import io.github.voicechat.SessionListener;
import io.github.voicechat.SessionReport;
import io.github.voicechat.SessionState;
import io.github.voicechat.TurnReport;
import io.github.voicechat.VoiceSession;
import io.github.voicechat.spi.SpeechSynthesizer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Turns the events of every session of a pipeline into Micrometer meters. Give it to the pipeline as a listener:
 *
 * <pre>{@code
 * VoicechatMetrics metrics = VoicechatMetrics.builder(registry)
 *         .engine("vad", "silero").engine("asr", "sphinx").engine("tts", "freetts")
 *         .build();
 * EngineProvider<SpeechSynthesizer> tts = Engines.find(SpeechSynthesizer.class, "freetts");
 * VoicePipeline pipeline = VoicePipeline.builder()
 *         .vad("silero").asr("sphinx")
 *         .tts(metrics.timeSynthesizer(() -> tts.create(EngineOptions.EMPTY)))   // optional: TTS first frame
 *         .listener(metrics)                                                       // every other meter
 *         ...
 * }</pre>
 *
 * <p>One binder per pipeline: a second one in the same registry with the same engine tags would share its
 * counters and timers, but its gauges would not be registered (Micrometer keeps the first).
 *
 * <p>Every meter carries the engine ids given to the builder as tags ({@code vad}, {@code asr}, {@code tts},
 * {@code aec}, {@code responder}) and nothing else that varies per conversation: never a transcript, a session name
 * or a reason text. The meters (Prometheus names in parentheses):
 * <ul>
 * <li>timers: {@code voicechat.first.audio} (end of the user's speech to the first frame of the answer played),
 * {@code voicechat.bargein.latency} (onset of the interrupting speech to output silence),
 * {@code voicechat.tts.first.frame} (a synthesis call to its first audio, see {@link #timeSynthesizer}),
 * {@code voicechat.llm.first.token} and {@code voicechat.llm.first.clause} (end of the turn to the model's first
 * token and to the responder's first clause, for responders that report them);</li>
 * <li>distribution summaries: {@code voicechat.asr.rtf} and {@code voicechat.tts.rtf} (real-time factors);</li>
 * <li>counters: {@code voicechat.turns}, {@code voicechat.bargeins}, {@code voicechat.bargein.false.alarms},
 * {@code voicechat.playout.underruns} (frames, counted when a session ends), {@code voicechat.frames.dropped}
 * (tag {@code consumer}), {@code voicechat.engine.errors} (tag {@code engine}: vad, asr, tts, aec, echo,
 * responder, session, text or other),
 * {@code voicechat.sessions.started} and {@code voicechat.sessions.ended};</li>
 * <li>gauges: {@code voicechat.sessions.active} (started and not yet ended) and {@code voicechat.output.queued}
 * (the bot's audio queued for playout over all live sessions, in 20 ms frames).</li>
 * </ul>
 *
 * <p>Latencies are audio time from the events, so on a virtual clock they are exact; the model's and the
 * synthesizer's times are wall-clock times (a model takes real time even in a test). Listener methods run on the
 * session's thread and only update meters.
 */
public final class VoicechatMetrics implements SessionListener {

    /** Tag values stay within this shape, so that nothing free-form reaches a time series name. */
    private static final Pattern TAG_VALUE = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Set<String> ENGINE_ROLES = Set.of("vad", "asr", "tts", "aec", "responder");
    /** What an engine error may name: an engine role, the session itself, or a typed turn ({@code text}). */
    private static final Set<String> ERROR_SOURCES = Set.of("vad", "asr", "tts", "aec", "echo", "responder", "session",
            "text");

    private final MeterRegistry registry;
    private final Tags tags;
    private final Timer firstAudio;
    private final Timer bargeInLatency;
    private final Timer ttsFirstFrame;
    private final Timer llmFirstToken;
    private final Timer llmFirstClause;
    private final DistributionSummary asrRtf;
    private final DistributionSummary ttsRtf;
    private final Counter turns;
    private final Counter bargeIns;
    private final Counter falseAlarms;
    private final Counter underruns;
    private final Counter sessionsStarted;
    private final Counter sessionsEnded;
    private final Map<String, Counter> dropped = new ConcurrentHashMap<>();
    private final Map<String, Counter> errors = new ConcurrentHashMap<>();
    private final AtomicInteger active = new AtomicInteger();
    /** Live sessions, for the output-queue gauge; weak, so that a session never started is not held. */
    private final Set<VoiceSession> sessions = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    private VoicechatMetrics(Builder b) {
        this.registry = b.registry;
        this.tags = Tags.of(b.engineTags);
        this.firstAudio = latencyTimer("voicechat.first.audio",
                "End of the user's speech to the first frame of the answer played (audio time)");
        this.bargeInLatency = latencyTimer("voicechat.bargein.latency",
                "Onset of the user's interrupting speech to output silence (audio time)");
        this.ttsFirstFrame = latencyTimer("voicechat.tts.first.frame",
                "A synthesis call to its first audio (wall clock)");
        this.llmFirstToken = latencyTimer("voicechat.llm.first.token",
                "End of the user's turn to the model's first token (wall clock)");
        this.llmFirstClause = latencyTimer("voicechat.llm.first.clause",
                "End of the user's turn to the responder's first clause (wall clock)");
        this.asrRtf = DistributionSummary.builder("voicechat.asr.rtf").tags(tags)
                .description("Recogniser processing time over the utterance's audio time").register(registry);
        this.ttsRtf = DistributionSummary.builder("voicechat.tts.rtf").tags(tags)
                .description("Synthesizer time over the audio it produced").register(registry);
        this.turns = counter("voicechat.turns", "Completed turns (user speech and the answer to it)", null);
        this.bargeIns = counter("voicechat.bargeins", "Answers the user interrupted (confirmed barge-ins)", null);
        this.falseAlarms = counter("voicechat.bargein.false.alarms",
                "Pauses for possible speech over the bot that resumed: not speech", null);
        this.underruns = counter("voicechat.playout.underruns",
                "Output frames played as silence while an answer was expected (counted when a session ends)", "frames");
        this.sessionsStarted = counter("voicechat.sessions.started", "Sessions that started", null);
        this.sessionsEnded = counter("voicechat.sessions.ended", "Sessions that ended after starting", null);
        Gauge.builder("voicechat.sessions.active", active, AtomicInteger::get).tags(tags)
                .description("Sessions started and not yet ended").register(registry);
        Gauge.builder("voicechat.output.queued", this, VoicechatMetrics::queuedOutputFrames).tags(tags)
                .description("The bot's audio queued for playout over all live sessions").baseUnit("frames")
                .register(registry);
    }

    /**
     * Starts the meters of one pipeline in {@code registry}.
     *
     * @param registry where the meters go
     * @return a builder
     */
    public static Builder builder(MeterRegistry registry) {
        return new Builder(registry);
    }

    private Timer latencyTimer(String name, String description) {
        return Timer.builder(name).tags(tags).description(description)
                // A histogram for Prometheus' histogram_quantile, in buckets from 5 ms to 30 s only.
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(5))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
    }

    private Counter counter(String name, String description, String unit) {
        Counter.Builder b = Counter.builder(name).tags(tags).description(description);
        if (unit != null) {
            b.baseUnit(unit);
        }
        return b.register(registry);
    }

    @Override
    public void sessionOpened(VoiceSession session) {
        sessions.add(session);
    }

    @Override
    public void onEvent(SessionEvent event) {
        if (event instanceof SessionEvent.StateChanged e) {
            onStateChanged(e);
        } else if (event instanceof SessionEvent.FirstAudioPlayed e) {
            record(firstAudio, e.latencyMs());
        } else if (event instanceof SessionEvent.BargeInPaused e) {
            record(bargeInLatency, e.latencyMs());
        } else if (event instanceof SessionEvent.BargeInResumed) {
            falseAlarms.increment();
        } else if (event instanceof SessionEvent.BargeInConfirmed) {
            bargeIns.increment();
        } else if (event instanceof SessionEvent.TranscriptReady e) {
            record(asrRtf, e.realTimeFactor());
        } else if (event instanceof SessionEvent.SynthesisFinished e) {
            record(ttsRtf, e.realTimeFactor());
        } else if (event instanceof SessionEvent.TurnCompleted e) {
            onTurn(e.report());
        } else if (event instanceof SessionEvent.FramesDropped e) {
            taggedCounter(dropped, "voicechat.frames.dropped", "consumer", e.consumer(),
                    "Input frames a slow consumer lost").increment(e.frames());
        } else if (event instanceof SessionEvent.EngineError e) {
            taggedCounter(errors, "voicechat.engine.errors", "engine", engineRole(e.engine()),
                    "Failures of an engine or the responder (the session carried on)").increment();
        } else if (event instanceof SessionEvent.SessionEnded e) {
            SessionReport report = e.report();
            if (report != null) {
                underruns.increment(report.underrunFrames());
            }
        }
    }

    /** A session counts as active from IDLE → LISTENING until it moves to TERMINATED, never for a failed start. */
    private void onStateChanged(SessionEvent.StateChanged e) {
        if (e.from() == SessionState.IDLE && e.to() == SessionState.LISTENING) {
            active.incrementAndGet();
            sessionsStarted.increment();
        } else if (e.to() == SessionState.TERMINATED && e.from() != SessionState.IDLE) {
            active.decrementAndGet();
            sessionsEnded.increment();
        }
    }

    private void onTurn(TurnReport t) {
        turns.increment();
        record(llmFirstToken, t.modelFirstTokenMs());
        record(llmFirstClause, t.modelFirstClauseMs());
    }

    private static void record(Timer timer, double ms) {
        if (Double.isFinite(ms) && ms >= 0) {
            timer.record(Duration.ofNanos(Math.round(ms * 1_000_000)));
        }
    }

    private static void record(DistributionSummary summary, double value) {
        if (Double.isFinite(value) && value >= 0) {
            summary.record(value);
        }
    }

    /**
     * The role an engine error names, from a fixed set: the session names the failing part in words ("asr", "tts",
     * "response for turn 3", ...), and a turn number must never become a tag value.
     */
    static String engineRole(String engine) {
        if (engine == null) {
            return "other";
        }
        String first = engine.strip().toLowerCase(Locale.ROOT).split("[^a-z0-9]", 2)[0];
        if (first.equals("response") || first.equals("responder")) {
            return "responder";
        }
        return ERROR_SOURCES.contains(first) ? first : "other";
    }

    private Counter taggedCounter(Map<String, Counter> cache, String name, String tagKey, String value,
            String description) {
        String v = value != null && TAG_VALUE.matcher(value).matches() ? value.toLowerCase(Locale.ROOT) : "other";
        return cache.computeIfAbsent(v, k -> Counter.builder(name).tags(tags).tag(tagKey, k)
                .description(description).register(registry));
    }

    private double queuedOutputFrames() {
        List<VoiceSession> live;
        synchronized (sessions) {
            sessions.removeIf(s -> s.state() == SessionState.TERMINATED);
            live = new ArrayList<>(sessions);
        }
        long frames = 0;
        for (VoiceSession s : live) {
            frames += s.queuedOutputFrames();
        }
        return frames;
    }

    /**
     * Wraps a synthesizer factory so that every synthesis call records {@code voicechat.tts.first.frame}: the wall
     * time from the call to the first audio the engine delivers (a call cancelled before any audio records nothing).
     * Hand the result to {@code VoicePipeline.Builder.tts(...)}.
     *
     * @param factory the engine's factory
     * @return a factory of the same engines, timed
     */
    public Supplier<SpeechSynthesizer> timeSynthesizer(Supplier<? extends SpeechSynthesizer> factory) {
        Objects.requireNonNull(factory, "factory");
        return () -> new TimedSynthesizer(factory.get(), ttsFirstFrame);
    }

    /** Which engines the meters are about: each id becomes a tag. */
    public static final class Builder {
        private final MeterRegistry registry;
        private final List<Tag> engineTags = new ArrayList<>();

        private Builder(MeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
        }

        /**
         * Tags every meter with the id of the engine in one role, e.g. {@code engine("asr", "sphinx")}.
         *
         * @param role     {@code vad}, {@code asr}, {@code tts}, {@code aec} or {@code responder}
         * @param engineId the engine's id (letters, digits, {@code . _ -}; at most 64)
         * @return this builder
         * @throws IllegalArgumentException for another role, a role given twice, or an id of another shape
         */
        public Builder engine(String role, String engineId) {
            if (!ENGINE_ROLES.contains(role)) {
                throw new IllegalArgumentException("role must be one of " + new java.util.TreeSet<>(ENGINE_ROLES)
                        + ", was " + role);
            }
            if (engineId == null || !TAG_VALUE.matcher(engineId).matches()) {
                throw new IllegalArgumentException("engine id for " + role
                        + " must be 1-64 letters, digits, '.', '_' or '-', was " + engineId);
            }
            for (Tag t : engineTags) {
                if (t.getKey().equals(role)) {
                    throw new IllegalArgumentException("the " + role + " engine is already " + t.getValue());
                }
            }
            engineTags.add(Tag.of(role, engineId));
            return this;
        }

        /**
         * Registers the meters.
         *
         * @return the binder, to give to {@code VoicePipeline.Builder.listener(...)}
         */
        public VoicechatMetrics build() {
            return new VoicechatMetrics(this);
        }
    }
}
