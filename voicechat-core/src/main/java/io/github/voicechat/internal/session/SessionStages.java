package io.github.voicechat.internal.session;

import io.github.voicechat.SessionEvent;
import io.github.voicechat.SessionListener;
import io.github.voicechat.SessionState;
import io.github.voicechat.VoicechatException;
import io.github.voicechat.audio.AudioSink;
import io.github.voicechat.audio.AudioSource;
import io.github.voicechat.internal.bus.FrameRing;
import io.github.voicechat.internal.bus.OutputRing;
import io.github.voicechat.spi.EchoCanceller;
import io.github.voicechat.spi.SpeechRecognizer;
import io.github.voicechat.spi.SpeechSynthesizer;
import io.github.voicechat.spi.VoiceActivityDetector;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session's stages, built when it opens, run once per 20 ms tick, taken down when it ends. The owner thread's only.
 *
 * <p>{@link #tick()} is the list of stages, each owning its own state:
 * <ol>
 *   <li>{@link PlayoutStage}: one frame (or silence) to the sink; the far end (what the speaker really sounds,
 *       {@code SpeakerPath}) to the echo stage;</li>
 *   <li>{@link CaptureStage}: one frame from the source, at the input rate;</li>
 *   <li>{@link EchoStage}: the echo of what was just played taken out;</li>
 *   <li>{@link ListenStage}: the frame to the recogniser, the VAD and the turn decision;</li>
 *   <li>{@link LockstepGate} (virtual clock only): the workers catch up, so events land on the same tick every
 *       run;</li>
 * </ol>
 * then what the workers posted (transcripts, errors) is applied, and the workers are supervised. Every decision
 * goes through the {@link Conversation}'s table. After each stage that decided something, the recording stage
 * ({@link #record}) builds the events noted in the {@link SessionLog} and tells the listeners.
 */
final class SessionStages {

    private static final Logger logger = LoggerFactory.getLogger(SessionStages.class);
    /** The events told, under the log's name, as before the recording stage moved here. */
    private static final Logger eventLogger = LoggerFactory.getLogger(SessionLog.class);
    /** After the source ends the session waits at most this long for the last turn to play out. */
    private static final long DRAIN_AFTER_EOF_MS = 120_000;
    private static final int JITTER_BUCKETS = 2_000;

    private final SessionConfig config;
    private final SessionLog log;
    private final BooleanSupplier stopRequested;
    /** Built once: a lambda that reads a field captures {@code this}, so one written in the tick would allocate. */
    private final BooleanSupplier workersSettled;
    /** The one lane into the session (the {@link Session}'s): what other threads post, applied each tick. */
    private final ConcurrentLinkedQueue<Runnable> posted;
    final Ticks ticks;
    private final VoiceActivityDetector vad;
    private final EchoCanceller aec;
    private SpeechRecognizer asrEngine;
    private SpeechSynthesizer ttsEngine;
    private final FrameRing inputRing;
    private final OutputRing outputRing;
    private final LockstepGate gate;
    private final Workers workers;
    /** Its phase is the session's state, read from any thread ({@link Session#state}). */
    final Conversation conversation;
    private final StereoRecorder recorder;
    private final PlayoutStage playout;
    private final CaptureStage capture;
    /** Null without an echo canceller: a stage a session does not need is not in its tick. */
    private final EchoStage echo;
    private final ListenStage listen;
    private final int frameSamples;
    private final int outFrameSamples;
    private final long idleTimeoutMs;
    private final long maxSessionMs;
    private final long[] jitterHistogram = new long[JITTER_BUCKETS + 1];
    private long jitterCount;
    private long published;
    private long eofTick = -1;
    private long lastActivityTick;
    private ResponseState queuedReportedFor;

    /**
     * Opens the engines and builds the stages. On failure, whatever was opened is closed again before the
     * exception leaves.
     */
    static SessionStages open(SessionConfig config, String name, SessionLog log, AudioSource source, AudioSink sink,
            Path recordingPath, ConcurrentLinkedQueue<Runnable> posted, BooleanSupplier stopRequested)
            throws IOException {
        Engines e = new Engines();
        try {
            e.vad = config.vad().get();
            e.asr = config.asr().get();
            e.tts = config.tts().get();
            e.aec = config.echoCanceller() == null ? null : config.echoCanceller().get();
            return new SessionStages(config, name, log, source, sink, recordingPath, posted, stopRequested, e);
        } catch (IOException | RuntimeException | Error ex) {
            e.close(logger, name);
            throw ex;
        }
    }

    /** Engines opened, until the stages or the workers own them. */
    private static final class Engines {
        VoiceActivityDetector vad;
        SpeechRecognizer asr;
        SpeechSynthesizer tts;
        EchoCanceller aec;

        void close(Logger logger, String name) {
            for (AutoCloseable c : new AutoCloseable[] {asr, tts, vad, aec}) {
                if (c != null) {
                    try {
                        c.close();
                    } catch (Exception ex) {
                        logger.warn("session {}: closing an engine failed: {}", name, ex.toString());
                    }
                }
            }
        }
    }

    private SessionStages(SessionConfig config, String name, SessionLog log, AudioSource source, AudioSink sink,
            Path recordingPath, ConcurrentLinkedQueue<Runnable> posted, BooleanSupplier stopRequested, Engines e)
            throws IOException {
        this.config = config;
        this.posted = posted;
        this.log = log;
        this.stopRequested = stopRequested;
        this.vad = e.vad;
        this.aec = e.aec;
        this.asrEngine = e.asr;
        this.ttsEngine = e.tts;
        Ticks t = new Ticks(asrEngine.sampleRateHz());
        int outRateHz = config.outputSampleRateHz() > 0 ? config.outputSampleRateHz() : sink.sampleRateHz();
        if (sink.sampleRateHz() != outRateHz) {
            throw new VoicechatException("sink rate " + sink.sampleRateHz()
                    + " Hz differs from the pipeline's output rate " + outRateHz + " Hz");
        }
        int outFrameSamples = outRateHz * Ticks.TICK_MS / 1000;
        this.frameSamples = t.inFrameSamples;
        this.outFrameSamples = outFrameSamples;
        this.idleTimeoutMs = config.idleTimeoutMs();
        this.maxSessionMs = config.maxSessionMs();
        this.ticks = t;
        this.echo = aec == null ? null : new EchoStage(aec, t.inRateHz, t.inFrameSamples, outRateHz, outFrameSamples);
        logger.debug("session {}: input {} Hz (source {} Hz, vad {} Hz), output {} Hz (tts {} Hz), aec {}", name,
                t.inRateHz, source.sampleRateHz(), vad.sampleRateHz(), outRateHz, ttsEngine.sampleRateHz(),
                aec == null ? "off" : "on");
        this.capture = new CaptureStage(source, t.inRateHz, t.inFrameSamples);
        this.inputRing = new FrameRing(256, t.inFrameSamples);
        this.outputRing = new OutputRing(64, outFrameSamples);
        this.gate = config.clock().isVirtual() ? new LockstepGate(config.engineTimeoutMs()) : null;
        if (gate != null) {
            gate.setOwner(Thread.currentThread());
        }
        this.workers = new Workers(name, config, t, log, inputRing, outputRing, gate, posted, outRateHz,
                outFrameSamples);
        this.workersSettled = () -> workers.settled(published);
        this.conversation = new Conversation(t, log, workers, outputRing, config.turnPolicy().preRollMs());
        this.recorder = recordingPath == null ? null
                : new StereoRecorder(recordingPath, t.inRateHz, t.inFrameSamples, outRateHz, outFrameSamples);
        this.playout = new PlayoutStage(sink, source, outputRing, conversation, log, outFrameSamples);
        conversation.speaker = playout;
        this.listen = new ListenStage(vad,
                new TurnDetector(t.inRateHz, config.turnPolicy(), config.bargeInPolicy()),
                conversation, workers, inputRing, t.inRateHz, t.inFrameSamples,
                config.bargeInPolicy().confirmOnPartialWords());
        workers.start(conversation, asrEngine, ttsEngine); // the workers own these engines from here on
        asrEngine = null;
        ttsEngine = null; // LISTENING is told by the thread that ticks them, as it takes them (Session)
    }

    /**
     * One 20 ms tick, {@code lateNanos} behind its schedule on the real clock: the stages in order. Returns why the
     * session ends, or null to go on.
     */
    String tick(long lateNanos) throws IOException {
        log.holding = true; // what the stages decide is noted, and told at the end of the stage that decided it
        try {
            return runStages(lateNanos);
        } finally {
            log.holding = false; // a tick that failed leaves its notes to be told before the failure is
        }
    }

    private String runStages(long lateNanos) throws IOException {
        long tick = ticks.tick;
        long inSample = tick * frameSamples;
        if (gate != null) {
            gate.nowNanos = tick * Ticks.TICK_NANOS; // every worker is settled: time may move
        } else {
            recordJitter(lateNanos);
        }
        float[] played = playout.run();
        if (log.notes > 0) {
            record(log); // the recording stage: a response played or paused
        }
        float[] mic = capture.run();
        if (recorder != null) {
            recorder.record(mic, frameSamples, played, outFrameSamples);
        }
        // With an echo canceller on a real microphone: speech that has the shape of what the speaker played is the
        // bot's own echo, whatever the canceller left of it, and never a user (speakerphone loop, issue #16).
        float[] clean = echo == null ? mic : echo.run(playout.farEnd(), outFrameSamples, mic);
        listen.echoOnly = echo != null && playout.heardEcho(mic, clean, frameSamples);
        // A voice louder than any echo could be is the user's, whatever the canceller took out of it (AEC3 takes a
        // voice out while the bot speaks even where there is no echo at all): listen to the microphone itself.
        listen.run(echo != null && playout.heardNearEnd() ? mic : clean, inSample);
        if (log.notes > 0) {
            record(log); // the recording stage: the user's turn, a barge-in
        }
        published = inSample + frameSamples;
        if (gate != null) {
            settle(); // engines due by now woke; the recogniser heard this frame and answered what it was asked
        }
        Runnable r;
        while (true) {
            while ((r = posted.poll()) != null) {
                r.run(); // transcripts, errors and synthesis reports from the workers; typed turns
            }
            if (log.notes == 0) {
                break;
            }
            record(log); // the recording stage; what a listener posts on these events is applied on this tick
        }
        if (gate != null) {
            settle(); // a response just submitted has its first audio queued, if it can
        }
        ResponseState response = conversation.response;
        if (response != null && response != queuedReportedFor && response.queuedSamples > 0) {
            queuedReportedFor = response;
            note(log, new SessionEvent.FirstAudioQueued(response.turn, tick * (double) Ticks.TICK_MS)); // = nowMs
        }
        workers.supervise(published);
        if (log.notes > 0) {
            record(log); // the recording stage: first audio queued, what the supervisor found
        }
        if (capture.ended && eofTick < 0) {
            eofTick = tick;
        }
        ticks.tick = tick + 1;
        return endCondition(tick + 1);
    }

    /**
     * The recording stage: builds what the log's notes describe (events; a completed turn's report and history in
     * the log) and tells the listeners, in the order noted; then the notes are cleared. Run by the tick after each
     * stage that noted something, and by the log itself outside a tick ({@link SessionLog#flush}). A tick whose events
     * complete no turn enters no file but this one and the events' own.
     */
    static void record(SessionLog log) {
        for (int i = 0; i < log.notes; i++) {
            double at = log.noteAt[i];
            int turn = log.noteTurn[i];
            double a = log.noteA[i];
            Object ref = log.noteRef[i];
            SessionEvent e = switch (log.noteKind[i]) {
                case SessionLog.STATE_CHANGED -> new SessionEvent.StateChanged((SessionState) ref,
                        (SessionState) log.noteRef2[i], at);
                case SessionLog.SPEECH_STARTED -> new SessionEvent.UserSpeechStarted(turn, at);
                case SessionLog.SPEECH_ENDED -> new SessionEvent.UserSpeechEnded(turn, at);
                case SessionLog.TRANSCRIPT -> {
                    if (!Double.isNaN(a)) {
                        log.asrRtfSum += a;
                        log.asrRtfCount++;
                    }
                    yield new SessionEvent.TranscriptReady(turn, (String) ref, a, at);
                }
                case SessionLog.FIRST_AUDIO -> new SessionEvent.FirstAudioPlayed(turn, a, at);
                case SessionLog.BARGE_IN_PAUSED -> new SessionEvent.BargeInPaused(turn, a, log.noteB[i], at);
                case SessionLog.BARGE_IN_RESUMED -> new SessionEvent.BargeInResumed(turn, log.noteLong[i], at);
                case SessionLog.BARGE_IN_CONFIRMED -> new SessionEvent.BargeInConfirmed(turn, (String) ref, at);
                case SessionLog.TURN_COMPLETED -> log.completeTurn((Turn) ref, at);
                default -> (SessionEvent) ref;
            };
            if (eventLogger.isDebugEnabled()) {
                eventLogger.debug("session {}: {}", log.name, e);
            }
            for (SessionListener l : log.listeners) {
                try {
                    l.onEvent(e);
                } catch (RuntimeException ex) {
                    eventLogger.warn("session {}: listener failed on {}: {}", log.name, e, ex.toString());
                }
            }
        }
        Arrays.fill(log.noteRef, 0, log.notes, null);
        Arrays.fill(log.noteRef2, 0, log.notes, null);
        log.notes = 0;
    }

    /**
     * An event built on the tick (by the tick itself or a worker's post), noted in its place for the recording
     * stage, without a call into the log.
     */
    static void note(SessionLog log, SessionEvent e) {
        int i = log.notes;
        if (i == log.noteKind.length) {
            log.grow();
        }
        log.noteKind[i] = SessionLog.EVENT;
        log.noteRef[i] = e;
        log.notes = i + 1;
    }

    /** A typed turn, on the session's thread (posted by {@link Session#submitText}). */
    void submitText(String text) {
        conversation.onTyped(text);
    }

    private void settle() {
        if (!gate.settle(workersSettled, stopRequested)) {
            workers.stalledInRealTime(published);
        }
    }

    private String endCondition(long tick) {
        boolean quiet = conversation.phase == Phase.LISTENING;
        if (quiet) {
            if (idleTimeoutMs > 0 && (tick - lastActivityTick) * Ticks.TICK_MS >= idleTimeoutMs) {
                return "idle timeout";
            }
        } else {
            lastActivityTick = tick;
        }
        if (maxSessionMs > 0 && tick * Ticks.TICK_MS >= maxSessionMs) {
            return "max duration";
        }
        if (eofTick >= 0) {
            if (quiet) {
                return "source ended";
            }
            if ((tick - eofTick) * Ticks.TICK_MS > DRAIN_AFTER_EOF_MS) {
                return "source ended (last turn cut off)";
            }
        }
        return null;
    }

    /** Lateness of one tick against its 20 ms schedule (real clock only), in 0.1 ms buckets up to 200 ms. */
    private void recordJitter(long lateNanos) {
        int bucket = (int) Math.min(JITTER_BUCKETS, Math.max(0, lateNanos / 100_000));
        jitterHistogram[bucket]++;
        jitterCount++;
    }

    /** A percentile of the tick lateness recorded so far, in ms; NaN if none (virtual clock). */
    double jitterPercentileMs(double q) {
        long count = jitterCount;
        if (count == 0) {
            return Double.NaN;
        }
        long rank = (long) Math.ceil(q * count);
        long seen = 0;
        for (int i = 0; i <= JITTER_BUCKETS; i++) {
            seen += jitterHistogram[i];
            if (seen >= rank) {
                return i / 10.0;
            }
        }
        return JITTER_BUCKETS / 10.0;
    }

    /** Ends the conversation, stops the workers and closes the engines this session opened. */
    void shutdown(String name) {
        conversation.end();
        outputRing.close();
        inputRing.close();
        workers.shutdown();
        Engines left = new Engines();
        left.asr = asrEngine; // opened but never handed to a worker
        left.tts = ttsEngine;
        left.vad = vad;
        left.aec = aec;
        left.close(logger, name);
        if (recorder != null) {
            try {
                recorder.close();
            } catch (IOException ex) {
                logger.warn("session {}: closing the recording failed: {}", name, ex.toString());
            }
        }
    }

    /** The bot's audio queued for playout, in frames; any thread (a gauge's reading). */
    int queuedOutputFrames() {
        return outputRing.isClosed() ? 0 : outputRing.queuedFrames();
    }

    long droppedFrames() {
        return workers.droppedFrames();
    }
}

