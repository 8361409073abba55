package io.github.voicechat.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.voicechat.Responder;
import io.github.voicechat.SessionEvent;
import io.github.voicechat.SessionReport;
import io.github.voicechat.VoicePipeline;
import io.github.voicechat.VoiceSession;
import io.github.voicechat.audio.AudioSinks;
import io.github.voicechat.audio.AudioSources;
import io.github.voicechat.spi.SpeechSynthesizer;
import io.github.voicechat.spi.SynthesisSink;
import io.github.voicechat.testkit.EnergyVad;
import io.github.voicechat.testkit.Scenario;
import io.github.voicechat.testkit.ScriptedRecognizer;
import io.github.voicechat.testkit.SineSynthesizer;
import io.github.voicechat.time.VirtualClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A session on the virtual clock (energy VAD, scripted recogniser, 200 ms-per-word sine voice) whose responder talks
 * to a real server over real HTTP. The session logic is exact in audio time; the model's part runs in real time.
 * Records every event, the real time of every barge-in confirmation, and what was synthesised when.
 */
final class LlmSessionRun {

    /** A piece of text handed to the synthesizer, and the System.nanoTime() when it was. */
    record Synthesized(String text, long atNanos) {
    }

    final List<SessionEvent> events = new CopyOnWriteArrayList<>();
    final List<Synthesized> synthesized = new CopyOnWriteArrayList<>();
    final List<Long> confirmNanos = new CopyOnWriteArrayList<>();
    private Consumer<String> onSynthesis = text -> { };

    /** Called (on the response thread) before each piece of text is synthesised. */
    LlmSessionRun onSynthesis(Consumer<String> hook) {
        this.onSynthesis = hook;
        return this;
    }

    SessionReport run(Scenario user, ScriptedRecognizer asr, Responder responder) throws InterruptedException {
        VoicePipeline pipeline = VoicePipeline.builder()
                .vad(EnergyVad::new)
                .asr(() -> asr)
                .tts(() -> new Recording(new SineSynthesizer()))
                .responder(responder)
                .clock(new VirtualClock())
                .listener(e -> {
                    if (e instanceof SessionEvent.BargeInConfirmed) {
                        confirmNanos.add(System.nanoTime());
                    }
                    events.add(e);
                })
                .build();
        try (VoiceSession session = pipeline.openSession(
                AudioSources.memory(user.sampleRateHz(), user.samples()), AudioSinks.memory(48_000))) {
            session.start();
            assertThat(session.awaitTermination(Duration.ofSeconds(60))).as("session ended").isTrue();
            return session.report();
        }
    }

    <T extends SessionEvent> List<T> events(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    List<String> synthesizedTexts() {
        return synthesized.stream().map(Synthesized::text).toList();
    }

    private final class Recording implements SpeechSynthesizer {
        private final SineSynthesizer sine;

        Recording(SineSynthesizer sine) {
            this.sine = sine;
        }

        @Override
        public int sampleRateHz() {
            return sine.sampleRateHz();
        }

        @Override
        public void synthesize(String text, SynthesisSink sink) {
            synthesized.add(new Synthesized(text.strip(), System.nanoTime()));
            onSynthesis.accept(text.strip());
            sine.synthesize(text, sink);
        }

        @Override
        public void close() {
            sine.close();
        }
    }
}
