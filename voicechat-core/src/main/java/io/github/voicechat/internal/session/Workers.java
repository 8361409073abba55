package io.github.voicechat.internal.session;

import io.github.voicechat.SessionEvent;
import io.github.voicechat.internal.bus.FrameRing;
import io.github.voicechat.internal.bus.OutputRing;
import io.github.voicechat.spi.SpeechRecognizer;
import io.github.voicechat.spi.SpeechSynthesizer;
import io.github.voicechat.spi.Transcript;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session's two worker threads (recogniser; responder + synthesizer) and their supervision, on the session's
 * thread.
 *
 * <p>Once per tick {@link #supervise} reads each worker's progress counter. A worker that has work but has made no
 * progress for the engine timeout (counted in ticks, so it is exact on a virtual clock), or whose thread died, is
 * <em>abandoned</em> (its results are discarded from then on, and it is interrupted) and <em>replaced</em> by a new
 * thread with a new engine instance, created on that thread, so the next turn is answered on time. The turn it was
 * working on is ended: a recogniser's with an empty transcript, a responder's or synthesizer's by stopping the
 * response. A new job for a responder still stuck in a cancelled one goes to a replacement at once (behind a
 * discarded speculation, after a short grace for it to unwind). An abandoned
 * thread that is still alive after a grace period (or, on a virtual clock, that went back to sleep rather than end)
 * is reported as a {@link SessionEvent.ThreadLeaked} event, and again checked when the session ends.
 */
final class Workers {

    private static final Logger logger = LoggerFactory.getLogger(Workers.class);
    /** How long an abandoned thread may take to end, on the real clock, before it is reported as leaked. */
    private static final long LEAK_GRACE_TICKS = 50;
    /** A replacement worker may spend this many engine timeouts creating its engine before it counts as stuck. */
    private static final int LOAD_TIMEOUTS = 4;
    /**
     * How long a job may wait for a worker to unwind from a discarded speculation (100 ms) before the worker is
     * replaced: a speculation stuck in its responder delays the answer by no more than that.
     */
    static final long UNWIND_GRACE_TICKS = 5;

    /** A worker the session gave up on, kept until its thread ends (to join it at the end) . */
    private static final class Abandoned {
        final EngineWorker<?> worker;
        final long atTick;
        boolean reported;

        Abandoned(EngineWorker<?> worker, long atTick) {
            this.worker = worker;
            this.atTick = atTick;
        }
    }

    private final String name;
    private final SessionConfig config;
    private final Ticks ticks;
    private final SessionLog log;
    private final FrameRing inputRing;
    private final OutputRing outputRing;
    private final LockstepGate gate;
    private final Queue<Runnable> posted;
    private final Runnable wakeSession;
    private final int outRateHz;
    private final int outFrameSamples;
    private final int historyFrames;
    private final long preRollSamples;
    private final long timeoutTicks;
    private final List<Abandoned> abandoned = new ArrayList<>();
    private Conversation conversation;
    /**
     * The current recogniser's worker (replaced when it is abandoned); session thread only. The stages read it as a
     * field (its {@code partial} words, its commands), so a tick that talks to the recogniser does not pass through
     * this file.
     */
    AsrWorker asr;
    private ResponseWorker responder;
    private int asrCount;
    private int responderCount;
    private long retiredDropped;
    private long reportedDrops;
    private long asrSeen;
    private long asrProgressTick;
    private long responderSeen;
    private long responderProgressTick;
    /** The tick a job was queued behind a discarded speculation still unwinding; -1 when none waits so. */
    private long queuedBehindDiscardedTick = -1;

    Workers(String name, SessionConfig config, Ticks ticks, SessionLog log, FrameRing inputRing,
            OutputRing outputRing, LockstepGate gate, Queue<Runnable> posted, int outRateHz, int outFrameSamples) {
        this.name = name;
        this.config = config;
        this.ticks = ticks;
        this.log = log;
        this.inputRing = inputRing;
        this.outputRing = outputRing;
        this.gate = gate;
        this.posted = posted;
        this.wakeSession = gate == null ? () -> { } : gate::wakeOwner;
        this.outRateHz = outRateHz;
        this.outFrameSamples = outFrameSamples;
        int preRollFrames = config.turnPolicy().preRollMs() / Ticks.TICK_MS;
        this.historyFrames = preRollFrames + config.turnPolicy().minSpeechMs() / Ticks.TICK_MS
                + config.bargeInPolicy().confirmMs() / Ticks.TICK_MS + 8;
        this.preRollSamples = (long) ticks.inRateHz * config.turnPolicy().preRollMs() / 1000;
        this.timeoutTicks = Ticks.ticksFor(config.engineTimeoutMs());
    }

    /** Starts the first two workers with the engines the session opened (whose rates it has read). */
    void start(Conversation conversation, SpeechRecognizer asrEngine, SpeechSynthesizer ttsEngine) {
        this.conversation = conversation;
        asr = newAsr(asrEngine);
        responder = newResponder(ttsEngine);
        asr.start();
        responder.start();
    }

    /**
     * Hands a response to the responder's worker. If the worker is still in a cancelled job it may be stuck there, so
     * the job goes to a fresh worker at once, except behind a discarded speculation: that one was cancelled on
     * purpose a moment ago and is normally unwinding, and a fresh worker would first create its own synthesizer
     * (FreeTTS cold: ~0.3 s) before answering. The job then waits on the current worker, for
     * {@link #UNWIND_GRACE_TICKS} at most ({@link #supervise} replaces the worker after that).
     */
    void respond(ResponseWorker.Job job) {
        ResponseState cancelled = responder.inCancelledJob() ? responder.current : null;
        if (cancelled != null && cancelled.isDiscarded()) {
            if (queuedBehindDiscardedTick < 0) {
                queuedBehindDiscardedTick = ticks.tick;
            }
        } else if (cancelled != null) {
            replaceResponder();
        }
        responder.submit(job);
    }

    /** Input frames the recogniser lost because it fell a whole ring behind, over every worker it had. */
    long droppedFrames() {
        AsrWorker a = asr;
        return retiredDropped + (a == null ? 0 : a.input.droppedFrames());
    }

    /**
     * Lockstep: whether both workers have done all they can at the current virtual time. Read from the workers'
     * fields, as the supervisor does.
     */
    boolean settled(long publishedEnd) {
        return asrSettled(asr, publishedEnd) && responderSettled(responder);
    }

    private static boolean asrSettled(AsrWorker a, long publishedEnd) {
        LockstepGate.Sleeper s = a.sleeper;
        return a.pending.get() == 0 && !(a.feeding && a.consumedEndSample < publishedEnd)
                || s != null && s.asleep || a.death != null;
    }

    private boolean responderSettled(ResponseWorker r) {
        if (r.death != null) {
            return true;
        }
        ResponseState job = r.current;
        LockstepGate.Sleeper s = r.sleeper;
        if (r.pendingJobs.get() > 0) {
            // A worker asleep in virtual time inside a cancelled job wakes only as that time passes: settled.
            return job != null && job.isCancelled() && s != null && s.asleep;
        }
        return job == null || job.doneProducing || s != null && s.asleep || outputRing.isFull();
    }

    /** Lockstep: the gate waited the engine timeout in real time; whoever has not settled is stuck. */
    void stalledInRealTime(long publishedEnd) {
        String msg = " made no progress for " + config.engineTimeoutMs() + " ms";
        if (!asrSettled(asr, publishedEnd)) {
            replaceAsr("asr" + msg);
        }
        if (!responderSettled(responder)) {
            stallResponse(responder.inEngine(), responder.inEngine() + msg);
        }
    }

    /**
     * Once per tick: reports input frames the recogniser lost, replaces a stuck or dead worker, reports abandoned
     * threads that did not end. It reads the workers' volatile fields, not their methods: in a quiet tick it is the
     * one call into this file and touches no other.
     */
    void supervise(long publishedEnd) {
        AsrWorker a = asr;
        if (a.death != null) {
            replaceAsr("asr worker died: " + a.death);
        } else if (a.progress != asrSeen) {
            asrSeen = a.progress;
            asrProgressTick = ticks.tick;
            reportDrops();
        } else if (a.pending.get() == 0 && !(a.feeding && a.consumedEndSample < publishedEnd)) {
            asrProgressTick = ticks.tick + 1; // idle: work can start next tick at the earliest
        } else if (a.loading) {
            if (ticks.tick - asrProgressTick >= LOAD_TIMEOUTS * timeoutTicks) {
                replaceAsr("the replacement asr did not load in " + LOAD_TIMEOUTS * config.engineTimeoutMs() + " ms");
            }
        } else if (ticks.tick - asrProgressTick >= timeoutTicks) {
            replaceAsr("asr made no progress for " + config.engineTimeoutMs() + " ms");
        }
        if (queuedBehindDiscardedTick >= 0) {
            if (!responder.inCancelledJob()) {
                queuedBehindDiscardedTick = -1; // it unwound; the job is its
            } else if (ticks.tick - queuedBehindDiscardedTick >= UNWIND_GRACE_TICKS) {
                queuedBehindDiscardedTick = -1;
                logger.debug("session {}: a discarded speculation did not unwind in {} ms; replacing the worker",
                        name, UNWIND_GRACE_TICKS * Ticks.TICK_MS);
                replaceResponder(); // the queued job moves to the new worker; nothing was stalled, no event
                if (gate != null) {
                    // Lockstep: the new worker takes the job now, not racing the next tick's playout.
                    ResponseWorker fresh = responder;
                    gate.settle(() -> responderSettled(fresh), () -> false);
                }
            }
        }
        ResponseWorker r = responder;
        ResponseState job = r.current;
        if (r.death != null) {
            stallResponse("tts", "response worker died: " + r.death);
        } else if (r.progress != responderSeen) {
            responderSeen = r.progress;
            responderProgressTick = ticks.tick;
        } else if ((r.pendingJobs.get() == 0 && (job == null || job.doneProducing))
                || conversation.phase == Phase.PAUSED || outputRing.isFull()) {
            // No work, or held by the playout (a paused output, a full ring): neither is a stall.
            responderProgressTick = ticks.tick + 1;
        } else if (r.loading) {
            if (ticks.tick - responderProgressTick >= LOAD_TIMEOUTS * timeoutTicks) {
                stallResponse("tts", "the replacement tts did not load in " + LOAD_TIMEOUTS * config.engineTimeoutMs()
                        + " ms");
            }
        } else if (ticks.tick - responderProgressTick >= timeoutTicks) {
            stallResponse(r.inEngine(), r.inEngine() + " made no progress for " + config.engineTimeoutMs() + " ms");
        }
        if (!abandoned.isEmpty()) {
            abandoned.removeIf(x -> !x.worker.thread.isAlive());
            for (Abandoned x : abandoned) {
                if (!x.reported && ticks.tick - x.atTick >= LEAK_GRACE_TICKS) {
                    x.reported = true;
                    leaked(x.worker);
                }
            }
        }
    }

    /** Emits an event when the recogniser lost input frames since the last report (checked when it made progress). */
    private void reportDrops() {
        long dropped = retiredDropped + asr.input.droppedFrames();
        if (dropped != reportedDrops) {
            log.emit(new SessionEvent.FramesDropped("asr", dropped - reportedDrops, nowMs()));
            reportedDrops = dropped;
        }
    }

    private void stallResponse(String engine, String message) {
        logger.warn("session {}: {}", name, message);
        log.emit(new SessionEvent.EngineError(engine, message, nowMs()));
        conversation.on(Input.RESPONSE_STALLED, 0);
        replaceResponder();
    }

    private void replaceAsr(String message) {
        logger.warn("session {}: {}; replacing the recogniser", name, message);
        log.emit(new SessionEvent.EngineError("asr", message, nowMs()));
        AsrWorker old = asr;
        retiredDropped += old.input.droppedFrames();
        old.input.close();
        abandon(old);
        asr = newAsr(null);
        asr.start();
        asrSeen = 0;
        asrProgressTick = ticks.tick;
        int turn = conversation.transcribingTurn();
        if (turn > 0) {
            conversation.onTranscript(turn, Transcript.EMPTY, Double.NaN);
        } else {
            long onset = conversation.speechOnsetSample();
            if (onset >= 0) {
                asr.start(Math.max(0, onset - preRollSamples)); // what is still in the ring, at least
            }
        }
    }

    private void replaceResponder() {
        queuedBehindDiscardedTick = -1;
        ResponseWorker old = responder;
        List<ResponseWorker.Job> queued = old.takeQueuedJobs();
        abandon(old);
        responder = newResponder(null);
        responder.start();
        responderSeen = 0;
        responderProgressTick = ticks.tick;
        queued.forEach(responder::submit);
    }

    private void abandon(EngineWorker<?> worker) {
        worker.abandoned = true;
        worker.stop();
        worker.interrupt();
        Abandoned x = new Abandoned(worker, ticks.tick);
        abandoned.add(x);
        if (gate != null) {
            // Lockstep: know now, the same way every run, whether it ends or goes on (back to sleep, or stuck).
            gate.settle(() -> !worker.thread.isAlive() || worker.isAsleep(), () -> false);
            if (worker.thread.isAlive()) {
                x.reported = true;
                leaked(worker);
            }
        }
    }

    private void leaked(EngineWorker<?> worker) {
        logger.warn("session {}: thread {} did not end after it was interrupted (its {} ignores interruption); it "
                + "is left running", name, worker.thread.getName(), worker.engineName());
        log.emit(new SessionEvent.ThreadLeaked(worker.thread.getName(), worker.engineName(), nowMs()));
    }

    private AsrWorker newAsr(SpeechRecognizer engine) {
        String thread = name + "-asr" + (asrCount++ == 0 ? "" : "-" + asrCount);
        FrameRing.Consumer input = inputRing.subscribe(thread);
        int expectedRate = ticks.inRateHz;
        return new AsrWorker(thread, engine, () -> {
            SpeechRecognizer e = config.asr().get();
            if (e.sampleRateHz() != expectedRate) {
                e.close();
                throw new IllegalStateException("the replacement recogniser runs at " + e.sampleRateHz()
                        + " Hz, the session at " + expectedRate + " Hz");
            }
            return e;
        }, input, ticks.inRateHz, ticks.inFrameSamples, historyFrames, gate, this::onTranscript, this::onFailure,
                wakeSession);
    }

    private ResponseWorker newResponder(SpeechSynthesizer engine) {
        String thread = name + "-respond" + (responderCount++ == 0 ? "" : "-" + responderCount);
        return new ResponseWorker(thread, config.responder(), engine, config.tts(), outputRing, outRateHz,
                outFrameSamples, config.engineTimeoutMs(), gate, this::onFailure, wakeSession, this::onSynthesized);
    }

    // ------------------------------------------------------------------ from the workers' threads

    private void onTranscript(AsrWorker from, int turn, Transcript transcript, double rtf) {
        posted.add(() -> {
            if (!from.abandoned) {
                conversation.onTranscript(turn, transcript, rtf);
            }
        });
    }

    private void onFailure(String engine, Throwable e) {
        logger.warn("session {}: {} failed: {}", name, engine, e.toString(), e);
        posted.add(() -> log.emit(new SessionEvent.EngineError(engine, String.valueOf(e.getMessage()),
                nowMs())));
    }

    private void onSynthesized(ResponseWorker from, int turn, double audioMs, double busyMs) {
        posted.add(() -> SessionStages.note(log, new SessionEvent.SynthesisFinished(turn, audioMs, // run in a tick
                audioMs > 0 ? busyMs / audioMs : Double.NaN, nowMs())));
    }

    // ------------------------------------------------------------------ end

    /**
     * Stops every worker: asks, interrupts, waits a bounded time for each thread, and reports those still running.
     * Each worker closes its own engine as its thread ends.
     */
    void shutdown() {
        List<EngineWorker<?>> current = new ArrayList<>(2);
        for (EngineWorker<?> w : new EngineWorker<?>[] {asr, responder}) {
            if (w != null) {
                current.add(w);
            }
        }
        for (EngineWorker<?> w : current) {
            w.stop();
        }
        if (gate != null) {
            gate.close();
        }
        long waitMs = Math.max(1000, config.engineTimeoutMs());
        for (EngineWorker<?> w : current) {
            if (!w.interruptAndJoin(waitMs)) {
                leaked(w);
            }
        }
        for (Abandoned x : abandoned) {
            if (!x.worker.interruptAndJoin(waitMs) && !x.reported) {
                leaked(x.worker);
            }
        }
        abandoned.clear();
    }

    /** The session's audio time, off the tick counter's field (as {@link Ticks#nowMs} computes it, with no call). */
    private double nowMs() {
        return ticks.tick * (double) Ticks.TICK_MS;
    }
}
