package io.github.voicechat;

import io.github.voicechat.audio.AudioFormat;
import io.github.voicechat.audio.AudioSink;
import io.github.voicechat.audio.AudioSource;
import io.github.voicechat.internal.session.SessionConfig;
import io.github.voicechat.internal.session.Session;
import io.github.voicechat.spi.EchoCanceller;
import io.github.voicechat.spi.EngineOptions;
import io.github.voicechat.spi.EngineProvider;
import io.github.voicechat.spi.Engines;
import io.github.voicechat.spi.SpeechRecognizer;
import io.github.voicechat.spi.SpeechSynthesizer;
import io.github.voicechat.spi.VoiceActivityDetector;
import io.github.voicechat.time.Clock;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * A configured voice pipeline: which engines, which responder, which turn and barge-in policies. Immutable and
 * thread safe; open any number of {@link VoiceSession}s from it, each with its own engine instances.
 *
 * <pre>{@code
 * VoicePipeline pipeline = VoicePipeline.builder()
 *     .vad("silero")                 // engine ids, or suppliers of your own engines
 *     .asr("sphinx")
 *     .tts("freetts")
 *     .responder((request, reply) -> reply.text("You said " + request.transcript()))
 *     .bargeIn(BargeInPolicy.defaults())
 *     .build();
 * try (VoiceSession session = pipeline.openSession(AudioSources.microphone(16_000), AudioSinks.speaker(48_000))) {
 *     session.start();
 *     session.awaitTermination(Duration.ofMinutes(10));
 * }
 * }</pre>
 */
public final class VoicePipeline {

    private static final AtomicInteger SESSION_IDS = new AtomicInteger();

    private final SessionConfig config;

    private VoicePipeline(SessionConfig config) {
        this.config = config;
    }

    /** {@return a builder; a pipeline needs a VAD, an ASR, a TTS and a responder} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return when user turns start and end} */
    public TurnPolicy turnPolicy() {
        return config.turnPolicy();
    }

    /** {@return what happens when the user speaks over the bot} */
    public BargeInPolicy bargeInPolicy() {
        return config.bargeInPolicy();
    }

    /**
     * {@return the rate sessions play at, or 0 when each session plays at its sink's own rate (the default)}
     */
    public int outputSampleRateHz() {
        return config.outputSampleRateHz();
    }

