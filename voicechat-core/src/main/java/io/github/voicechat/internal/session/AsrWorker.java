package io.github.voicechat.internal.session;

import io.github.voicechat.audio.AudioFrame;
import io.github.voicechat.audio.Resampler;
import io.github.voicechat.internal.bus.FrameRing;
import io.github.voicechat.spi.SpeechRecognizer;
import io.github.voicechat.spi.Transcript;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Feeds the recogniser from its own cursor on the input bus, on its own thread, so a slow recogniser never delays
 * the playout. The session sends position-stamped commands (start at a sample, finish, cancel); a short history of
 * frames lets a turn start before the moment it was detected (pre-roll), so the first phoneme is not lost.
 *
 * <p>Between utterances the worker does not read the bus at all: it sleeps until a command comes, and a START skips
 * only the frames that neither its pre-roll history nor the new utterance needs. So a listening session costs its
 * recogniser thread nothing, which matters when many sessions share the machine.
 */
final class AsrWorker extends EngineWorker<SpeechRecognizer> {

    /** Receives a finished utterance: its turn, transcript and real-time factor. Called on the worker's thread. */
    interface TranscriptHandler {
        void onTranscript(AsrWorker from, int turn, Transcript transcript, double realTimeFactor);
    }

    private enum Kind { START, FINISH, CANCEL }

    private record Command(Kind kind, long sample, int turn) {
    }

    /** The input this worker reads; closed when the worker is replaced. */
    final FrameRing.Consumer input;
    private final int inRateHz;
    private final AudioFrame[] history;
    private final AudioFrame frame;
    private final TranscriptHandler onTranscript;
    private final Runnable wakeSession;
    private final ConcurrentLinkedQueue<Command> commands = new ConcurrentLinkedQueue<>();
    /** Commands sent and not yet carried out; the session's supervisor reads it. */
    final AtomicInteger pending = new AtomicInteger();
    /** End of the last frame consumed; the session reads it. */
    volatile long consumedEndSample;
    /** Whether an utterance is being fed; written by the worker, read by the session. */
    volatile boolean feeding;
    /** The recogniser's partial words for the current utterance, if it gives them; read by the listen stage. */
    volatile String partial = "";

    private Resampler resampler;
    private float[] resampled;
    private int historyCount;
    private int historyNext;
    private long feedFrom;
    private long fedSamples;
    private long busyNanos;

    /**
     * @param asr         the recogniser, or null to create one from {@code factory} on this worker's thread
     * @param wakeSession unparks the session's thread after progress (lockstep only; a no-op on the real clock)
     */
    AsrWorker(String threadName, SpeechRecognizer asr, Supplier<? extends SpeechRecognizer> factory,
            FrameRing.Consumer input, int inRateHz, int inFrameSamples, int historyFrames, LockstepGate gate,
            TranscriptHandler onTranscript, Listener listener, Runnable wakeSession) {
        super("asr", threadName, asr, factory, gate, listener);
        this.input = input;
        this.inRateHz = inRateHz;
        this.history = new AudioFrame[historyFrames];
        for (int i = 0; i < historyFrames; i++) {
            history[i] = new AudioFrame(inFrameSamples);
        }
        this.frame = new AudioFrame(inFrameSamples);
        this.onTranscript = onTranscript;
        this.wakeSession = wakeSession;
    }

    void start(long fromSample) {
        send(new Command(Kind.START, fromSample, 0));
    }

    /** Ends the utterance once every frame before {@code endSample} has been fed. */
    void finish(int turn, long endSample) {
        send(new Command(Kind.FINISH, endSample, turn));
    }

    void cancel() {
        send(new Command(Kind.CANCEL, 0, 0));
    }

    private void send(Command c) {
        pending.incrementAndGet();
        commands.add(c);
        wakeup();
    }

    @Override
    void wakeup() {
        input.wakeup();
        LockSupport.unpark(thread);
    }

