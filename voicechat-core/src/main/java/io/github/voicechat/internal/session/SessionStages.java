package io.github.voicechat.internal.session;

import io.github.voicechat.SessionEvent;
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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session's stages, built when it opens, run once per 20 ms tick, taken down when it ends. The owner thread's only.
 *
 * <p>{@link #tick()} is the list of stages, each owning its own state:
 * <ol>
 *   <li>{@link PlayoutStage}: one frame (or silence) to the sink; the far end to the echo stage;</li>
 *   <li>{@link CaptureStage}: one frame from the source, at the input rate;</li>
 *   <li>{@link EchoStage}: the echo of what was just played taken out;</li>
 *   <li>{@link ListenStage}: the frame to the recogniser, the VAD and the turn decision;</li>
 *   <li>{@link LockstepGate} (virtual clock only): the workers catch up, so events land on the same tick every
 *       run;</li>
 * </ol>
 * then what the workers posted (transcripts, errors) is applied, and the workers are supervised. Every decision
 * goes through the {@link Conversation}'s table.
 */
final class SessionStages {

    private static final Logger logger = LoggerFactory.getLogger(SessionStages.class);
    /** After the source ends the session waits at most this long for the last turn to play out. */
    private static final long DRAIN_AFTER_EOF_MS = 120_000;

    private final SessionConfig config;
    private final SessionLog log;
    private final BooleanSupplier stopRequested;
    /** The one lane into the session: what its worker threads report, applied on its own thread each tick. */
    private final ConcurrentLinkedQueue<Runnable> posted = new ConcurrentLinkedQueue<>();
    final Ticks ticks;
    final StateMachine stateMachine;
    private final VoiceActivityDetector vad;
    private final EchoCanceller aec;
    private SpeechRecognizer asrEngine;
    private SpeechSynthesizer ttsEngine;
    private final FrameRing inputRing;
    private final OutputRing outputRing;
    private final LockstepGate gate;
    private final Workers workers;
    private final Conversation conversation;
    private final StereoRecorder recorder;
    private final PlayoutStage playout;
    private final CaptureStage capture;
    private final EchoStage echo;
    private final ListenStage listen;
    private long published;
    private long eofTick = -1;
    private long lastActivityTick;
    private long reportedDrops;
    private ResponseState queuedReportedFor;

    /**
     * Opens the engines and builds the stages. On failure, whatever was opened is closed again before the
     * exception leaves.
     */
    static SessionStages open(SessionConfig config, String name, SessionLog log, AudioSource source, AudioSink sink,
            Path recordingPath, BooleanSupplier stopRequested) throws IOException {
        Engines e = new Engines();
        try {
            e.vad = config.vad().get();
            e.asr = config.asr().get();
            e.tts = config.tts().get();
            e.aec = config.echoCanceller() == null ? null : config.echoCanceller().get();
            return new SessionStages(config, name, log, source, sink, recordingPath, stopRequested, e);
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
            Path recordingPath, BooleanSupplier stopRequested, Engines e) throws IOException {
        this.config = config;
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
        this.ticks = t;
        this.stateMachine = new StateMachine(t.inRateHz,
                tr -> log.emit(new SessionEvent.StateChanged(tr.from(), tr.to(), tr.atMs())));
        this.echo = new EchoStage(aec, t.inRateHz, t.inFrameSamples, outRateHz, outFrameSamples);
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
        this.conversation = new Conversation(t, log, stateMachine, workers, outputRing,
                config.turnPolicy().preRollMs());
        this.recorder = recordingPath == null ? null
                : new StereoRecorder(recordingPath, t.inRateHz, t.inFrameSamples, outRateHz, outFrameSamples);
        this.playout = new PlayoutStage(sink, outputRing, conversation, echo, recorder, log, outFrameSamples);
        this.listen = new ListenStage(vad, new TurnDetector(t.inRateHz, config.turnPolicy(), config.bargeInPolicy()),
                conversation, inputRing, t, config.bargeInPolicy().confirmOnPartialWords());
        workers.start(conversation, asrEngine, ttsEngine); // the workers own these engines from here on
        asrEngine = null;
        ttsEngine = null;
        stateMachine.moveTo(SessionState.LISTENING, 0);
    }

    /** One 20 ms tick: the stages in order. Returns why the session ends, or null to go on. */
    String tick() throws IOException {
        if (gate != null) {
            gate.advanceTo(ticks.nowNanos());
        }
        playout.run();
        float[] mic = capture.run();
        if (capture.sourceEnded() && eofTick < 0) {
            eofTick = ticks.tick;
        }
        if (recorder != null) {
            recorder.mic(mic, 0, ticks.inFrameSamples);
        }
        listen.run(echo.run(mic));
        published = ticks.inSample() + ticks.inFrameSamples;
        if (gate != null) {
            settle(); // engines due by now woke; the recogniser heard this frame and answered what it was asked
        }
        listen.heard(workers.asr().partialText());
        Runnable r;
        while ((r = posted.poll()) != null) {
            r.run(); // transcripts, errors and synthesis reports from the workers
        }
        if (gate != null) {
            settle(); // a response just submitted has its first audio queued, if it can
        }
        reportFirstQueued();
        reportDrops();
        workers.supervise(published);
        if (recorder != null) {
            recorder.write();
        }
        ticks.tick++;
        return endCondition();
    }

    private void settle() {
        if (!gate.settle(() -> workers.settled(published), stopRequested)) {
            workers.stalledInRealTime(published);
        }
    }

    private String endCondition() {
        boolean quiet = conversation.phase() == Conversation.Phase.LISTENING;
        if (quiet) {
            if (config.idleTimeoutMs() > 0
                    && (ticks.tick - lastActivityTick) * Ticks.TICK_MS >= config.idleTimeoutMs()) {
                return "idle timeout";
            }
        } else {
            lastActivityTick = ticks.tick;
        }
        if (config.maxSessionMs() > 0 && ticks.tick * Ticks.TICK_MS >= config.maxSessionMs()) {
            return "max duration";
        }
        if (eofTick >= 0) {
            if (quiet) {
                return "source ended";
            }
            if ((ticks.tick - eofTick) * Ticks.TICK_MS > DRAIN_AFTER_EOF_MS) {
                return "source ended (last turn cut off)";
            }
        }
        return null;
    }

    /** Emits FirstAudioQueued once the current response has audio in the output ring. */
    private void reportFirstQueued() {
        ResponseState r = conversation.response();
        if (r != null && r != queuedReportedFor && r.queuedSamples() > 0) {
            queuedReportedFor = r;
            log.emit(new SessionEvent.FirstAudioQueued(r.turn, ticks.nowMs()));
        }
    }

    /** Emits an event when the recogniser lost input frames since the last tick. */
    private void reportDrops() {
        long dropped = workers.droppedFrames();
        if (dropped != reportedDrops) {
            log.emit(new SessionEvent.FramesDropped("asr", dropped - reportedDrops, ticks.nowMs()));
            reportedDrops = dropped;
        }
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

    long droppedFrames() {
        return workers.droppedFrames();
    }
}

