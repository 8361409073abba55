package io.github.voicechat;

import io.github.voicechat.audio.AudioFormat;
import io.github.voicechat.audio.AudioSink;
import io.github.voicechat.audio.AudioSource;
import io.github.voicechat.internal.session.SessionConfig;
import io.github.voicechat.internal.session.SessionRunner;
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

    public static Builder builder() {
        return new Builder();
    }

    public TurnPolicy turnPolicy() {
        return config.turnPolicy();
    }

    public BargeInPolicy bargeInPolicy() {
        return config.bargeInPolicy();
    }

    /** The rate sessions play at, or 0 when each session plays at its sink's own rate (the default). */
    public int outputSampleRateHz() {
        return config.outputSampleRateHz();
    }

    /**
     * Opens a session that also reports its events to {@code listener}, after the pipeline's own listeners: what an
     * edge serving many connections from one pipeline needs, since events carry no session id.
     */
    public VoiceSession openSession(AudioSource source, AudioSink sink, SessionListener listener) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(sink, "sink");
        Objects.requireNonNull(listener, "listener");
        String name = "voicechat-session-" + SESSION_IDS.incrementAndGet();
        return new VoiceSession(new SessionRunner(config.withListener(listener), name, source, sink, null), name);
    }

    /** Opens a session that reads the user from {@code source} and plays the bot to {@code sink}. Call start(). */
    public VoiceSession openSession(AudioSource source, AudioSink sink) {
        return openSession(source, sink, (Path) null);
    }

    /**
     * Opens a session that also records a stereo WAV at the output rate: left the microphone, right what was played.
     */
    public VoiceSession openSession(AudioSource source, AudioSink sink, Path recordingWav) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(sink, "sink");
        String name = "voicechat-session-" + SESSION_IDS.incrementAndGet();
        return new VoiceSession(new SessionRunner(config, name, source, sink, recordingWav), name);
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

        /** A new detector per session from {@code factory}. */
        public Builder vad(Supplier<? extends VoiceActivityDetector> factory) {
            this.vad = Objects.requireNonNull(factory, "vad");
            return this;
        }

        /** The detector whose provider id is, or starts with, {@code engineId} ({@code "silero"}). */
        public Builder vad(String engineId) {
            return vad(engineId, EngineOptions.EMPTY);
        }

        public Builder vad(String engineId, EngineOptions options) {
            return vad(fromProvider(VoiceActivityDetector.class, engineId, options));
        }

        public Builder asr(Supplier<? extends SpeechRecognizer> factory) {
            this.asr = Objects.requireNonNull(factory, "asr");
            return this;
        }

        public Builder asr(String engineId) {
            return asr(engineId, EngineOptions.EMPTY);
        }

        public Builder asr(String engineId, EngineOptions options) {
            return asr(fromProvider(SpeechRecognizer.class, engineId, options));
        }

        public Builder tts(Supplier<? extends SpeechSynthesizer> factory) {
            this.tts = Objects.requireNonNull(factory, "tts");
            return this;
        }

        public Builder tts(String engineId) {
            return tts(engineId, EngineOptions.EMPTY);
        }

        public Builder tts(String engineId, EngineOptions options) {
            return tts(fromProvider(SpeechSynthesizer.class, engineId, options));
        }

        /** Cancels the echo of our own playout from the microphone before VAD and ASR hear it; off by default. */
        public Builder echoCanceller(Supplier<? extends EchoCanceller> factory) {
            this.echoCanceller = factory;
            return this;
        }

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

        public Builder responder(Responder responder) {
            this.responder = Objects.requireNonNull(responder, "responder");
            return this;
        }

        public Builder turnPolicy(TurnPolicy policy) {
            this.turnPolicy = Objects.requireNonNull(policy, "turnPolicy");
            return this;
        }

        public Builder bargeIn(BargeInPolicy policy) {
            this.bargeInPolicy = Objects.requireNonNull(policy, "bargeIn");
            return this;
        }

        /**
         * The clock sessions run on. A {@link io.github.voicechat.time.VirtualClock} runs sessions as fast as the
         * engines allow, in lockstep, with exact audio-time metrics: what tests and batch jobs want.
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public Builder listener(SessionListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** The rate played to the sink; by default the sink's own rate. */
        public Builder outputSampleRateHz(int rateHz) {
            new AudioFormat(rateHz, 1, io.github.voicechat.audio.SampleEncoding.FLOAT32);
            this.outputSampleRateHz = rateHz;
            return this;
        }

        /** Ends a session after this long with neither party speaking; 0 (default) never. */
        public Builder idleTimeoutMs(long ms) {
            this.idleTimeoutMs = requireNonNegative("idleTimeoutMs", ms);
            return this;
        }

        /** Ends a session after this much audio time; 0 (default) never. */
        public Builder maxSessionMs(long ms) {
            this.maxSessionMs = requireNonNegative("maxSessionMs", ms);
            return this;
        }

        /** How long an engine may make no progress before its turn is abandoned with an error event (15 s). */
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
         */
        public Builder paceNonRealtimeSources(boolean pace) {
            this.paceNonRealtimeSources = pace;
            return this;
        }

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
