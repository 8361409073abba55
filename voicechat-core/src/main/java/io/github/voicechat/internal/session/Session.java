package io.github.voicechat.internal.session;

import io.github.voicechat.ConversationTurn;
import io.github.voicechat.SessionEvent;
import io.github.voicechat.SessionReport;
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
import io.github.voicechat.time.Clock;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One session: its stages, its conversation, its workers, and the tick that runs them, one 20 ms frame at a time.
 *
 * <p>A tick is the list of stages, each owning its own state, all on the one thread that owns the session:
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
 *
 * <p>Which thread owns it: a session paced by the clock (a file, memory or network source on the real clock) is
 * driven by one of the shared {@link TickLoop}s, many sessions per thread; a session paced by a device (a microphone
 * or speaker that blocks), or one on a virtual clock, has a thread of its own. Either way exactly one thread ticks
 * it, so nothing in it needs a lock. Opening (engine creation, slow) and closing (joining workers) happen off the
 * shared loops.
 */
public final class Session {

    private static final Logger logger = LoggerFactory.getLogger(Session.class);
    /** After the source ends the session waits at most this long for the last turn to play out. */
    private static final long DRAIN_AFTER_EOF_MS = 120_000;

    private final SessionConfig config;
    private final String name;
    private final AudioSource source;
    private final AudioSink sink;
    private final Path recordingPath;
    private final Clock clock;
    private final boolean lockstep;
    private final SessionLog log;
    private final CountDownLatch finished = new CountDownLatch(1);
    /** The one lane into the session: what its worker threads report, applied on its own thread each tick. */
    private final ConcurrentLinkedQueue<Runnable> posted = new ConcurrentLinkedQueue<>();

    private volatile boolean stopRequested;
    private volatile Thread owner;
    private volatile Thread finisher;
    private volatile StateMachine stateMachine;
    private volatile Ticks ticks;

    // Set up in open(); the owner thread's only.
    private VoiceActivityDetector vad;
    private SpeechRecognizer asrEngine;
    private SpeechSynthesizer ttsEngine;
    private EchoCanceller aec;
    private FrameRing inputRing;
    private OutputRing outputRing;
    private LockstepGate gate;
    private Workers workers;
    private Conversation conversation;
    private StereoRecorder recorder;
    private PlayoutStage playout;
    private CaptureStage capture;
    private EchoStage echo;
    private ListenStage listen;
    private long published;
    private long eofTick = -1;
    private long lastActivityTick;
    private long startNanos;
    private long reportedDrops;
    private ResponseState queuedReportedFor;
    private volatile String endReason = "";

    public Session(SessionConfig config, String name, AudioSource source, AudioSink sink, Path recordingPath) {
        this.config = config;
        this.name = name;
        this.source = source;
        this.sink = sink;
        this.recordingPath = recordingPath;
        this.clock = config.clock();
        this.lockstep = clock.isVirtual();
        this.log = new SessionLog(name, config.listeners());
    }

    // ------------------------------------------------------------------ API for VoiceSession (any thread)

    public SessionState state() {
        StateMachine sm = stateMachine;
        return sm == null ? SessionState.IDLE : sm.state();
    }

    /** Starts the session's threads; see the class comment for which. */
    public void start() {
        boolean shared = !lockstep && config.paceNonRealtimeSources() && !source.isRealtime() && !sink.isRealtime();
        Thread t = shared ? new Thread(this::openOntoLoop, name + "-open") : new Thread(this::runAlone, name);
        t.setDaemon(true);
        t.start();
    }

