package io.github.voicechat.examples;

import dev.onvoid.webrtc.media.audio.AudioProcessing;

/** The smallest program that loads webrtc-java and disposes all it made (run in a forked JVM by CleanStdoutTest). */
public final class WebRtcExitCanary {

    private WebRtcExitCanary() {
    }

    public static void main(String[] args) {
        AudioProcessing apm = new AudioProcessing();
        apm.dispose();
        System.out.println("disposed");
    }
}