    /**
     * Opens a session that also reports its events to {@code listener}, after the pipeline's own listeners: what an
     * edge serving many connections from one pipeline needs, since events carry no session id.
     *
     * @param source   the user's audio
     * @param sink     where the bot's audio goes
     * @param listener this session's own listener
     * @return the session, not started
     */
    public VoiceSession openSession(AudioSource source, AudioSink sink, SessionListener listener) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(sink, "sink");
        Objects.requireNonNull(listener, "listener");
        return open(config.withListener(listener), source, sink, null);
    }

    /**
     * Opens a session that reads the user from {@code source} and plays the bot to {@code sink}; it runs once
     * {@link VoiceSession#start() started}. The session owns both and closes them when it ends.
     *
     * @param source the user's audio
     * @param sink   where the bot's audio goes
     * @return the session, not started
     */
    public VoiceSession openSession(AudioSource source, AudioSink sink) {
        return openSession(source, sink, (Path) null);
    }

    /**
     * Opens a session that also records a stereo WAV at the output rate: left the microphone, right what was played.
     *
     * @param source       the user's audio
     * @param sink         where the bot's audio goes
     * @param recordingWav the recording to write
     * @return the session, not started
     */
    public VoiceSession openSession(AudioSource source, AudioSink sink, Path recordingWav) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(sink, "sink");
        return open(config, source, sink, recordingWav);
    }

    /** Creates the session and tells its listeners ({@link SessionListener#sessionOpened}). */
    private static VoiceSession open(SessionConfig sessionConfig, AudioSource source, AudioSink sink,
            Path recordingWav) {
        String name = "voicechat-session-" + SESSION_IDS.incrementAndGet();
        VoiceSession session = new VoiceSession(new Session(sessionConfig, name, source, sink, recordingWav),
                name);
        for (SessionListener l : sessionConfig.listeners()) {
            try {
                l.sessionOpened(session);
            } catch (RuntimeException e) {
                LoggerFactory.getLogger(VoicePipeline.class).warn("session {}: listener failed on open: {}", name,
                        e.toString());
            }
        }
        return session;
    }

    /** Collects the pipeline's parts; {@link #build()} checks that nothing required is missing. */
    public static final class Builder {
        private Supplier<? extends VoiceActivityDetector> vad;
        private Supplier<? extends SpeechRecognizer> asr;
        private Supplier<? extends SpeechSynthesizer> tts;
        private Supplier<? extends EchoCanceller> echoCanceller;
        private Responder responder;
        private TurnPolicy turnPolicy = TurnPolicy.defaults();
        private BargeInPolicy bargeInPolicy = BargeInPolicy.defaults();
        private Clock clock = Clock.system();
        private final List<SessionListener> listeners = new ArrayList<>();
        private int outputSampleRateHz;
        private long idleTimeoutMs;
        private long maxSessionMs;
        private long engineTimeoutMs = 15_000;
        private boolean paceNonRealtimeSources = true;

        private Builder() {
        }

        /**
         * Sets the voice activity detector: a new one per session from {@code factory}.
         *
         * @param factory creates a detector; the session closes it
         * @return this builder
         */
        public Builder vad(Supplier<? extends VoiceActivityDetector> factory) {
            this.vad = Objects.requireNonNull(factory, "vad");
            return this;
        }

        /**
         * Sets the voice activity detector whose provider id is, or starts with, {@code engineId} ({@code "silero"}).
         *
         * @param engineId an engine id or family
         * @return this builder
         * @throws io.github.voicechat.spi.EngineException naming the known ids when none matches
         */
        public Builder vad(String engineId) {
            return vad(engineId, EngineOptions.EMPTY);
        }

        /**
         * Sets the voice activity detector whose provider id is, or starts with, {@code engineId}, with options.
         *
         * @param engineId an engine id or family
         * @param options  the engine's options ({@code voicechat engines --options} lists them)
         * @return this builder
         * @throws io.github.voicechat.spi.EngineException naming the known ids when none matches
         * @throws IllegalArgumentException on an option the engine does not declare, or a bad value
         */
        public Builder vad(String engineId, EngineOptions options) {
            return vad(fromProvider(VoiceActivityDetector.class, engineId, options));
        }

        /**
         * Sets the speech recogniser: a new one per session from {@code factory}.
         *
         * @param factory creates a recogniser; the session closes it
         * @return this builder
         */
        public Builder asr(Supplier<? extends SpeechRecognizer> factory) {
            this.asr = Objects.requireNonNull(factory, "asr");
            return this;
        }

        /**
         * Sets the speech recogniser whose provider id is, or starts with, {@code engineId} ({@code "sphinx"}).
         *
         * @param engineId an engine id or family
         * @return this builder
         * @throws io.github.voicechat.spi.EngineException naming the known ids when none matches
         */
        public Builder asr(String engineId) {
            return asr(engineId, EngineOptions.EMPTY);
        }

        /**
         * Sets the speech recogniser whose provider id is, or starts with, {@code engineId}, with options.
         *
         * @param engineId an engine id or family
         * @param options  the engine's options ({@code voicechat engines --options} lists them)
         * @return this builder
         * @throws io.github.voicechat.spi.EngineException naming the known ids when none matches
         * @throws IllegalArgumentException on an option the engine does not declare, or a bad value
         */
        public Builder asr(String engineId, EngineOptions options) {
            return asr(fromProvider(SpeechRecognizer.class, engineId, options));
        }

        /**
         * Sets the speech synthesizer: a new one per session from {@code factory}.
         *
         * @param factory creates a synthesizer; the session closes it
         * @return this builder
         */
        public Builder tts(Supplier<? extends SpeechSynthesizer> factory) {
            this.tts = Objects.requireNonNull(factory, "tts");
            return this;
        }

        /**
         * Sets the speech synthesizer whose provider id is, or starts with, {@code engineId} ({@code "freetts"}).
         *
         * @param engineId an engine id or family
         * @return this builder
         * @throws io.github.voicechat.spi.EngineException naming the known ids when none matches
         */
        public Builder tts(String engineId) {
            return tts(engineId, EngineOptions.EMPTY);
        }

        /**
         * Sets the speech synthesizer whose provider id is, or starts with, {@code engineId}, with options.
         *
         * @param engineId an engine id or family
         * @param options  the engine's options ({@code voicechat engines --options} lists them)
         * @return this builder
         * @throws io.github.voicechat.spi.EngineException naming the known ids when none matches
         * @throws IllegalArgumentException on an option the engine does not declare, or a bad value
         */
        public Builder tts(String engineId, EngineOptions options) {
            return tts(fromProvider(SpeechSynthesizer.class, engineId, options));
        }

        /**
         * Cancels the echo of our own playout from the microphone before VAD and ASR hear it; off by default.
         *
         * @param factory creates an echo canceller per session; the session closes it
         * @return this builder
         */
        public Builder echoCanceller(Supplier<? extends EchoCanceller> factory) {
            this.echoCanceller = factory;
            return this;
        }

        /**
         * Sets the echo canceller whose provider id is, or starts with, {@code engineId} ({@code "webrtc-aec"}).
         *
         * @param engineId an engine id or family
         * @return this builder
         * @throws io.github.voicechat.spi.EngineException naming the known ids when none matches
         */
        public Builder echoCanceller(String engineId) {
            return echoCanceller(fromProvider(EchoCanceller.class, engineId, EngineOptions.EMPTY));
        }

        /**
         * Finds the provider and checks the options now, so an unknown id or option fails here (naming the valid
         * ones) rather than when a session opens; each session then gets its own engine.
         */
        private static <E extends AutoCloseable> Supplier<E> fromProvider(Class<E> type, String engineId,
                EngineOptions options) {
            EngineProvider<E> provider = Engines.find(type, engineId);
            options.check(provider.id(), provider.options());
            return () -> provider.create(options);
        }

        /**
         * Sets the application's side of the conversation.
         *
         * @param responder answers each user turn
         * @return this builder
         */
        public Builder responder(Responder responder) {
            this.responder = Objects.requireNonNull(responder, "responder");
            return this;
        }

        /**
         * Sets when user turns start and end; {@link TurnPolicy#defaults()} by default.
         *
         * @param policy the policy
         * @return this builder
         */
        public Builder turnPolicy(TurnPolicy policy) {
            this.turnPolicy = Objects.requireNonNull(policy, "turnPolicy");
            return this;
        }

        /**
         * Sets what happens when the user speaks over the bot; {@link BargeInPolicy#defaults()} by default.
         *
         * @param policy the policy
         * @return this builder
         */
        public Builder bargeIn(BargeInPolicy policy) {
            this.bargeInPolicy = Objects.requireNonNull(policy, "bargeIn");
            return this;
        }

        /**
         * The clock sessions run on. A {@link io.github.voicechat.time.VirtualClock} runs sessions as fast as the
         * engines allow, in lockstep, with exact audio-time metrics: what tests and batch jobs want. The system clock
         * by default.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Adds a listener to every session's events.
         *
         * @param listener called on the session's thread: it must return quickly
         * @return this builder
         */
        public Builder listener(SessionListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Sets the rate played to the sink; by default the sink's own rate.
         *
         * @param rateHz the rate
         * @return this builder
         */
        public Builder outputSampleRateHz(int rateHz) {
            new AudioFormat(rateHz, 1, io.github.voicechat.audio.SampleEncoding.FLOAT32);
            this.outputSampleRateHz = rateHz;
            return this;
        }

        /**
         * Ends a session after this long with neither party speaking; 0 (default) never.
         *
         * @param ms milliseconds of audio time, not negative
         * @return this builder
         */
        public Builder idleTimeoutMs(long ms) {
            this.idleTimeoutMs = requireNonNegative("idleTimeoutMs", ms);
            return this;
        }

        /**
         * Ends a session after this much audio time; 0 (default) never.
         *
         * @param ms milliseconds, not negative
         * @return this builder
         */
        public Builder maxSessionMs(long ms) {
            this.maxSessionMs = requireNonNegative("maxSessionMs", ms);
            return this;
        }

        /**
         * Sets how long an engine may make no progress before its turn is abandoned with an error event (15 s).
         *
         * @param ms milliseconds, at least 100
         * @return this builder
         */
        public Builder engineTimeoutMs(long ms) {
            if (ms < 100) {
                throw new IllegalArgumentException("engineTimeoutMs must be at least 100, was " + ms);
            }
            this.engineTimeoutMs = ms;
            return this;
        }

        /**
         * On the real clock, feed file and memory sources at their real pace (true, the default) so latencies are
         * real; false runs them as fast as possible.
         *
         * @param pace whether to pace them
         * @return this builder
         */
        public Builder paceNonRealtimeSources(boolean pace) {
            this.paceNonRealtimeSources = pace;
            return this;
        }

        /**
         * {@return the pipeline}
         *
         * @throws IllegalStateException naming what is missing of the VAD, ASR, TTS and responder
         */
        public VoicePipeline build() {
            List<String> missing = new ArrayList<>();
            if (vad == null) {
                missing.add("vad");
            }
            if (asr == null) {
                missing.add("asr");
            }
            if (tts == null) {
                missing.add("tts");
            }
            if (responder == null) {
                missing.add("responder");
            }
            if (!missing.isEmpty()) {
                throw new IllegalStateException("a pipeline needs " + String.join(", ", missing));
            }
            return new VoicePipeline(new SessionConfig(vad, asr, tts, echoCanceller, responder, turnPolicy,
                    bargeInPolicy, clock, List.copyOf(listeners), outputSampleRateHz, idleTimeoutMs, maxSessionMs,
                    engineTimeoutMs, paceNonRealtimeSources));
        }

        private static long requireNonNegative(String name, long v) {
            if (v < 0) {
                throw new IllegalArgumentException(name + " must not be negative, was " + v);
            }
            return v;
        }
    }
}