    public void requestStop() {
        stopRequested = true;
        Thread t = owner;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** For a session closed before it was started: the source and sink it was given are still closed. */
    public void closeUnstarted() {
        closeQuietly(source, "source");
        closeQuietly(sink, "sink");
        endReason = "closed before start";
        finished.countDown();
    }

    public boolean awaitFinished(long timeout, TimeUnit unit) throws InterruptedException {
        if (!finished.await(timeout, unit)) {
            return false;
        }
        joinFinisher();
        return true;
    }

    /** Waits, uninterruptibly, until the session has ended and every thread it started is gone. */
    public void join() {
        boolean interrupted = false;
        while (true) {
            try {
                finished.await();
                joinFinisher();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void joinFinisher() throws InterruptedException {
        Thread t = finisher;
        if (t != null && t != Thread.currentThread()) {
            t.join();
        }
    }

    public SessionReport report() {
        return log.report(durationS(), endReason, workers == null ? 0 : workers.droppedFrames());
    }

    public List<ConversationTurn> history() {
        return log.history();
    }

    // ------------------------------------------------------------------ the owner thread

    /** A session with a thread of its own: a virtual clock (lockstep), a device that blocks, or no pacing. */
    private void runAlone() {
        owner = Thread.currentThread();
        try {
            open();
            long start = clock.nanoTime();
            while (!stopRequested) {
                if (!lockstep) {
                    log.recordJitter(Math.max(0, clock.nanoTime() - (start + ticks.tick * Ticks.TICK_NANOS)));
                }
                if (!tick()) {
                    break;
                }
            }
        } catch (Throwable e) {
            fail(e);
        } finally {
            shutdown();
            finisher = Thread.currentThread();
            finished.countDown();
        }
    }

    /** A session paced by the clock: opened here, then ticked by a shared loop. */
    private void openOntoLoop() {
        try {
            open();
        } catch (Throwable e) {
            fail(e);
            shutdown();
            finisher = Thread.currentThread();
            finished.countDown();
            return;
        }
        TickLoop.register(this);
    }

    /** The loop that will tick this session takes it, with the first deadline of its 20 ms grid. */
    void adopt(Thread loop, long firstDeadlineNanos) {
        owner = loop;
        startNanos = firstDeadlineNanos;
        if (stopRequested) {
            LockSupport.unpark(loop);
        }
    }

    /** How late the next tick is against its deadline (negative: how long until it is due). */
    long lateNanos() {
        return clock.nanoTime() - (startNanos + ticks.tick * Ticks.TICK_NANOS);
    }

    /** First deadline of the tick grid, on this session's clock; the loop spreads sessions over the 20 ms. */
    long gridNanos() {
        return startNanos;
    }

    Clock clock() {
        return clock;
    }

    boolean stopRequested() {
        return stopRequested;
    }

    /** One tick on a shared loop; false once the session has ended (it is then closed off the loop). */
    boolean tickOnLoop(long lateNanos) {
        if (stopRequested) {
            return false;
        }
        log.recordJitter(Math.max(0, lateNanos));
        try {
            return tick();
        } catch (Throwable e) {
            fail(e);
            return false;
        }
    }

    /** Closes a session that left its loop, on a thread of its own; {@code exitingLoop} ends with it. */
    void closeOffLoop(Thread exitingLoop) {
        Thread closer = new Thread(() -> {
            shutdown();
            if (exitingLoop != null) {
                try {
                    exitingLoop.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            finisher = Thread.currentThread();
            finished.countDown();
        }, name + "-close");
        closer.setDaemon(true);
        closer.start();
    }

    private void open() throws IOException {
        vad = config.vad().get();
        asrEngine = config.asr().get();
        ttsEngine = config.tts().get();
        aec = config.echoCanceller() == null ? null : config.echoCanceller().get();
        Ticks t = new Ticks(asrEngine.sampleRateHz());
        int outRateHz = config.outputSampleRateHz() > 0 ? config.outputSampleRateHz() : sink.sampleRateHz();
        if (sink.sampleRateHz() != outRateHz) {
            throw new VoicechatException("sink rate " + sink.sampleRateHz()
                    + " Hz differs from the pipeline's output rate " + outRateHz + " Hz");
        }
        int outFrameSamples = outRateHz * Ticks.TICK_MS / 1000;
        stateMachine = new StateMachine(t.inRateHz,
                tr -> log.emit(new SessionEvent.StateChanged(tr.from(), tr.to(), tr.atMs())));
        ticks = t;
        echo = new EchoStage(aec, t.inRateHz, t.inFrameSamples, outRateHz, outFrameSamples);
        logger.debug("session {}: input {} Hz (source {} Hz, vad {} Hz), output {} Hz (tts {} Hz), aec {}", name,
                t.inRateHz, source.sampleRateHz(), vad.sampleRateHz(), outRateHz, ttsEngine.sampleRateHz(),
                aec == null ? "off" : "on");
        capture = new CaptureStage(source, t.inRateHz, t.inFrameSamples);
        inputRing = new FrameRing(256, t.inFrameSamples);
        outputRing = new OutputRing(64, outFrameSamples);
        if (lockstep) {
            gate = new LockstepGate(config.engineTimeoutMs());
            gate.setOwner(Thread.currentThread());
        }
        workers = new Workers(name, config, t, log, inputRing, outputRing, gate, posted, outRateHz,
                outFrameSamples);
        conversation = new Conversation(t, log, stateMachine, workers, outputRing, config.turnPolicy().preRollMs());
        if (recordingPath != null) {
            recorder = new StereoRecorder(recordingPath, t.inRateHz, t.inFrameSamples, outRateHz, outFrameSamples);
        }
        playout = new PlayoutStage(sink, outputRing, conversation, echo, recorder, log, outFrameSamples);
        listen = new ListenStage(vad, new TurnDetector(t.inRateHz, config.turnPolicy(), config.bargeInPolicy()),
                conversation, inputRing, t, config.bargeInPolicy().confirmOnPartialWords());
        workers.start(conversation, asrEngine, ttsEngine); // the workers own these engines from here on
        asrEngine = null;
        ttsEngine = null;
        stateMachine.moveTo(SessionState.LISTENING, 0);
    }

    /** One 20 ms tick: the stages in order. Returns false when the session should end. */
    private boolean tick() throws IOException {
        if (gate != null) {
            gate.advanceTo(ticks.nowNanos()); // engines asleep until now wake, and catch up before the playout
            settle();
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
            settle(); // the recogniser has heard this frame and answered what it was asked
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
        String end = endCondition();
        if (end != null) {
            endReason = end;
            return false;
        }
        return true;
    }

    private void settle() {
        if (!gate.settle(() -> workers.settled(published), () -> stopRequested)) {
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

    private void fail(Throwable e) {
        endReason = "failed: " + e.getMessage();
        logger.error("session {} failed", name, e);
        log.emit(new SessionEvent.EngineError("session", String.valueOf(e.getMessage()), nowMs()));
    }

    // ------------------------------------------------------------------ shutdown

    private void shutdown() {
        if (conversation != null) {
            conversation.end();
        } else {
            if (stateMachine == null) {
                stateMachine = new StateMachine(1000,
                        tr -> log.emit(new SessionEvent.StateChanged(tr.from(), tr.to(), tr.atMs())));
            }
            if (stateMachine.state() != SessionState.TERMINATED) {
                stateMachine.moveTo(SessionState.TERMINATED, 0);
            }
        }
        if (outputRing != null) {
            outputRing.close();
        }
        if (inputRing != null) {
            inputRing.close();
        }
        if (workers != null) {
            workers.shutdown();
        }
        closeQuietly(asrEngine, "asr"); // opened but never handed to a worker
        closeQuietly(ttsEngine, "tts");
        closeQuietly(vad, "vad");
        closeQuietly(aec, "aec");
        closeQuietly(recorder, "recorder");
        closeQuietly(source, "source");
        closeQuietly(sink, "sink");
        if (endReason.isEmpty()) {
            endReason = "closed";
        }
        log.finish(durationS(), endReason, workers == null ? 0 : workers.droppedFrames());
        log.emit(new SessionEvent.SessionEnded(endReason, nowMs()));
    }

    private void closeQuietly(AutoCloseable c, String what) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            logger.warn("session {}: closing {} failed: {}", name, what, e.toString());
        }
    }

    private double nowMs() {
        Ticks t = ticks;
        return t == null ? 0 : t.nowMs();
    }

    private double durationS() {
        return nowMs() / 1000.0;
    }
}
