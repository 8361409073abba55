package io.github.voicechat.web.rtc.internal;

import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.media.audio.HeadlessAudioDeviceModule;

/**
 * The process's one libwebrtc: a {@link PeerConnectionFactory} on a headless audio device module whose playout runs
 * (libwebrtc decodes a remote track, and calls its sinks, only when playout pulls audio), created on first use and
 * kept until the JVM exits.
 *
 * <p>Why never disposed: webrtc-java 0.14's {@code RTCPeerConnection.close()} closes the native peer connection but
 * never releases it (the class has no {@code dispose()}), so every closed peer keeps references into its factory's
 * threads and audio state. Disposing a factory under them and creating another in the same process crashed the JVM
 * (SIGSEGV in a libwebrtc thread, three times in this module's tests, always in the second factory's life). One
 * factory per process, shared by every edge, is the lifecycle that does not. Its threads (libwebrtc's signalling,
 * worker and network threads, two task queues and the playout thread) are therefore process threads, like a JDK
 * HTTP client's selector; a peer adds none.
 */
public final class RtcRuntime {

    private static RtcRuntime instance;

    private final HeadlessAudioDeviceModule audioModule;
    private final PeerConnectionFactory factory;

    private RtcRuntime() {
        audioModule = new HeadlessAudioDeviceModule();
        audioModule.initPlayout();
        audioModule.startPlayout();
        factory = new PeerConnectionFactory(audioModule);
    }

    /** The shared factory, created (threads started) on the first call. */
    public static synchronized PeerConnectionFactory factory() {
        if (instance == null) {
            instance = new RtcRuntime();
        }
        return instance.factory;
    }
}
