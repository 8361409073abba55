package io.github.voicechat.web.rtc.internal;

import io.github.voicechat.audio.Pcm;
import io.github.voicechat.audio.Resampler;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Consumer;

/**
 * The browser's decoded microphone, as libwebrtc's playout hands it to an audio-track sink (10 ms of PCM16, usually
 * 48 kHz mono or stereo), turned into 20 ms frames of 48 kHz mono PCM16LE: the frames the edge session takes.
 * Called on libwebrtc's one playout thread for every peer: it copies and returns, nothing more. Not thread safe
 * (one playout thread).
 */
public final class InboundTrack {

    public static final int RATE_HZ = 48_000;
    public static final int FRAME_SAMPLES = RATE_HZ / 50;

    private final Consumer<ByteBuffer> frames;
    private final float[] mono = new float[RATE_HZ / 10];            // up to 100 ms of one callback
    private final float[] resampled = new float[RATE_HZ / 5];
    private final ByteBuffer frame = ByteBuffer.allocate(2 * FRAME_SAMPLES).order(ByteOrder.LITTLE_ENDIAN);
    private Resampler resampler;
    private long refused;

    public InboundTrack(Consumer<ByteBuffer> frames) {
        this.frames = frames;
    }

    /**
     * One sink callback. Anything but 16-bit PCM of 1–8 channels at 8–96 kHz, at most 100 ms, is dropped (counted in
     * {@link #refusedCallbacks()}): libwebrtc never sends that, and nothing odd may reach the session.
     */
    public void onData(byte[] data, int bitsPerSample, int sampleRateHz, int channels, int samplesPerChannel) {
        if (bitsPerSample != 16 || channels < 1 || channels > 8 || sampleRateHz < 8_000 || sampleRateHz > 96_000
                || samplesPerChannel < 1 || (long) samplesPerChannel * 10 > sampleRateHz
                || data == null || data.length < 2L * channels * samplesPerChannel) {
            refused++;
            return;
        }
        ByteBuffer in = ByteBuffer.wrap(data).order(ByteOrder.nativeOrder());
        for (int i = 0; i < samplesPerChannel; i++) {
            int sum = 0;
            for (int c = 0; c < channels; c++) {
                sum += in.getShort();
            }
            mono[i] = sum / (channels * 32_768f);
        }
        if (sampleRateHz == RATE_HZ) {
            emit(mono, samplesPerChannel);
            return;
        }
        if (resampler == null || resampler.inRateHz() != sampleRateHz) {
            resampler = Resampler.create(sampleRateHz, RATE_HZ);
        }
        int n = resampler.process(mono, 0, samplesPerChannel, resampled, 0);
        emit(resampled, n);
    }

    private void emit(float[] samples, int count) {
        for (int i = 0; i < count; i++) {
            frame.putShort(Pcm.toPcm16(samples[i]));
            if (!frame.hasRemaining()) {
                frame.flip();
                frames.accept(frame);
                frame.clear();
            }
        }
    }

    /** Callbacks dropped for an impossible format. */
    public long refusedCallbacks() {
        return refused;
    }
}