    @Override
    protected void work() throws InterruptedException {
        SpeechRecognizer asr = engine;
        resampler = Resampler.create(inRateHz, asr.sampleRateHz());
        resampled = new float[resampler.maxOutputSamples(frame.capacity()) + 16];
        while (running) {
            Command c;
            boolean worked = false;
            // Commands run in order, but a FINISH waits until the frames up to its end have been consumed:
            // a recogniser running behind still hears the whole utterance.
            while ((c = commands.peek()) != null
                    && !(c.kind() == Kind.FINISH && feeding && consumedEndSample < c.sample())) {
                commands.poll();
                startWork();
                handle(asr, c);
                pending.decrementAndGet();
                progress++;
                worked = true;
            }
            if (!feeding) {
                if (!worked && commands.isEmpty() && running) {
                    wakeSession.run();
                    LockSupport.parkNanos(this, TimeUnit.SECONDS.toNanos(1)); // a command unparks it
                }
            } else if (input.poll(frame)) {
                consume(asr, frame);
                worked = true;
            } else if (!worked) {
                wakeSession.run();
                if (input.await(frame, 1, TimeUnit.SECONDS)) {
                    consume(asr, frame);
                }
            }
            if (worked) {
                wakeSession.run();
            }
        }
    }

    private void handle(SpeechRecognizer asr, Command c) {
        switch (c.kind()) {
            case START:
                if (feeding) {
                    cancelUtterance(asr);
                } else {
                    // Between utterances nothing was read: skip only what neither the history nor this utterance
                    // needs; the rest is read (and fed) as usual from here on.
                    input.skipOlderThan(c.sample() / frame.capacity(), history.length);
                }
                feeding = true;
                feedFrom = c.sample();
                fedSamples = 0;
                busyNanos = 0;
                partial = "";
                for (int i = 0; i < historyCount; i++) {
                    AudioFrame f = history[(historyNext - historyCount + i + history.length) % history.length];
                    feed(asr, f);
                }
                break;
            case FINISH:
                Transcript t = Transcript.EMPTY;
                double rtf = Double.NaN;
                if (feeding) {
                    long t0 = System.nanoTime();
                    try {
                        t = asr.finish();
                    } catch (Throwable e) {
                        listener.failed("asr", survivable(e));
                    }
                    busyNanos += System.nanoTime() - t0;
                    double audioS = (double) fedSamples / inRateHz;
                    rtf = audioS > 0 ? busyNanos / 1e9 / audioS : Double.NaN;
                }
                feeding = false;
                partial = "";
                onTranscript.onTranscript(this, c.turn(), t, rtf);
                break;
            case CANCEL:
                if (feeding) {
                    cancelUtterance(asr);
                }
                feeding = false;
                partial = "";
                break;
            default:
                throw new AssertionError(c);
        }
    }

    private void cancelUtterance(SpeechRecognizer asr) {
        try {
            asr.cancel();
        } catch (Throwable e) {
            listener.failed("asr", survivable(e));
        }
        resampler.reset();
    }

    private void consume(SpeechRecognizer asr, AudioFrame f) {
        history[historyNext].setFrom(f);
        historyNext = (historyNext + 1) % history.length;
        historyCount = Math.min(historyCount + 1, history.length);
        if (feeding) {
            feed(asr, f);
        }
        consumedEndSample = f.endSample();
        progress++;
    }

    private void feed(SpeechRecognizer asr, AudioFrame f) {
        if (f.endSample() <= feedFrom) {
            return;
        }
        int skip = (int) Math.max(0, feedFrom - f.startSample());
        int n = f.length() - skip;
        long t0 = System.nanoTime();
        try {
            int produced = resampler.process(f.samples(), skip, n, resampled, 0);
            if (produced > 0) {
                asr.accept(resampled, 0, produced);
            }
            if (asr.supportsPartials()) {
                partial = asr.partialText();
            }
        } catch (Throwable e) {
            feeding = false;
            listener.failed("asr", survivable(e));
        }
        busyNanos += System.nanoTime() - t0;
        fedSamples += n;
        feedFrom = f.endSample();
    }
}
