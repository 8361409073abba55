package io.github.voicechat.internal.session;

import io.github.voicechat.audio.AudioFormat;
import io.github.voicechat.audio.Resampler;
import io.github.voicechat.audio.SampleEncoding;
import io.github.voicechat.audio.WavWriter;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Records a session as a stereo WAV at the output rate: left is what the microphone heard, right is what the bot
 * played, aligned in time. The microphone side is resampled once (its filter delay dropped so both channels line
 * up), and buffered so both channels advance together.
 */
final class StereoRecorder implements AutoCloseable {

    private final WavWriter writer;
    private final Resampler micResampler;
    private final float[] micOut;
    private final float[] left;
    private final float[] right;
    private final float[] interleaved;
    private int leftLength;
    private int rightLength;
    private int micDrop;

    StereoRecorder(Path path, int inRateHz, int inFrameSamples, int outRateHz, int outFrameSamples)
            throws IOException {
        this.writer = WavWriter.create(path, new AudioFormat(outRateHz, 2, SampleEncoding.PCM16));
        this.micResampler = Resampler.create(inRateHz, outRateHz);
        this.micDrop = micResampler.delaySamples();
        this.micOut = new float[micResampler.maxOutputSamples(inFrameSamples) + 16];
        int cap = 4 * (outFrameSamples + micOut.length) + micResampler.delaySamples();
        this.left = new float[cap];
        this.right = new float[cap];
        this.interleaved = new float[2 * cap];
    }

    /** One tick: the microphone frame (input rate) and the frame played (output rate); writes what both have. */
    void record(float[] mic, int micLength, float[] played, int playedLength) throws IOException {
        mic(mic, 0, micLength);
        played(played, 0, playedLength);
        write();
    }

    private void mic(float[] samples, int offset, int length) {
        int n = micResampler.process(samples, offset, length, micOut, 0);
        int skip = Math.min(micDrop, n);
        micDrop -= skip;
        System.arraycopy(micOut, skip, left, leftLength, n - skip);
        leftLength += n - skip;
    }

    private void played(float[] samples, int offset, int length) {
        System.arraycopy(samples, offset, right, rightLength, length);
        rightLength += length;
    }

    /** Writes the part both channels have; the rest waits for the next tick. */
    private void write() throws IOException {
        int n = Math.min(leftLength, rightLength);
        if (n == 0) {
            return;
        }
        for (int i = 0; i < n; i++) {
            interleaved[2 * i] = left[i];
            interleaved[2 * i + 1] = right[i];
        }
        writer.writeInterleaved(interleaved, 0, n);
        System.arraycopy(left, n, left, 0, leftLength - n);
        System.arraycopy(right, n, right, 0, rightLength - n);
        leftLength -= n;
        rightLength -= n;
    }

    @Override
    public void close() throws IOException {
        // Whatever one channel has beyond the other is written against silence, so nothing recorded is lost.
        int n = Math.max(leftLength, rightLength);
        java.util.Arrays.fill(left, leftLength, n, 0f);
        java.util.Arrays.fill(right, rightLength, n, 0f);
        leftLength = n;
        rightLength = n;
        write();
        writer.close();
    }
}
