package io.github.voicechat.audio;

import java.io.IOException;
import javax.sound.sampled.TargetDataLine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default microphone through javax.sound, 16-bit mono: {@link AudioSources#microphone(int)}.
 *
 * <p>What it adds to a plain {@link TargetDataLine}, each measured on PulseAudio through ALSA's pulse plugin:
 * <ul>
 *   <li><b>A bounded backlog.</b> The plugin queues up to 4 MiB of recorded audio on the client side (about two
 *       minutes at 16 kHz) and shows javax.sound at most one buffer of it, so a reader that falls behind, or starts
 *       reading seconds after opening, is behind for good and cannot tell. A session's loop is paced by its speaker
 *       and never catches up on its own: seconds of engine loading, or a stall longer than the speaker's queue,
 *       became seconds of latency for the rest of the session, and an echo far outside what the echo canceller can
 *       find. So the line starts at the first read, and whenever more than {@code maxBacklogMs} is waiting the
 *       oldest audio is dropped (and counted) to bring the backlog back to one read.</li>
 *   <li><b>A device that goes away</b> makes {@link TargetDataLine#read} return 0 at once, forever, while the line
 *       still says it is open and active. That is an {@link IOException} here rather than a busy loop.</li>
 * </ul>
 */
final class MicrophoneSource implements AudioSource {

    private static final Logger log = LoggerFactory.getLogger(MicrophoneSource.class);

    private final TargetDataLine line;
    private final int sampleRateHz;
    private final int maxBacklogBytes;
    private byte[] bytes = new byte[0];
    private byte[] scratch = new byte[0];
    private boolean started;
    private long readSamples;
    private long droppedSamples;

    private MicrophoneSource(TargetDataLine line, int sampleRateHz, int maxBacklogMs) {
        this.line = line;
        this.sampleRateHz = sampleRateHz;
        this.maxBacklogBytes = (int) ((long) sampleRateHz * maxBacklogMs / 1000) * 2;
    }

    static MicrophoneSource open(int sampleRateHz, int bufferMs, int maxBacklogMs) throws IOException {
        if (maxBacklogMs < 20 || maxBacklogMs >= bufferMs) {
            throw new IllegalArgumentException("the microphone's backlog bound must be 20 ms or more and below its "
                    + bufferMs + " ms buffer, was " + maxBacklogMs + " ms");
        }
        TargetDataLine line = SoundLines.open(TargetDataLine.class, TargetDataLine::open, sampleRateHz, bufferMs,
                "microphone", "capture");
        return new MicrophoneSource(line, sampleRateHz, maxBacklogMs);
    }

    @Override
    public int sampleRateHz() {
        return sampleRateHz;
    }

    @Override
    public int read(float[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (!line.isOpen()) {
            return -1;
        }
        if (bytes.length < 2 * length) {
            bytes = new byte[2 * length];
        }
        if (!started) {
            // What the device captured between opening and now (engines loading) is not this session's audio.
            line.flush();
            line.start();
            started = true;
            long before = droppedSamples;
            dropBacklog(2 * length);
            log.debug("microphone: discarded {} ms captured before the first read",
                    (droppedSamples - before) * 1000 / sampleRateHz);
            droppedSamples = before;
        } else {
            dropBacklog(2 * length);
        }
        int got = line.read(bytes, 0, 2 * length);
        if (got <= 0) {
            if (!line.isOpen()) {
                return -1;
            }
            throw new IOException(String.format(java.util.Locale.ROOT,
                    "the microphone stopped delivering audio after %.2f s: the capture device was removed or its"
                            + " sound server went away", readSamples / (double) sampleRateHz));
        }
        got &= ~1;
        Pcm.pcm16LeToFloat(bytes, 0, buffer, offset, got / 2);
        readSamples += got / 2;
        return got / 2;
    }

    /** Drops the oldest audio while more than the bound is waiting, keeping one read's worth. */
    private void dropBacklog(int readBytes) throws IOException {
        int waiting = line.available();
        if (waiting <= maxBacklogBytes) {
            return;
        }
        long dropped = 0;
        // javax.sound sees at most one buffer of the backlog, so keep reading while it looks full.
        while (waiting > readBytes) {
            int n = (waiting - readBytes) & ~1;
            if (scratch.length < n) {
                scratch = new byte[n];
            }
            int got = line.read(scratch, 0, n);
            if (got <= 0) {
                break;
            }
            dropped += got / 2;
            waiting = line.available();
            if (dropped > (long) sampleRateHz * 600) {
                throw new IOException("the microphone delivers audio faster than real time (dropped 10 minutes of"
                        + " backlog in one read)");
            }
        }
        droppedSamples += dropped;
        log.debug("microphone: dropped {} ms of backlog ({} ms in all)", dropped * 1000 / sampleRateHz,
                droppedSamples * 1000 / sampleRateHz);
    }

    @Override
    public boolean isRealtime() {
        return true;
    }

    @Override
    public int captureDelaySamples() {
        return started ? line.available() / 2 : 0;
    }

    /** Samples dropped so far because the reader fell behind by more than the backlog bound. */
    long droppedSamples() {
        return droppedSamples;
    }

    @Override
    public void close() {
        if (droppedSamples > 0) {
            log.info("microphone: dropped {} ms of audio in all because the reader fell more than {} ms behind",
                    droppedSamples * 1000 / sampleRateHz, maxBacklogBytes / 2 * 1000 / sampleRateHz);
        }
        line.stop();
        line.close();
    }
}
