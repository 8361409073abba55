package io.github.voicechat.internal.session;

import io.github.voicechat.ConversationTurn;
import io.github.voicechat.Responder;
import io.github.voicechat.ResponderRequest;
import io.github.voicechat.ResponseSink;
import io.github.voicechat.audio.Framer;
import io.github.voicechat.audio.Resampler;
import io.github.voicechat.internal.bus.OutputRing;
import io.github.voicechat.spi.SpeechSynthesizer;
import io.github.voicechat.spi.SynthesisSink;
import io.github.voicechat.spi.TextSplitter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the responder and the synthesizer for one session on its own thread: text chunks are cut into sentences,
 * each sentence is synthesised as soon as it is complete (so speech starts before the answer is finished), resampled
 * once to the output rate, cut into 20 ms frames and queued on the output ring with back-pressure.
 */
final class ResponseWorker extends EngineWorker<SpeechSynthesizer> {

    private static final Logger log = LoggerFactory.getLogger(ResponseWorker.class);
    /** Where a sentence ends: the synthesizers' own rule, so an abbreviation is never cut from its sentence. */
    private static final TextSplitter SENTENCES = TextSplitter.sentences();

    record Job(ResponseState response, String transcript, List<ConversationTurn> history) {
    }

    /** Progress reports, called on the worker thread. */
    interface Progress {
        /** A response's synthesis ended: {@code audioMs} of speech took {@code busyMs} of synthesizer time. */
        void synthesized(ResponseWorker from, int turn, double audioMs, double busyMs);
    }

    private final Responder responder;
    private final OutputRing output;
    private final int outRateHz;
    private final Framer framer;
    private final long offerTimeoutMs;
    private final Runnable wakeSession;
    private final Progress progressListener;
    /** Ends the worker's wait for a job without being one. */
    private static final Job WAKE_UP = new Job(null, null, null);

    private final LinkedBlockingQueue<Job> jobs = new LinkedBlockingQueue<>();
    /** Jobs submitted and not yet taken; the session's supervisor reads it. */
    final AtomicInteger pendingJobs = new AtomicInteger();
    /** Bound once: a method reference evaluated per call would allocate on every queued piece of audio. */
    private final Framer.FrameConsumer offerFrame = this::offer;
    /** The job taken last (done or not); set before the job leaves the pending count. */
    volatile ResponseState current;
    /** Which engine the current job is in: "responder" or "tts", for a stall report. */
    private volatile String inEngine = "responder";

    private Resampler resampler;
    private float[] resampled;
    private long ttsSamples;
    private long ttsBusyNanos;
    private long offerWaitNanos;
    private boolean offerFailed;

    /**
     * @param tts         the synthesizer, or null to create one from {@code factory} on this worker's thread
     * @param wakeSession unparks the session's thread after progress (lockstep only; a no-op on the real clock)
     */
    ResponseWorker(String threadName, Responder responder, SpeechSynthesizer tts,
            Supplier<? extends SpeechSynthesizer> factory, OutputRing output, int outRateHz, int outFrameSamples,
            long offerTimeoutMs, LockstepGate gate, Listener listener, Runnable wakeSession, Progress progress) {
        super("tts", threadName, tts, factory, gate, listener);
        this.responder = responder;
        this.output = output;
        this.outRateHz = outRateHz;
        this.framer = new Framer(outFrameSamples);
        this.offerTimeoutMs = offerTimeoutMs;
        this.wakeSession = wakeSession;
        this.progressListener = progress;
    }

    void submit(Job job) {
        pendingJobs.incrementAndGet();
        jobs.add(job);
    }

    /** Jobs submitted and not yet taken, removed from this worker (for its replacement). */
    List<Job> takeQueuedJobs() {
        List<Job> out = new ArrayList<>();
        jobs.drainTo(out);
        out.removeIf(j -> j == WAKE_UP);
        pendingJobs.addAndGet(-out.size());
        return out;
    }

    @Override
    void wakeup() {
        jobs.add(WAKE_UP); // not a job: it only ends the wait for one
    }

    /** Whether the job taken was cancelled by the session but the worker is still in it (a stuck engine, maybe). */
    boolean inCancelledJob() {
        ResponseState r = current;
        return r != null && r.isCancelled() && !r.isDoneProducing();
    }

    String inEngine() {
        return inEngine;
    }

    @Override
    String engineName() {
        return inEngine;
    }

    @Override
    protected void work() throws InterruptedException {
        SpeechSynthesizer tts = engine;
        resampler = Resampler.create(tts.sampleRateHz(), outRateHz);
        resampled = new float[resampler.maxOutputSamples(8192) + resampler.delaySamples() + 16];
        while (running) {
            Job job = jobs.take(); // a job, or the wake-up that stop() sends
            if (job != WAKE_UP) {
                current = job.response();
                pendingJobs.decrementAndGet();
                startWork();
                runJob(tts, job);
            }
        }
    }

