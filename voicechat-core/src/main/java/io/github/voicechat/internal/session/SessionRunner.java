package io.github.voicechat.internal.session;

import io.github.voicechat.ConversationTurn;
import io.github.voicechat.SessionEvent;
import io.github.voicechat.SessionListener;
import io.github.voicechat.SessionReport;
import io.github.voicechat.SessionState;
import io.github.voicechat.TurnReport;
import io.github.voicechat.VoicechatException;
import io.github.voicechat.audio.AudioFrame;
import io.github.voicechat.audio.AudioSink;
import io.github.voicechat.audio.AudioSource;
import io.github.voicechat.audio.Framer;
import io.github.voicechat.audio.Resampler;
import io.github.voicechat.audio.internal.SpeakerPath;
import io.github.voicechat.internal.bus.FrameRing;
import io.github.voicechat.internal.bus.OutputRing;
import io.github.voicechat.internal.bus.PlaybackCommand;
import io.github.voicechat.spi.EchoCanceller;
import io.github.voicechat.spi.SpeechRecognizer;
import io.github.voicechat.spi.SpeechSynthesizer;
import io.github.voicechat.spi.Transcript;
import io.github.voicechat.spi.VoiceActivityDetector;
import io.github.voicechat.time.Clock;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session loop: one thread, one 20 ms tick at a time.
 *
 * <p>Each tick (1) plays one output frame, reading the control lane first so PAUSE and STOP never wait behind queued
 * audio, (2) captures one input frame, (3) cancels the echo of the frame just played, publishes the cleaned frame on
 * the input bus and runs the VAD and turn logic on it. The recogniser and the responder + synthesizer run on their
 * own threads. On a real clock the loop is paced by the source (a microphone) or by the clock (a file); on a virtual
 * clock it runs as fast as the engines allow and, after each step, waits for the worker threads to catch up
 * (lockstep), so every event lands on the same tick in every run: audio time is exact and tests are deterministic.
 */
