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
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the responder and the synthesizer for one session on its own thread: text chunks are cut into sentences,
 * each sentence is synthesised as soon as it is complete (so speech starts before the answer is finished), resampled
 * once to the output rate, cut into 20 ms frames and queued on the output ring with back-pressure.
 */
final class ResponseWorker implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(ResponseWorker.class);
    /** Where a sentence ends: the synthesizers' own rule, so an abbreviation is never cut from its sentence. */
    private static final TextSplitter SENTENCES = TextSplitter.sentences();

    record Job(ResponseState response, String transcript, List<ConversationTurn> history) {
    }

    /** Progress reports, called on the worker thread. */
    interface Progress {
        /** A response's synthesis ended: {@code audioMs} of speech took {@code busyMs} of synthesizer time. */
        void synthesized(int turn, double audioMs, double busyMs);
    }

    private final Responder responder;
    private final SpeechSynthesizer tts;
    private final OutputRing output;
    private final int outRateHz;
    private final Resampler resampler;
    private final Framer framer;
    private final long offerTimeoutMs;
    private final BiConsumer<String, Throwable> onError;
    private final Runnable wakeSession;
    private final Progress progress;
    private final LinkedBlockingQueue<Job> jobs = new LinkedBlockingQueue<>();
    private final float[] resampled;
    /** Bound once: a method reference evaluated per call would allocate on every queued piece of audio. */
    private final Framer.FrameConsumer offerFrame = this::offer;
    private volatile boolean running = true;

    private ResponseState current;
    private long ttsSamples;
    private long ttsBusyNanos;
    private long offerWaitNanos;
    private boolean offerFailed;

    ResponseWorker(Responder responder, SpeechSynthesizer tts, OutputRing output, int outRateHz, int outFrameSamples,
            long offerTimeoutMs, BiConsumer<String, Throwable> onError, Runnable wakeSession, Progress progress) {
        this.responder = responder;
        this.tts = tts;
        this.output = output;
        this.outRateHz = outRateHz;
        this.resampler = Resampler.create(tts.sampleRateHz(), outRateHz);
        this.framer = new Framer(outFrameSamples);
        this.offerTimeoutMs = offerTimeoutMs;
        this.onError = onError;
        this.wakeSession = wakeSession;
        this.progress = progress;
        this.resampled = new float[resampler.maxOutputSamples(8192) + resampler.delaySamples() + 16];
    }

    void submit(Job job) {
        jobs.add(job);
    }

    void stop() {
        running = false;
    }

    @Override
    public void run() {
        while (running) {
            Job job;
            try {
                job = jobs.poll(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (job != null) {
                runJob(job);
            }
        }
    }

    private void runJob(Job job) {
        current = job.response();
        ResponseState response = current; // for the sink's methods that other threads may call
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
                if (!chunk.isBlank()) {
                    current.markFirstText();
                }
                current.appendText(chunk);
                synthesizeCompleteSentences(synthesized, false);
                return !isCancelled();
            }

            @Override
            public boolean isCancelled() {
                return current.isCancelled() || offerFailed || !running;
            }

            @Override
            public void firstToken() {
                response.markFirstToken();
            }

            @Override
            public void reportError(Throwable error) {
                onError.accept("response for turn " + response.turn, error);
            }
        };
        try {
            responder.respond(new ResponderRequest(job.transcript(), job.history()), sink);
            synthesizeCompleteSentences(synthesized, true);
            if (!sink.isCancelled()) {
                drainTail();
            }
        } catch (Exception | LinkageError e) {
            failed = true;
            if (!current.isCancelled()) {
                onError.accept("response for turn " + current.turn, e);
            }
        } finally {
            if (ttsSamples > 0) {
                progress.synthesized(current.turn, ttsSamples * 1000.0 / tts.sampleRateHz(), ttsBusyNanos / 1e6);
            }
            current.markDone(failed);
            wakeSession.run();
        }
    }

    private void synthesizeCompleteSentences(int[] synthesized, boolean all) {
        while (!current.isCancelled() && !offerFailed) {
            int length = current.textLength();
            if (synthesized[0] >= length) {
                return;
            }
            String pending = current.textRange(synthesized[0], length);
            int end = SENTENCES.nextEnd(pending, 0, all);
            if (end < 0) {
                return;
            }
            String sentence = pending.substring(0, end);
            int base = synthesized[0];
            synthesized[0] += end;
            if (!sentence.isBlank()) {
                synthesize(sentence, base);
            }
        }
    }

    private void synthesize(String sentence, int baseChar) {
        long started = System.nanoTime();
        tts.synthesize(sentence, new SynthesisSink() {
            @Override
            public boolean audio(float[] samples, int offset, int length) {
                if (isCancelled()) {
                    return false;
                }
                // A NaN would reach the speaker (and poison the resampler's state): refuse the answer, naming the
                // TTS. Only the part inside the array is looked at; a range beyond it is the resampler's to refuse.
                SessionRunner.requireFiniteFrom("TTS", samples, Math.max(0, offset),
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
                    queue(resampled, produced);
                    i += n;
                }
                return !isCancelled();
            }

            @Override
            public void textMark(int endChar) {
                // Output sample where the marked text is complete: TTS position scaled, plus the resampler's delay.
                long outPos = Math.round(ttsSamples * (double) outRateHz / tts.sampleRateHz())
                        + resampler.delaySamples();
                current.addMark(outPos, baseChar + endChar);
            }

            @Override
            public boolean isCancelled() {
                return current.isCancelled() || offerFailed || !running;
            }
        });
        // The synthesizer's own time: what it took, less the time spent waiting for room in the output ring.
        long busy = System.nanoTime() - started - offerWaitNanos;
        offerWaitNanos = 0;
        ttsBusyNanos += busy;
        if (log.isDebugEnabled()) {
            log.debug("turn {}: synthesised {} chars in {} ms", current.turn, sentence.length(), busy / 1_000_000);
        }
        // Text with no marks of its own counts as spoken once all its audio has played; a synthesis cut short
        // produced only part of that audio, so its end would falsely mark the whole sentence as spoken.
        if (!current.isCancelled() && !offerFailed) {
            long outPos = Math.round(ttsSamples * (double) outRateHz / tts.sampleRateHz()) + resampler.delaySamples();
            current.addMark(outPos, baseChar + sentence.length());
        }
    }

    private void drainTail() {
        int produced = resampler.flush(resampled, 0);
        queue(resampled, produced);
        framer.flushPadded(offerFrame);
    }

    private void queue(float[] samples, int length) {
        if (length > 0 && !offerFailed) {
            framer.push(samples, 0, length, offerFrame);
        }
    }

    private void offer(float[] frame, int offset, int length, long startSample) {
        if (offerFailed || current.isCancelled()) {
            return;
        }
        try {
            while (true) {
                long t0 = System.nanoTime();
                OutputRing.OfferResult r = output.offer(frame, offset, length, outRateHz, startSample,
                        current.epoch, offerTimeoutMs, TimeUnit.MILLISECONDS);
                offerWaitNanos += System.nanoTime() - t0;
                switch (r) {
                    case ACCEPTED:
                        current.addQueued(length);
                        wakeSession.run();
                        return;
                    case TIMED_OUT:
                        // The playout is paused (barge-in pending) or stalled: keep waiting unless cancelled.
                        if (current.isCancelled() || !running) {
                            offerFailed = true;
                            return;
                        }
                        continue;
                    default: // FLUSHED or CLOSED: the response was stopped
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