    private void runJob(SpeechSynthesizer tts, Job job) {
        ResponseState response = job.response(); // also for the sink's methods that other threads may call
        ttsSamples = 0;
        ttsBusyNanos = 0;
        offerWaitNanos = 0;
        offerFailed = false;
        resampler.reset();
        framer.reset(0);
        boolean failed = false;
        int[] synthesized = {0}; // chars of the response text already sent to the synthesizer
        ResponseSink sink = new ResponseSink() {
            @Override
            public boolean text(String chunk) {
                if (isCancelled()) {
                    return false;
                }
                progress++;
                if (!chunk.isBlank()) {
                    response.markFirstText();
                }
                response.appendText(chunk);
                synthesizeCompleteSentences(tts, response, synthesized, false);
                inEngine = "responder";
                return !isCancelled();
            }

            @Override
            public boolean isCancelled() {
                return response.isCancelled() || offerFailed || !running || abandoned;
            }

            @Override
            public void firstToken() {
                response.markFirstToken();
            }

            @Override
            public void reportError(Throwable error) {
                if (!abandoned) { // an abandoned worker's output is discarded, its errors too
                    listener.failed("response for turn " + response.turn, error);
                }
            }
        };
        try {
            inEngine = "responder";
            responder.respond(new ResponderRequest(job.transcript(), job.history()), sink);
            synthesizeCompleteSentences(tts, response, synthesized, true);
            if (!sink.isCancelled()) {
                drainTail(response);
            }
        } catch (Throwable e) {
            failed = true;
            Throwable reported = survivable(e);
            if (!response.isCancelled() && !abandoned) {
                listener.failed("response for turn " + response.turn, reported);
            }
        } finally {
            if (ttsSamples > 0) {
                progressListener.synthesized(this, response.turn, ttsSamples * 1000.0 / tts.sampleRateHz(),
                        ttsBusyNanos / 1e6);
            }
            response.markDone(failed);
            progress++;
            wakeSession.run();
        }
    }

    private void synthesizeCompleteSentences(SpeechSynthesizer tts, ResponseState response, int[] synthesized,
            boolean all) {
        while (!response.isCancelled() && !offerFailed) {
            int length = response.textLength();
            if (synthesized[0] >= length) {
                return;
            }
            String pending = response.textRange(synthesized[0], length);
            int end = SENTENCES.nextEnd(pending, 0, all);
            if (end < 0) {
                return;
            }
            String sentence = pending.substring(0, end);
            int base = synthesized[0];
            synthesized[0] += end;
            if (!sentence.isBlank()) {
                synthesize(tts, response, sentence, base);
            }
        }
    }

    private void synthesize(SpeechSynthesizer tts, ResponseState response, String sentence, int baseChar) {
        inEngine = "tts";
        long started = System.nanoTime();
        tts.synthesize(sentence, new SynthesisSink() {
            @Override
            public boolean audio(float[] samples, int offset, int length) {
                if (isCancelled()) {
                    return false;
                }
                // A NaN would reach the speaker (and poison the resampler's state): refuse the answer, naming the
                // TTS. Only the part inside the array is looked at; a range beyond it is the resampler's to refuse.
                FiniteAudio.require("TTS", samples, Math.max(0, offset),
                        Math.max(0, Math.min(offset + length, samples.length) - Math.max(0, offset)));
                ttsSamples += length;
                int i = offset;
                while (i < offset + length) {
                    int n = Math.min(8192, offset + length - i);
                    int produced = resampler.process(samples, i, n, resampled, 0);
                    // A synthesizer that clips wildly is heard at full scale, never beyond what a speaker takes.
                    for (int k = 0; k < produced; k++) {
                        resampled[k] = Math.max(-1f, Math.min(1f, resampled[k]));
                    }
                    queue(response, resampled, produced);
                    i += n;
                }
                return !isCancelled();
            }

            @Override
            public void textMark(int endChar) {
                // Output sample where the marked text is complete: TTS position scaled, plus the resampler's delay.
                long outPos = Math.round(ttsSamples * (double) outRateHz / tts.sampleRateHz())
                        + resampler.delaySamples();
                response.addMark(outPos, baseChar + endChar);
            }

            @Override
            public boolean isCancelled() {
                return response.isCancelled() || offerFailed || !running || abandoned;
            }
        });
        // The synthesizer's own time: what it took, less the time spent waiting for room in the output ring.
        long busy = System.nanoTime() - started - offerWaitNanos;
        offerWaitNanos = 0;
        ttsBusyNanos += busy;
        if (log.isDebugEnabled()) {
            log.debug("turn {}: synthesised {} chars in {} ms", response.turn, sentence.length(), busy / 1_000_000);
        }
        // Text with no marks of its own counts as spoken once all its audio has played; a synthesis cut short
        // produced only part of that audio, so its end would falsely mark the whole sentence as spoken.
        if (!response.isCancelled() && !offerFailed && !abandoned) {
            long outPos = Math.round(ttsSamples * (double) outRateHz / tts.sampleRateHz()) + resampler.delaySamples();
            response.addMark(outPos, baseChar + sentence.length());
        }
    }

    private void drainTail(ResponseState response) {
        int produced = resampler.flush(resampled, 0);
        queue(response, resampled, produced);
        framer.flushPadded(offerFrame);
    }

    private void queue(ResponseState response, float[] samples, int length) {
        if (length > 0 && !offerFailed) {
            framer.push(samples, 0, length, offerFrame);
        }
    }

    private void offer(float[] frame, int offset, int length, long startSample) {
        ResponseState response = current;
        if (offerFailed || response.isCancelled()) {
            return;
        }
        try {
            while (true) {
                long t0 = System.nanoTime();
                OutputRing.OfferResult r = output.offer(frame, offset, length, outRateHz, startSample,
                        response.epoch, offerTimeoutMs, TimeUnit.MILLISECONDS);
                offerWaitNanos += System.nanoTime() - t0;
                switch (r) {
                    case ACCEPTED:
                        response.addQueued(length);
                        progress++;
                        wakeSession.run();
                        return;
                    case TIMED_OUT:
                        // The playout is paused (barge-in pending) or stalled: keep waiting unless cancelled.
                        if (response.isCancelled() || !running || abandoned) {
                            offerFailed = true;
                            return;
                        }
                        continue;
                    default: // CANCELLED or CLOSED: the response was stopped
                        offerFailed = true;
                        return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            offerFailed = true;
        }
    }
}