public final class SessionRunner implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(SessionRunner.class);
    private static final int TICK_MS = 20;
    private static final long TICK_NANOS = TICK_MS * 1_000_000L;
    /** After the source ends the session waits at most this long for the last turn to play out. */
    private static final long DRAIN_AFTER_EOF_MS = 120_000;
    private static final int JITTER_BUCKETS = 2_000; // 0.1 ms buckets up to 200 ms

    private final SessionConfig config;
    private final String name;
    private final AudioSource source;
    private final AudioSink sink;
    private final Path recordingPath;
    private final Clock clock;
    private final boolean lockstep;

    private final CountDownLatch finished = new CountDownLatch(1);
    private final ConcurrentLinkedQueue<Runnable> posted = new ConcurrentLinkedQueue<>();
    private final List<TurnReport> turns = new ArrayList<>();
    private final List<ConversationTurn> history = new ArrayList<>();
    private final long[] jitterHistogram = new long[JITTER_BUCKETS + 1];

    private volatile boolean stopRequested;
    private volatile Thread thread;
    private volatile SessionReport finalReport;
    private volatile StateMachine stateMachine;

    // Set up in run(), used on the session thread only.
    private int inRateHz;
    private int inFrameSamples;
    private int outRateHz;
    private int outFrameSamples;
    private VoiceActivityDetector vad;
    private SpeechRecognizer asr;
    private SpeechSynthesizer tts;
    private EchoCanceller aec;
    private TurnDetector detector;
    private FrameRing inputRing;
    private FrameRing.Consumer asrInput;
    private OutputRing outputRing;
    private AsrWorker asrWorker;
    private ResponseWorker responseWorker;
    private Thread asrThread;
    private Thread responseThread;
    private StereoRecorder recorder;
    private Resampler sourceResampler;
    private Resampler vadResampler;
    private Resampler farResampler;
    private Framer vadFramer;
    private float[] sourceBuffer;
    private float[] sourceResampled;
    private float[] inputFifo;
    private int inputFifoLength;
    private int sourceDrop;
    private int vadDrop;
    private int farDrop;
    private boolean sourceEnded;
    private float[] micFrame;
    private float[] cleanFrame;
    private float[] farFrame;
    private float[] farFifo;
    private int farFifoLength;
    private float[] vadBuffer;
    private AudioFrame playFrame;
    private float[] silence;
    // [device] What the speaker really plays and when: writes go through it, the echo canceller's far end comes
    // from it (delayed by the device's queues), and barge-in cuts the device's queue through it (issue #16).
    private SpeakerPath speakerPath;

    private long tick;
    private String partialAtTickEnd = "";
    private long eofTick = -1;
    private long lastActivityTick;
    private String endReason = "";
    private long underruns;
    private long jitterCount;

    // Turn bookkeeping.
    private int turnNumber;
    private Turn userTurn;        // the user turn in progress (speech started, not yet ended)
    private Turn botTurn;         // the turn whose response is being prepared or played
    private ResponseState response;
    private long responsePlayedSamples;
    private boolean responseAudible;
    private double pauseLatencyMs = Double.NaN;
    private long candidateOnsetSample;

    /** Mutable per-turn record, frozen into a {@link TurnReport}. */
    private static final class Turn {
        final int number;
        double userStartS = Double.NaN;
        double userEndS = Double.NaN;
        String transcript = "";
        String responseText = "";
        String playedText = "";
        double firstAudioLatencyMs = Double.NaN;
        boolean bargedIn;
        double bargeInLatencyMs = Double.NaN;
        int falseAlarms;

        Turn(int number) {
            this.number = number;
        }

        TurnReport freeze() {
            return new TurnReport(number, userStartS, userEndS, transcript, responseText, playedText,
                    firstAudioLatencyMs, bargedIn, bargeInLatencyMs, falseAlarms);
        }
    }

    public SessionRunner(SessionConfig config, String name, AudioSource source, AudioSink sink, Path recordingPath) {
        this.config = config;
        this.name = name;
        this.source = source;
        this.sink = sink;
        this.recordingPath = recordingPath;
        this.clock = config.clock();
        this.lockstep = clock.isVirtual();
    }

    // ------------------------------------------------------------------ API for VoiceSession (any thread)

    public SessionState state() {
        StateMachine sm = stateMachine;
        return sm == null ? SessionState.IDLE : sm.state();
    }

    public void requestStop() {
        stopRequested = true;
        Thread t = thread;
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
        return finished.await(timeout, unit);
    }

    public SessionReport report() {
        SessionReport r = finalReport;
        if (r != null) {
            return r;
        }
        synchronized (turns) {
            return buildReport();
        }
    }

    public List<ConversationTurn> history() {
        synchronized (history) {
            return List.copyOf(history);
        }
    }

    // ------------------------------------------------------------------ session thread

    @Override
    public void run() {
        thread = Thread.currentThread();
        try {
            open();
            loop();
        } catch (Throwable e) {
            endReason = "failed: " + e.getMessage();
            log.error("session {} failed", name, e);
            emit(new SessionEvent.EngineError("session", String.valueOf(e.getMessage()), nowMs()));
        } finally {
            shutdown();
            finished.countDown();
        }
    }

    private void open() throws IOException {
        vad = config.vad().get();
        asr = config.asr().get();
        tts = config.tts().get();
        aec = config.echoCanceller() == null ? null : config.echoCanceller().get();
        inRateHz = asr.sampleRateHz();
        inFrameSamples = inRateHz * TICK_MS / 1000;
        outRateHz = config.outputSampleRateHz() > 0 ? config.outputSampleRateHz() : sink.sampleRateHz();
        if (sink.sampleRateHz() != outRateHz) {
            throw new VoicechatException("sink rate " + sink.sampleRateHz() + " Hz differs from the pipeline's output rate "
                    + outRateHz + " Hz");
        }
        outFrameSamples = outRateHz * TICK_MS / 1000;
        stateMachine = new StateMachine(inRateHz,
                t -> emit(new SessionEvent.StateChanged(t.from(), t.to(), t.atMs())));
        if (aec != null) {
            aecFar = new float[aec.frameSamples()];
            aecNear = new float[aec.frameSamples()];
            aecOut = new float[aec.frameSamples()];
        }
        if (aec != null && (aec.sampleRateHz() != inRateHz || inFrameSamples % aec.frameSamples() != 0)) {
            throw new VoicechatException("echo canceller works at " + aec.sampleRateHz() + " Hz in frames of "
                    + aec.frameSamples() + " samples; the input runs at " + inRateHz + " Hz in 20 ms frames of "
                    + inFrameSamples + " samples");
        }
        log.debug("session {}: input {} Hz (source {} Hz, vad {} Hz), output {} Hz (tts {} Hz), aec {}", name,
                inRateHz, source.sampleRateHz(), vad.sampleRateHz(), outRateHz, tts.sampleRateHz(),
                aec == null ? "off" : "on");

        detector = new TurnDetector(inRateHz, config.turnPolicy(), config.bargeInPolicy());
        sourceResampler = Resampler.create(source.sampleRateHz(), inRateHz);
        sourceDrop = sourceResampler.delaySamples();
        int sourceChunk = Math.max(1, source.sampleRateHz() * TICK_MS / 1000);
        sourceBuffer = new float[sourceChunk];
        sourceResampled = new float[sourceResampler.maxOutputSamples(sourceChunk) + sourceResampler.delaySamples() + 16];
        inputFifo = new float[4 * inFrameSamples + sourceResampled.length];
        vadResampler = Resampler.create(inRateHz, vad.sampleRateHz());
        vadDrop = vadResampler.delaySamples();
        vadBuffer = new float[vadResampler.maxOutputSamples(inFrameSamples) + 16];
        vadFramer = new Framer(vad.frameSamples());
        farResampler = Resampler.create(outRateHz, inRateHz);
        farDrop = farResampler.delaySamples();
        farFrame = new float[inFrameSamples];
        farFifo = new float[4 * inFrameSamples + farResampler.maxOutputSamples(outFrameSamples) + 16];
        micFrame = new float[inFrameSamples];
        cleanFrame = new float[inFrameSamples];
        silence = new float[outFrameSamples];
        playFrame = new AudioFrame(outFrameSamples);
        speakerPath = new SpeakerPath(sink, source, outFrameSamples); // [device]

        int preRollFrames = config.turnPolicy().preRollMs() / TICK_MS;
        int historyFrames = preRollFrames + config.turnPolicy().minSpeechMs() / TICK_MS
                + config.bargeInPolicy().confirmMs() / TICK_MS + 8;
        inputRing = new FrameRing(256, inFrameSamples);
        asrInput = inputRing.subscribe("asr");
        outputRing = new OutputRing(64, outFrameSamples, 64);
        Thread session = Thread.currentThread();
        Runnable wake = () -> LockSupport.unpark(session);
        asrWorker = new AsrWorker(asr, asrInput, inRateHz, inFrameSamples, historyFrames, this::onTranscript,
                this::onWorkerError, wake);
        responseWorker = new ResponseWorker(config.responder(), tts, outputRing, outRateHz, outFrameSamples,
                config.engineTimeoutMs(), this::onWorkerError, wake,
                (turn, audioMs, busyMs) -> posted.add(() -> emit(new SessionEvent.SynthesisFinished(turn, audioMs,
                        audioMs > 0 ? busyMs / audioMs : Double.NaN, nowMs()))));
        asrThread = new Thread(asrWorker, name + "-asr");
        responseThread = new Thread(responseWorker, name + "-respond");
        asrThread.setDaemon(true);
        responseThread.setDaemon(true);
        asrThread.start();
        responseThread.start();
        if (recordingPath != null) {
            recorder = new StereoRecorder(recordingPath, inRateHz, inFrameSamples, outRateHz, outFrameSamples);
        }
    }

    private void loop() throws IOException {
        stateMachine.moveTo(SessionState.LISTENING, 0);
        boolean paced = !lockstep && config.paceNonRealtimeSources() && !source.isRealtime() && !sink.isRealtime();
        long startNanos = clock.nanoTime();
        while (true) {
            if (stopRequested) {
                endReason = "closed";
                break;
            }
            if (paced) {
                long deadline = startNanos + tick * TICK_NANOS;
                long wait;
                while ((wait = deadline - clock.nanoTime()) > 0 && !stopRequested) {
                    LockSupport.parkNanos(this, wait);
                }
                recordJitter(clock.nanoTime() - deadline);
            } else if (!lockstep) {
                long late = clock.nanoTime() - (startNanos + tick * TICK_NANOS);
                recordJitter(Math.max(0, late));
            }
            playout();
            capture();
            process();
            if (lockstep) {
                asrTargetSample = (tick + 1) * inFrameSamples;
                awaitWorkers("asr", asrCaughtUp);
            }
            // The recogniser's words as of the end of this tick (after the lockstep wait), so the next tick's
            // barge-in decision does not depend on how far the ASR thread got in the meantime.
            partialAtTickEnd = asr.supportsPartials() ? asrWorker.partialText() : "";
            runPosted();
            reportFirstQueued();
            reportDrops();
            if (recorder != null) {
                recorder.write();
            }
            tick++;
            String end = endCondition();
            if (end != null) {
                endReason = end;
                break;
            }
        }
    }

    private String endCondition() {
        SessionState s = stateMachine.state();
        boolean quiet = s == SessionState.LISTENING && !detector.inUserTurn() && userTurn == null;
        if (quiet) {
            if (config.idleTimeoutMs() > 0 && (tick - lastActivityTick) * TICK_MS >= config.idleTimeoutMs()) {
                return "idle timeout";
            }
        } else {
            lastActivityTick = tick;
        }
        if (config.maxSessionMs() > 0 && tick * TICK_MS >= config.maxSessionMs()) {
            return "max duration";
        }
        if (sourceEnded) {
            if (quiet) {
                return "source ended";
            }
            if ((tick - eofTick) * TICK_MS > DRAIN_AFTER_EOF_MS) {
                return "source ended (last turn cut off)";
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ playout

    private void playout() throws IOException {
        PlaybackCommand c;
        while ((c = outputRing.pollControl()) != null) {
            log.trace("session {} tick {}: control {}", name, tick, c);
        }
        boolean played = false;
        if (response != null && !outputRing.isPaused()) {
            played = outputRing.poll(playFrame);
            if (!played && lockstep && !response.isDoneProducing() && !response.isCancelled()) {
                ResponseState r = response;
                awaitWorkers("tts", () -> outputRing.hasPendingFrame() || r.isDoneProducing());
                played = outputRing.poll(playFrame);
            }
        }
        float[] out = played ? playFrame.samples() : silence;
        int n = outFrameSamples;
        speakerPath.write(out, n, played); // [device]
        if (recorder != null) {
            recorder.played(out, 0, n);
        }
        feedFarEnd(speakerPath.farEnd(), n); // [device] what sounds while the next input frame is heard
        if (played) {
            responsePlayedSamples += n;
            if (!responseAudible) {
                responseAudible = true;
                detector.botSpeaking(true);
                if (botTurn != null) {
                    botTurn.firstAudioLatencyMs = nowMs() - botTurn.userEndS * 1000;
                    emit(new SessionEvent.FirstAudioPlayed(botTurn.number, botTurn.firstAudioLatencyMs, nowMs()));
                }
                if (stateMachine.state() == SessionState.THINKING) {
                    stateMachine.moveTo(SessionState.SPEAKING, inSample());
                }
            }
        } else if (response != null) {
            if (response.isDoneProducing() && !outputRing.isPaused() && !outputRing.hasPendingFrame()) {
                finishResponse();
            } else if (!outputRing.isPaused() && responseAudible) {
                underruns++;
            }
        }
    }

    private void finishResponse() {
        ResponseState r = response;
        Turn t = botTurn;
        response = null;
        botTurn = null;
        detector.botSpeaking(false);
        responseAudible = false;
        if (t != null) {
            t.responseText = r.text();
            t.playedText = r.hasFailed() ? r.playedText(responsePlayedSamples) : r.text();
            completeTurn(t);
        }
        SessionState s = stateMachine.state();
        if (s == SessionState.SPEAKING || s == SessionState.THINKING) {
            stateMachine.moveTo(SessionState.LISTENING, inSample());
        }
    }

    private void feedFarEnd(float[] out, int n) {
        if (aec == null) {
            return;
        }
        int produced = farResampler.process(out, 0, n, farFifo, farFifoLength);
        int skip = Math.min(farDrop, produced);
        if (skip > 0) {
            System.arraycopy(farFifo, farFifoLength + skip, farFifo, farFifoLength, produced - skip);
            farDrop -= skip;
        }
        farFifoLength += produced - skip;
    }

    // ------------------------------------------------------------------ capture and processing

    private void capture() throws IOException {
        while (inputFifoLength < inFrameSamples && !sourceEnded) {
            int got = source.read(sourceBuffer, 0, sourceBuffer.length);
            int produced;
            if (got < 0) {
                sourceEnded = true;
                eofTick = tick;
                produced = sourceResampler.flush(sourceResampled, 0);
            } else {
                produced = sourceResampler.process(sourceBuffer, 0, got, sourceResampled, 0);
            }
            int skip = Math.min(sourceDrop, produced);
            sourceDrop -= skip;
            System.arraycopy(sourceResampled, skip, inputFifo, inputFifoLength, produced - skip);
            inputFifoLength += produced - skip;
        }
        int n = Math.min(inFrameSamples, inputFifoLength);
        System.arraycopy(inputFifo, 0, micFrame, 0, n);
        java.util.Arrays.fill(micFrame, n, inFrameSamples, 0f);
        System.arraycopy(inputFifo, n, inputFifo, 0, inputFifoLength - n);
        inputFifoLength -= n;
        if (recorder != null) {
            recorder.mic(micFrame, 0, inFrameSamples);
        }
    }

    private void process() {
        float[] clean = micFrame;
        if (aec != null) {
            int n = Math.min(inFrameSamples, farFifoLength);
            System.arraycopy(farFifo, 0, farFrame, 0, n);
            java.util.Arrays.fill(farFrame, n, inFrameSamples, 0f);
            System.arraycopy(farFifo, n, farFifo, 0, farFifoLength - n);
            farFifoLength -= n;
            int step = aec.frameSamples();
            for (int i = 0; i < inFrameSamples; i += step) {
                System.arraycopy(farFrame, i, aecFar, 0, step);
                System.arraycopy(micFrame, i, aecNear, 0, step);
                aec.process(aecFar, aecNear, aecOut);
                System.arraycopy(aecOut, 0, cleanFrame, i, step);
            }
            clean = cleanFrame;
        }
        inputRing.publish(clean, 0, inFrameSamples, inRateHz, inSample());
        int produced = vadResampler.process(clean, 0, inFrameSamples, vadBuffer, 0);
        int skip = Math.min(vadDrop, produced);
        vadDrop -= skip;
        vadFramer.push(vadBuffer, skip, produced - skip, vadFrameHandler);
        if (stateMachine.state() == SessionState.BARGED_IN && config.bargeInPolicy().confirmOnPartialWords()
                && !partialAtTickEnd.isBlank()) {
            handle(detector.confirmExternally());
        }
    }

    /** Bound once: a method reference evaluated every tick would allocate on the per-frame path. */
    private final Framer.FrameConsumer vadFrameHandler = this::onVadFrame;
    /** Lockstep: the input position the recogniser must have consumed before the tick ends; read by asrCaughtUp. */
    private long asrTargetSample;
    private final BooleanSupplier asrCaughtUp = () -> asrWorker.caughtUp(asrTargetSample);
    private float[] aecFar;
    private float[] aecNear;
    private float[] aecOut;

    private void onVadFrame(float[] frame, int offset, int length, long startSample) {
        float p = vad.speechProbability(frame, offset, length);
        long start = startSample * inRateHz / vad.sampleRateHz();
        int len = (int) ((long) length * inRateHz / vad.sampleRateHz());
        handle(detector.accept(p, start, len));
    }

    private void handle(TurnDetector.Event event) {
        long at = detector.eventSample();
        switch (event) {
            case NONE:
                return;
            case USER_START:
                if (stateMachine.state() == SessionState.THINKING) {
                    // The user spoke again before any answer was heard: drop that answer (or the wait for its
                    // transcript) and listen. A transcript still on its way is recorded when it arrives.
                    supersedePendingTurn();
                    stateMachine.moveTo(SessionState.LISTENING, inSample());
                }
                startUserTurn(at);
                asrWorker.start(Math.max(0, at - preRollSamples()));
                return;
            case USER_END:
                endUserTurn(at);
                return;
            case PAUSE:
                outputRing.send(PlaybackCommand.PAUSE, responsePlayedSamples);
                responsePlayedSamples -= cutDeviceQueue(); // [device] silent at the speaker now, not a queue later
                candidateOnsetSample = at;
                // Output is silent from the next frame boundary: the next tick's playout reads the control lane first.
                pauseLatencyMs = (tick + 1) * TICK_MS - ms(at);
                stateMachine.moveTo(SessionState.BARGED_IN, inSample());
                emit(new SessionEvent.BargeInPaused(botTurn == null ? 0 : botTurn.number, ms(at), pauseLatencyMs,
                        nowMs()));
                // Start recognising at once so partial words can confirm the barge-in.
                asrWorker.start(Math.max(0, at - preRollSamples()));
                return;
            case RESUME:
                outputRing.send(PlaybackCommand.RESUME, responsePlayedSamples);
                asrWorker.cancel();
                if (botTurn != null) {
                    botTurn.falseAlarms++;
                }
                stateMachine.moveTo(SessionState.SPEAKING, inSample());
                emit(new SessionEvent.BargeInResumed(botTurn == null ? 0 : botTurn.number, responsePlayedSamples,
                        nowMs()));
                responsePlayedSamples += speakerPath.replay(); // [device] the cut samples play again first
                return;
            case CONFIRM:
                boolean wasPaused = stateMachine.state() == SessionState.BARGED_IN;
                if (!wasPaused) {
                    // Confirmed on its first frame: no PAUSE was sent, silence starts at the next boundary all the same.
                    pauseLatencyMs = (tick + 1) * TICK_MS - ms(at);
                    responsePlayedSamples -= cutDeviceQueue(); // [device] before the played text is taken
                    asrWorker.start(Math.max(0, at - preRollSamples()));
                }
                Turn interrupted = botTurn;
                String played = response == null ? "" : response.playedText(responsePlayedSamples);
                if (interrupted != null) {
                    interrupted.bargedIn = true;
                    interrupted.bargeInLatencyMs = pauseLatencyMs;
                }
                emit(new SessionEvent.BargeInConfirmed(interrupted == null ? 0 : interrupted.number, played, nowMs()));
                cancelResponse(false);
                stateMachine.moveTo(SessionState.LISTENING, inSample());
                startUserTurn(at);
                return;
            default:
                throw new AssertionError(event);
        }
    }

    /** [device] Drops the speaker's unplayed queue; returns the response samples in it (never heard). */
    private int cutDeviceQueue() {
        if (speakerPath == null) {
            return 0;
        }
        try {
            return speakerPath.cut();
        } catch (IOException e) {
            // The next write reports a device that is gone; a cut that failed only means the queue plays out.
            log.debug("session {}: dropping the speaker's queue failed: {}", name, e.toString());
            return 0;
        }
    }

    private long preRollSamples() {
        return (long) inRateHz * config.turnPolicy().preRollMs() / 1000;
    }

    private void startUserTurn(long atSample) {
        userTurn = new Turn(++turnNumber);
        userTurn.userStartS = atSample / (double) inRateHz;
        emit(new SessionEvent.UserSpeechStarted(userTurn.number, ms(atSample)));
    }

    private void endUserTurn(long atSample) {
        Turn t = userTurn;
        userTurn = null;
        if (t == null) {
            return;
        }
        t.userEndS = atSample / (double) inRateHz;
        emit(new SessionEvent.UserSpeechEnded(t.number, ms(atSample)));
        botTurn = t;
        response = null;
        stateMachine.moveTo(SessionState.THINKING, inSample());
        // Everything published so far (up to the end of this tick's frame) belongs to the utterance.
        asrWorker.finish(t.number, inSample() + inFrameSamples);
    }

    /** Stops the current response: flush queued audio, cancel synthesis and the responder. */
    private void cancelResponse(boolean completeTurn) {
        ResponseState r = response;
        Turn t = botTurn;
        if (r != null) {
            r.cancel();
            outputRing.send(PlaybackCommand.STOP, responsePlayedSamples);
            responsePlayedSamples -= cutDeviceQueue(); // [device]
            if (speakerPath != null) {
                speakerPath.forgetCut(); // [device]
            }
            // A stopped response may have been paused; the next one must start unpaused.
            outputRing.send(PlaybackCommand.RESUME, 0);
        }
        response = null;
        botTurn = null;
        detector.botSpeaking(false);
        if (t != null) {
            t.responseText = r == null ? "" : r.text();
            t.playedText = r == null ? "" : r.playedText(responsePlayedSamples);
            if (completeTurn) {
                t.bargedIn = true;
            }
            completeTurn(t);
        }
        responseAudible = false;
    }

    private void completeTurn(Turn t) {
        TurnReport report = t.freeze();
        synchronized (turns) {
            turns.add(report);
        }
        synchronized (history) {
            if (!t.transcript.isEmpty()) {
                history.add(new ConversationTurn(ConversationTurn.Role.USER, t.transcript));
            }
            if (!t.playedText.isEmpty()) {
                history.add(new ConversationTurn(ConversationTurn.Role.ASSISTANT, t.playedText));
            }
        }
        emit(new SessionEvent.TurnCompleted(report, nowMs()));
    }

    // ------------------------------------------------------------------ worker callbacks (posted to this thread)

    /** Turns whose answer was dropped because the user spoke again before their transcript arrived. */
    private final java.util.Map<Integer, Turn> supersededTurns = new java.util.HashMap<>();

    /**
     * Abandons the turn being answered (state THINKING): its response, if any, is stopped; if its transcript has
     * not arrived yet, the turn is completed when it does, so the report and history still hold what was said.
     */
    private void supersedePendingTurn() {
        Turn t = botTurn;
        if (response != null) {
            cancelResponse(true);
            return;
        }
        botTurn = null;
        if (t != null) {
            t.bargedIn = true;
            supersededTurns.put(t.number, t);
        }
    }

    private void onTranscript(int turn, Transcript transcript, double rtf) {
        posted.add(() -> {
            emit(new SessionEvent.TranscriptReady(turn, transcript.text(), rtf, nowMs()));
            recordRtf(rtf);
            Turn superseded = supersededTurns.remove(turn);
            if (superseded != null) {
                superseded.transcript = transcript.text();
                completeTurn(superseded);
                return;
            }
            Turn t = botTurn;
            if (t == null || t.number != turn || response != null) {
                return; // the turn was abandoned meanwhile (the user spoke again)
            }
            t.transcript = transcript.text();
            if (transcript.isEmpty()) {
                botTurn = null;
                completeTurn(t);
                if (stateMachine.state() == SessionState.THINKING) {
                    stateMachine.moveTo(SessionState.LISTENING, inSample());
                }
                return;
            }
            response = new ResponseState(turn, outputRing.epoch());
            responsePlayedSamples = 0;
            responseAudible = false;
            List<ConversationTurn> snapshot;
            synchronized (history) {
                snapshot = List.copyOf(history);
            }
            responseWorker.submit(new ResponseWorker.Job(response, t.transcript, snapshot));
        });
    }

    private double asrRtfSum;
    private int asrRtfCount;

    private void recordRtf(double rtf) {
        if (!Double.isNaN(rtf)) {
            asrRtfSum += rtf;
            asrRtfCount++;
        }
    }

    private void onWorkerError(String engine, Throwable e) {
        log.warn("session {}: {} failed: {}", name, engine, e.toString(), e);
        posted.add(() -> emit(new SessionEvent.EngineError(engine, String.valueOf(e.getMessage()), nowMs())));
    }

    private long reportedDrops;
    private ResponseState queuedReportedFor;

    /**
     * Emits FirstAudioQueued once the current response has audio in the output ring. In lockstep the engines take no
     * virtual time, so the session first waits for that audio (or the end of the response): the event then lands on
     * the tick the turn ended, every run.
     */
    private void reportFirstQueued() {
        ResponseState r = response;
        if (r == null || r == queuedReportedFor) {
            return;
        }
        if (lockstep && r.queuedSamples() == 0) {
            awaitWorkers("tts", () -> r.queuedSamples() > 0 || r.isDoneProducing() || r.isCancelled());
        }
        if (r.queuedSamples() > 0) {
            queuedReportedFor = r;
            emit(new SessionEvent.FirstAudioQueued(r.turn, nowMs()));
        }
    }

    /** Emits an event when the recogniser's cursor on the input bus lost frames since the last tick. */
    private void reportDrops() {
        long dropped = asrInput.droppedFrames();
        if (dropped != reportedDrops) {
            emit(new SessionEvent.FramesDropped("asr", dropped - reportedDrops, nowMs()));
            reportedDrops = dropped;
        }
    }

    private void runPosted() {
        Runnable r;
        while ((r = posted.poll()) != null) {
            r.run();
        }
    }

    /** Lockstep: park until {@code condition} holds, but never longer than the engine timeout (a stalled engine). */
    private void awaitWorkers(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.engineTimeoutMs());
        while (!condition.getAsBoolean()) {
            if (stopRequested) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                String msg = what + " made no progress for " + config.engineTimeoutMs() + " ms";
                log.warn("session {}: {}", name, msg);
                emit(new SessionEvent.EngineError(what, msg, nowMs()));
                if (what.equals("tts") && response != null) {
                    cancelResponse(false);
                    if (stateMachine.state() != SessionState.LISTENING) {
                        stateMachine.moveTo(SessionState.LISTENING, inSample());
                    }
                }
                return;
            }
            LockSupport.parkNanos(this, 200_000);
        }
    }

    // ------------------------------------------------------------------ shutdown and report

    private void shutdown() {
        if (response != null) {
            cancelResponse(false);
        }
        if (userTurn != null) {
            completeTurn(userTurn);
            userTurn = null;
        }
        for (Turn t : supersededTurns.values()) {
            completeTurn(t); // its transcript never came
        }
        supersededTurns.clear();
        if (stateMachine == null) {
            stateMachine = new StateMachine(1000,
                    t -> emit(new SessionEvent.StateChanged(t.from(), t.to(), t.atMs())));
        }
        if (stateMachine.state() != SessionState.TERMINATED) {
            stateMachine.moveTo(SessionState.TERMINATED, inSample());
        }
        if (asrWorker != null) {
            asrWorker.stop();
        }
        if (responseWorker != null) {
            responseWorker.stop();
        }
        if (outputRing != null) {
            outputRing.close();
        }
        if (inputRing != null) {
            inputRing.close();
        }
        join(asrThread);
        join(responseThread);
        closeQuietly(vad, "vad");
        closeQuietly(asr, "asr");
        closeQuietly(tts, "tts");
        closeQuietly(aec, "aec");
        closeQuietly(recorder, "recorder");
        closeQuietly(source, "source");
        closeQuietly(sink, "sink");
        if (endReason.isEmpty()) {
            endReason = "closed";
        }
        synchronized (turns) {
            finalReport = buildReport();
        }
        emit(new SessionEvent.SessionEnded(endReason, nowMs()));
    }

    private void join(Thread t) {
        if (t == null) {
            return;
        }
        t.interrupt();
        try {
            t.join(Math.max(1000, config.engineTimeoutMs()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (t.isAlive()) {
            log.warn("session {}: thread {} did not stop (an engine ignores interruption)", name, t.getName());
        }
    }

    private void closeQuietly(AutoCloseable c, String what) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            log.warn("session {}: closing {} failed: {}", name, what, e.toString());
        }
    }

    private SessionReport buildReport() {
        long dropped = asrInput == null ? 0 : asrInput.droppedFrames();
        double p50 = jitterCount == 0 ? Double.NaN : jitterPercentile(0.50);
        double p99 = jitterCount == 0 ? Double.NaN : jitterPercentile(0.99);
        double rtf = asrRtfCount == 0 ? Double.NaN : asrRtfSum / asrRtfCount;
        return new SessionReport(turns, tick * TICK_MS / 1000.0, endReason, dropped, underruns, p50, p99, rtf);
    }

    private void recordJitter(long lateNanos) {
        int bucket = (int) Math.min(JITTER_BUCKETS, Math.max(0, lateNanos / 100_000));
        jitterHistogram[bucket]++;
        jitterCount++;
    }

    private double jitterPercentile(double q) {
        long rank = (long) Math.ceil(q * jitterCount);
        long seen = 0;
        for (int i = 0; i <= JITTER_BUCKETS; i++) {
            seen += jitterHistogram[i];
            if (seen >= rank) {
                return i / 10.0;
            }
        }
        return JITTER_BUCKETS / 10.0;
    }

    private void emit(SessionEvent e) {
        if (log.isDebugEnabled()) {
            log.debug("session {}: {}", name, e);
        }
        for (SessionListener l : config.listeners()) {
            try {
                l.onEvent(e);
            } catch (RuntimeException ex) {
                log.warn("session {}: listener failed on {}: {}", name, e, ex.toString());
            }
        }
    }

    private long inSample() {
        return tick * inFrameSamples;
    }

    private double nowMs() {
        return tick * (double) TICK_MS;
    }

    private double ms(long inputSample) {
        return inputSample * 1000.0 / inRateHz;
    }
}
