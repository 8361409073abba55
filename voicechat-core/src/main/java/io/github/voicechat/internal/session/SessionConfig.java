package io.github.voicechat.internal.session;

import io.github.voicechat.BargeInPolicy;
import io.github.voicechat.Responder;
import io.github.voicechat.SessionListener;
import io.github.voicechat.TurnPolicy;
import io.github.voicechat.spi.EchoCanceller;
import io.github.voicechat.spi.SpeechRecognizer;
import io.github.voicechat.spi.SpeechSynthesizer;
import io.github.voicechat.spi.VoiceActivityDetector;
import io.github.voicechat.time.Clock;
import java.util.List;
import java.util.function.Supplier;

/** Everything a session needs, fixed when the pipeline is built. Engine suppliers create one instance per session. */
public record SessionConfig(
        Supplier<? extends VoiceActivityDetector> vad,
        Supplier<? extends SpeechRecognizer> asr,
        Supplier<? extends SpeechSynthesizer> tts,
        Supplier<? extends EchoCanceller> echoCanceller,
        Responder responder,
        TurnPolicy turnPolicy,
        BargeInPolicy bargeInPolicy,
        Clock clock,
        List<SessionListener> listeners,
        int outputSampleRateHz,
        long idleTimeoutMs,
        long maxSessionMs,
        long engineTimeoutMs,
        boolean paceNonRealtimeSources) {

    /** This configuration with one more listener, called after the others. */
    public SessionConfig withListener(SessionListener listener) {
        List<SessionListener> all = new java.util.ArrayList<>(listeners);
        all.add(listener);
        return new SessionConfig(vad, asr, tts, echoCanceller, responder, turnPolicy, bargeInPolicy, clock,
                List.copyOf(all), outputSampleRateHz, idleTimeoutMs, maxSessionMs, engineTimeoutMs,
                paceNonRealtimeSources);
    }
}
