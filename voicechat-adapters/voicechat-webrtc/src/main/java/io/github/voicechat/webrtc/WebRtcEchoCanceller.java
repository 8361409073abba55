package io.github.voicechat.webrtc;

import dev.onvoid.webrtc.media.audio.AudioProcessing;
import dev.onvoid.webrtc.media.audio.AudioProcessingConfig;
import dev.onvoid.webrtc.media.audio.AudioProcessingStreamConfig;
import io.github.voicechat.audio.Pcm;
import io.github.voicechat.spi.EchoCanceller;
import io.github.voicechat.spi.EngineException;

/**
 * WebRTC's echo canceller (AEC3, in its audio-processing module), optionally with noise suppression and a
 * high-pass filter, on 10 ms mono frames at 8, 16, 32 or 48 kHz.
 *
 * <p>Per frame the far end (what was played) goes in first through {@code processReverseStream}, then the near end
 * (the microphone) through {@code processStream}. AEC3 finds the echo path's delay itself. With every component
 * off the module outputs silence, so then the near end is copied through without calling it.
 */
public final class WebRtcEchoCanceller implements EchoCanceller {

    /**
     * Settings; all on except noise suppression by default.
     *
     * @param echoCancellation whether AEC3 cancels the echo
     * @param noiseSuppression whether stationary noise is suppressed as well
     * @param highPassFilter   whether DC and rumble below about 80 Hz are removed
     * @param streamDelayMs    a hint of the delay from playing to hearing, 0 to 500; 0 lets AEC3 estimate it
     */
    public record Settings(boolean echoCancellation, boolean noiseSuppression, boolean highPassFilter,
            int streamDelayMs) {
        /**
         * Checks the delay.
         *
         * @param echoCancellation whether AEC3 cancels the echo
         * @param noiseSuppression whether stationary noise is suppressed as well
         * @param highPassFilter   whether DC and rumble below about 80 Hz are removed
         * @param streamDelayMs    a hint of the delay from playing to hearing, 0 to 500; 0 lets AEC3 estimate it
         */
        public Settings {
            if (streamDelayMs < 0 || streamDelayMs > 500) {
                throw new IllegalArgumentException("stream delay must be 0..500 ms, was " + streamDelayMs + " ms");
            }
        }

        /** {@return echo cancellation and high-pass filter on, noise suppression off, delay estimated} */
        public static Settings defaults() {
            return new Settings(true, false, true, 0);
        }

        boolean anyOn() {
            return echoCancellation || noiseSuppression || highPassFilter;
        }
    }

    private final int sampleRateHz;
    private final int frameSamples;
    private final Settings settings;
    private final AudioProcessing apm;
    private final AudioProcessingStreamConfig streamConfig;
    private final byte[] farPcm;
    private final byte[] farOut;
    private final byte[] nearPcm;
    private final byte[] outPcm;
    private boolean closed;

    /**
     * An echo canceller on 10 ms frames.
     *
     * @param sampleRateHz 8000, 16000, 32000 or 48000
     * @param settings     which components run
     * @throws IllegalArgumentException on another rate
     * @throws io.github.voicechat.spi.EngineException if webrtc-java's native library cannot load (the message says
     *                                                 what to install)
     */
    public WebRtcEchoCanceller(int sampleRateHz, Settings settings) {
        WebRtcNative.requireSupportedRate(sampleRateHz);
        WebRtcNative.require();
        this.sampleRateHz = sampleRateHz;
        this.frameSamples = sampleRateHz / 100;
        this.settings = settings;
        this.streamConfig = new AudioProcessingStreamConfig(sampleRateHz, 1);
        this.farPcm = new byte[frameSamples * 2];
        this.farOut = new byte[frameSamples * 2];
        this.nearPcm = new byte[frameSamples * 2];
        this.outPcm = new byte[frameSamples * 2];
        this.apm = new AudioProcessing();
        AudioProcessingConfig config = new AudioProcessingConfig();
        config.echoCanceller.enabled = settings.echoCancellation();
        config.echoCanceller.enforceHighPassFiltering = settings.highPassFilter();
        config.noiseSuppression.enabled = settings.noiseSuppression();
        config.noiseSuppression.level = AudioProcessingConfig.NoiseSuppression.Level.MODERATE;
        config.highPassFilter.enabled = settings.highPassFilter();
        config.gainControl.enabled = false;
        apm.applyConfig(config);
    }

    /** {@return which components run} */
    public Settings settings() {
        return settings;
    }

    @Override
    public int sampleRateHz() {
        return sampleRateHz;
    }

    @Override
    public int frameSamples() {
        return frameSamples;
    }

    @Override
    public void process(float[] far, float[] near, float[] out) {
        if (closed) {
            throw new IllegalStateException("this WebRTC echo canceller is closed");
        }
        requireFrame(far, "far end");
        requireFrame(near, "near end");
        if (out.length < frameSamples) {
            throw new IllegalArgumentException("output array must hold " + frameSamples + " samples, has "
                    + out.length);
        }
        if (!settings.anyOn()) {
            // Copied through, clipped to [-1, 1] as the PCM16 round trip through the native module clips when a
            // component is on: the output's range must not depend on the settings (found by WebRtcFuzzTest).
            for (int i = 0; i < frameSamples; i++) {
                out[i] = Math.max(-1f, Math.min(1f, near[i]));
            }
            return;
        }
        Pcm.floatToPcm16Le(far, 0, farPcm, 0, frameSamples);
        int rc = apm.processReverseStream(farPcm, streamConfig, streamConfig, farOut);
        if (rc != 0) {
            throw new EngineException("WebRTC processReverseStream failed with error " + rc);
        }
        Pcm.floatToPcm16Le(near, 0, nearPcm, 0, frameSamples);
        apm.setStreamDelayMs(settings.streamDelayMs());
        rc = apm.processStream(nearPcm, streamConfig, streamConfig, outPcm);
        if (rc != 0) {
            throw new EngineException("WebRTC processStream failed with error " + rc);
        }
        Pcm.pcm16LeToFloat(outPcm, 0, out, 0, frameSamples);
    }

    private void requireFrame(float[] a, String what) {
        if (a.length < frameSamples) {
            throw new IllegalArgumentException(what + " array must hold a 10 ms frame of " + frameSamples
                    + " samples at " + sampleRateHz + " Hz, has " + a.length);
        }
        Pcm.requireFinite(a, 0, frameSamples);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        apm.dispose();
    }
}
