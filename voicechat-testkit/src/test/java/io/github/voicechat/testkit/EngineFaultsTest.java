package io.github.voicechat.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.voicechat.SessionEvent;
import io.github.voicechat.SessionReport;
import io.github.voicechat.TurnReport;
import io.github.voicechat.VoicePipeline;
import io.github.voicechat.VoiceSession;
import io.github.voicechat.audio.AudioData;
import io.github.voicechat.audio.AudioSink;
import io.github.voicechat.audio.AudioSinks;
import io.github.voicechat.audio.AudioSources;
import io.github.voicechat.audio.WavReader;
import io.github.voicechat.spi.EchoCanceller;
import io.github.voicechat.spi.SpeechRecognizer;
import io.github.voicechat.spi.SpeechSynthesizer;
import io.github.voicechat.spi.SynthesisSink;
import io.github.voicechat.spi.Transcript;
import io.github.voicechat.spi.VoiceActivityDetector;
import io.github.voicechat.time.VirtualClock;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, faults: an engine that throws, stalls or returns garbage (a wrong frame length, NaN, out-of-range
 * values), and a native initialisation that fails mid-session. Each case runs a faulty session and a healthy twin
 * at the same time in one JVM and checks that only the faulty one is hurt: it reports a clear error naming the
 * engine, its recording on disk stays a readable WAV, and, where the fault is in one turn's work, the next turn is
 * still answered; the twin has exactly the conversation it has alone. (Engines that throw in the recogniser's
 * {@code finish} or stall in the synthesizer are in {@link SessionRobustnessTest}.)
 */
class EngineFaultsTest {

    private static final long WAIT_S = 90;

    @TempDir
    Path dir;

    /** What a session did: its report, its events and the recording it left. */
    record Outcome(SessionReport report, List<SessionEvent> events, Path recording) {
        List<SessionEvent.EngineError> errors() {
            return events.stream().filter(e -> e instanceof SessionEvent.EngineError)
                    .map(e -> (SessionEvent.EngineError) e).toList();
        }

        List<String> transcripts() {
            return report.turns().stream().map(TurnReport::transcript).toList();
        }

        List<String> played() {
            return report.turns().stream().map(TurnReport::playedText).toList();
        }
    }

    private static Scenario twoTurns() {
        return Scenario.at(16_000).silence(500).speech("u1", 1000).silence(3000).speech("u2", 800).silence(2500);
    }

    private static VoicePipeline.Builder healthy() {
        return VoicePipeline.builder().vad(EnergyVad::new).asr(() -> ScriptedRecognizer.of("one", "two"))
                .tts(SineSynthesizer::new).responder(ScriptedResponder.of("First answer.", "Second answer."))
                .clock(new VirtualClock()).engineTimeoutMs(1_000);
    }

    /** Runs a session built with {@code fault} and a healthy twin at once; returns {faulty, twin}. */
    private Outcome[] runBesideATwin(UnaryOperator<VoicePipeline.Builder> fault) throws Exception {
        return run(fault.apply(healthy()), healthy());
    }

    private Outcome[] run(VoicePipeline.Builder... builders) throws Exception {
        Outcome[] out = new Outcome[builders.length];
        VoiceSession[] sessions = new VoiceSession[builders.length];
        @SuppressWarnings("unchecked")
        List<SessionEvent>[] events = new List[builders.length];
        Path[] recordings = new Path[builders.length];
        for (int i = 0; i < builders.length; i++) {
            events[i] = new CopyOnWriteArrayList<>();
            recordings[i] = dir.resolve("session-" + i + ".wav");
            Scenario user = twoTurns();
            sessions[i] = builders[i].listener(events[i]::add).build().openSession(
                    AudioSources.memory(user.sampleRateHz(), user.samples()), AudioSinks.memory(48_000),
                    recordings[i]);
        }
        for (VoiceSession s : sessions) {
            s.start();
        }
        for (int i = 0; i < sessions.length; i++) {
            assertThat(sessions[i].awaitTermination(Duration.ofSeconds(WAIT_S)))
                    .as("session %d ends within %d s", i, WAIT_S).isTrue();
            sessions[i].close();
            out[i] = new Outcome(sessions[i].report(), List.copyOf(events[i]), recordings[i]);
        }
        return out;
    }

    /** The twin had the conversation it has alone: both turns heard and answered, no error. */
    private static void assertUnharmed(Outcome twin) throws IOException {
        assertThat(twin.errors()).isEmpty();
        assertThat(twin.report().endReason()).isEqualTo("source ended");
        assertThat(twin.transcripts()).containsExactly("one", "two");
        assertThat(twin.played()).containsExactly("First answer.", "Second answer.");
        assertReadableRecording(twin);
    }

    /** Whatever happened, the session's recording is a whole WAV file: nothing on disk is corrupted. */
    private static void assertReadableRecording(Outcome o) throws IOException {
        AudioData wav = WavReader.read(o.recording());
        assertThat(wav.format().channels()).isEqualTo(2);
        for (float[] channel : wav.channels()) {
            for (float v : channel) {
                assertThat(v).isBetween(-1f, 1f);
            }
        }
    }

    /** A clear error: an EngineError naming the engine (by its role or in the message) and what went wrong. */
    private static void assertErrorNames(Outcome o, String engine, String what) {
        assertThat(o.errors()).as("errors of the faulty session").isNotEmpty()
                .anySatisfy(e -> {
                    assertThat(e.engine() + ": " + e.message()).containsIgnoringCase(engine);
                    assertThat(e.message()).containsIgnoringCase(what);
                });
    }

    // ------------------------------------------------------------------ VAD

    /** The energy VAD, with a fault from its {@code frame}-th frame on. */
    private abstract static class FaultyVad implements VoiceActivityDetector {
        final EnergyVad inner = new EnergyVad();
        int frames;

        @Override
        public int sampleRateHz() {
            return inner.sampleRateHz();
        }

        @Override
        public int frameSamples() {
            return inner.frameSamples();
        }

        @Override
        public float speechProbability(float[] samples, int offset, int length) {
            float p = inner.speechProbability(samples, offset, length);
            return ++frames < 150 ? p : fault(p);
        }

        abstract float fault(float p);

        @Override
        public void reset() {
            inner.reset();
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    @Test
    void aVadThatThrowsEndsOnlyItsOwnSessionNamingTheVad() throws Exception {
        Outcome[] o = runBesideATwin(b -> b.vad(() -> new FaultyVad() {
            @Override
            float fault(float p) {
                throw new IllegalStateException("kernel buffer underflow");
            }
        }));
        assertThat(o[0].report().endReason()).startsWith("failed").contains("kernel buffer underflow");
        assertErrorNames(o[0], "vad", "kernel buffer underflow");
        assertReadableRecording(o[0]);
        assertUnharmed(o[1]);
    }

    @Test
    void aVadThatReturnsNanIsAnErrorNotSilence() throws Exception {
        Outcome[] o = runBesideATwin(b -> b.vad(() -> new FaultyVad() {
            @Override
            float fault(float p) {
                return Float.NaN;
            }
        }));
        // NaN compares false with every threshold: taken as silence, the user would never be heard again.
        assertErrorNames(o[0], "vad", "NaN");
        assertReadableRecording(o[0]);
        assertUnharmed(o[1]);
    }

    @Test
    void aVadThatReturnsAProbabilityOutsideZeroToOneIsAnError() throws Exception {
        Outcome[] o = runBesideATwin(b -> b.vad(() -> new FaultyVad() {
            @Override
            float fault(float p) {
                return p > 0.5f ? 37f : -2f;
            }
        }));
        assertErrorNames(o[0], "vad", "37");
        assertReadableRecording(o[0]);
        assertUnharmed(o[1]);
    }

    @Test
    void aVadWithAnImpossibleFrameLengthIsRefusedWhenTheSessionOpens() throws Exception {
        Outcome[] o = runBesideATwin(b -> b.vad(() -> new FaultyVad() {
            @Override
            public int frameSamples() {
                return 0;
            }

            @Override
            float fault(float p) {
                return p;
            }
        }));
        assertThat(o[0].report().endReason()).startsWith("failed");
        assertErrorNames(o[0], "", "frame");
        assertThat(o[0].report().turns()).isEmpty();
        assertUnharmed(o[1]);
    }

    // ------------------------------------------------------------------ ASR

    /** The scripted recogniser, with a fault in {@code accept} or {@code finish}. */
    private static class FaultyRecognizer implements SpeechRecognizer {
        final ScriptedRecognizer inner = ScriptedRecognizer.of("one", "two");

        @Override
        public int sampleRateHz() {
            return 16_000;
        }

        @Override
        public void accept(float[] samples, int offset, int length) {
            inner.accept(samples, offset, length);
        }

        @Override
        public Transcript finish() {
            return inner.finish();
        }

        @Override
        public void cancel() {
            inner.cancel();
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    @Test
    void aRecognizerThatStallsLosesOnlyItsTurnAndTheNextIsAnsweredOnTime() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        AtomicInteger utterances = new AtomicInteger();
        Outcome[] o = runBesideATwin(b -> b.asr(() -> new FaultyRecognizer() {
            @Override
            public Transcript finish() {
                if (utterances.getAndIncrement() == 0) {
                    try {
                        never.await(); // a hung decoder: it never returns, and only interruption frees it
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return Transcript.EMPTY;
                }
                return super.finish();
            }
        }));
        assertErrorNames(o[0], "asr", "");
        assertThat(o[0].report().endReason()).isEqualTo("source ended");
        TurnReport second = o[0].report().turns().get(o[0].report().turns().size() - 1);
        assertThat(second.transcript()).isEqualTo("one"); // the stuck call consumed nothing of the script
        assertThat(second.playedText()).isNotEmpty();
        assertThat(second.firstAudioLatencyMs()).isLessThan(1_000);
        assertReadableRecording(o[0]);
        assertUnharmed(o[1]);
    }

    @Test
    void aRecognizerThatThrowsWhileListeningLosesOnlyThatUtterance() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Outcome[] o = runBesideATwin(b -> b.asr(() -> new FaultyRecognizer() {
            @Override
            public void accept(float[] samples, int offset, int length) {
                if (calls.incrementAndGet() == 3) {
                    throw new ArrayIndexOutOfBoundsException("Index 512 out of bounds for length 512");
                }
                super.accept(samples, offset, length);
            }
        }));
        assertErrorNames(o[0], "asr", "out of bounds");
        assertThat(o[0].report().endReason()).isEqualTo("source ended");
        assertThat(o[0].played()).last().asString().isNotEmpty();
        assertReadableRecording(o[0]);
        assertUnharmed(o[1]);
    }

    @Test
    void aNativeLibraryThatFailsToLoadOnFirstUseIsReportedAndTheSessionLives() throws Exception {
        // A recogniser that loads its native library lazily, on the first audio of the session: the load fails.
        Outcome[] o = runBesideATwin(b -> b.asr(() -> new FaultyRecognizer() {
            @Override
            public void accept(float[] samples, int offset, int length) {
                throw new UnsatisfiedLinkError("no whisper-jni in java.library.path: /usr/java/packages/lib");
            }

            @Override
            public Transcript finish() {
                throw new UnsatisfiedLinkError("no whisper-jni in java.library.path: /usr/java/packages/lib");
            }
        }));
        assertErrorNames(o[0], "asr", "whisper-jni");
        assertThat(o[0].report().endReason()).isEqualTo("source ended");
        assertThat(o[0].report().turns()).hasSize(2).allSatisfy(t -> assertThat(t.playedText()).isEmpty());
        assertReadableRecording(o[0]);
        assertUnharmed(o[1]);
    }

    @Test
    void aNativeInitialisationThatFailsForOneSessionLeavesTheOthersAndTheNextSession() throws Exception {
        // One engine factory for three sessions: its native initialisation fails for the second one created only.
        AtomicInteger created = new AtomicInteger();
        java.util.function.Supplier<SpeechRecognizer> asr = () -> {
            if (created.incrementAndGet() == 2) {
                throw new UnsatisfiedLinkError("libwebrtc-java-linux-x86_64.so: libpulse.so.0: cannot open shared"
                        + " object file: No such file or directory");
            }
            return ScriptedRecognizer.of("one", "two");
        };
        Outcome[] o = run(healthy().asr(asr), healthy().asr(asr));
        boolean firstFailed = o[0].report().endReason().startsWith("failed");
        Outcome failed = firstFailed ? o[0] : o[1];
        Outcome other = firstFailed ? o[1] : o[0];
        assertThat(failed.report().endReason()).startsWith("failed").contains("libpulse.so.0");
        assertThat(failed.errors()).extracting(SessionEvent.EngineError::message)
                .anySatisfy(m -> assertThat(m).contains("libpulse.so.0"));
        assertThat(failed.report().turns()).isEmpty();
        assertReadableOrAbsent(failed);
        assertUnharmed(other);
        Outcome third = run(healthy().asr(asr))[0];
        assertUnharmed(third);
    }

    private static void assertReadableOrAbsent(Outcome o) throws IOException {
        if (java.nio.file.Files.exists(o.recording())) {
            assertReadableRecording(o);
        }
    }

    // ------------------------------------------------------------------ TTS

    /** The sine synthesizer, with its audio passed through {@code fault} before the session gets it. */
    private abstract static class FaultySynthesizer implements SpeechSynthesizer {
        final SineSynthesizer inner = new SineSynthesizer();

        @Override
        public int sampleRateHz() {
            return inner.sampleRateHz();
        }

        @Override
        public void synthesize(String text, SynthesisSink sink) {
            inner.synthesize(text, new SynthesisSink() {
                @Override
                public boolean audio(float[] samples, int offset, int length) {
                    return fault(sink, samples.clone(), offset, length);
                }

                @Override
                public void textMark(int endChar) {
                    sink.textMark(endChar);
                }

                @Override
                public boolean isCancelled() {
                    return sink.isCancelled();
                }
            });
        }

        abstract boolean fault(SynthesisSink sink, float[] samples, int offset, int length);

        @Override
        public void close() {
            inner.close();
        }
    }

    /** Whatever the synthesizer gave, the speaker got finite samples within [-1, 1]. */
    private static void assertSpeakerGotCleanAudio(AudioSinks.MemorySink speaker) {
        float[] played = speaker.samples();
        for (int i = 0; i < played.length; i++) {
            if (!(played[i] >= -1f && played[i] <= 1f)) {
                throw new AssertionError("the speaker got " + played[i] + " at sample " + i);
            }
        }
    }

    @Test
    void aSynthesizerThatThrowsLosesOnlyThatAnswer() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Outcome[] o = runBesideATwin(b -> b.tts(() -> new FaultySynthesizer() {
            @Override
            public void synthesize(String text, SynthesisSink sink) {
                if (calls.getAndIncrement() == 0) {
                    throw new IllegalStateException("vocoder state corrupted");
                }
                super.synthesize(text, sink);
            }

            @Override
            boolean fault(SynthesisSink sink, float[] samples, int offset, int length) {
                return sink.audio(samples, offset, length);
            }
        }));
        assertErrorNames(o[0], "", "vocoder state corrupted");
        assertThat(o[0].transcripts()).containsExactly("one", "two");
        assertThat(o[0].played()).containsExactly("", "Second answer.");
        assertReadableRecording(o[0]);
        assertUnharmed(o[1]);
    }

    @Test
    void aSynthesizerThatReturnsNanNeverReachesTheSpeaker() throws Exception {
        AudioSinks.MemorySink speaker = AudioSinks.memory(48_000);
        Outcome[] o = runWithSpeaker(speaker, b -> b.tts(() -> new FaultySynthesizer() {
            @Override
            boolean fault(SynthesisSink sink, float[] samples, int offset, int length) {
                samples[offset + length / 2] = Float.NaN;
                return sink.audio(samples, offset, length);
            }
        }));
        assertSpeakerGotCleanAudio(speaker);
        assertErrorNames(o[0], "tts", "NaN");
        assertReadableRecording(o[0]);
        assertUnharmed(o[1]);
    }

    @Test
    void aSynthesizerThatHandsOutAWrongRangeLosesOnlyThatAnswer() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Outcome[] o = runBesideATwin(b -> b.tts(() -> new FaultySynthesizer() {
            @Override
            boolean fault(SynthesisSink sink, float[] samples, int offset, int length) {
                // The first answer's third piece claims more samples than its array holds.
                return sink.audio(samples, offset, calls.incrementAndGet() == 3 ? length + 7 : length);
            }
        }));
        assertErrorNames(o[0], "", "7");
        assertThat(o[0].transcripts()).containsExactly("one", "two");
        assertThat(o[0].played()).last().isEqualTo("Second answer.");
        assertReadableRecording(o[0]);
        assertUnharmed(o[1]);
    }

    @Test
    void aSynthesizerThatClipsWildlyIsHeardWithinFullScale() throws Exception {
        AudioSinks.MemorySink speaker = AudioSinks.memory(48_000);
        Outcome[] o = runWithSpeaker(speaker, b -> b.tts(() -> new FaultySynthesizer() {
            @Override
            boolean fault(SynthesisSink sink, float[] samples, int offset, int length) {
                for (int i = offset; i < offset + length; i++) {
                    samples[i] *= 1e6f;
                }
                return sink.audio(samples, offset, length);
            }
        }));
        assertSpeakerGotCleanAudio(speaker);
        assertReadableRecording(o[0]);
        assertUnharmed(o[1]);
    }

    /** As {@link #runBesideATwin}, the faulty session playing into {@code speaker}. */
    private Outcome[] runWithSpeaker(AudioSink speaker, UnaryOperator<VoicePipeline.Builder> fault)
            throws Exception {
        List<SessionEvent> events = new CopyOnWriteArrayList<>();
        Path recording = dir.resolve("faulty.wav");
        Scenario user = twoTurns();
        VoiceSession faulty = fault.apply(healthy()).listener(events::add).build().openSession(
                AudioSources.memory(user.sampleRateHz(), user.samples()), speaker, recording);
        faulty.start();
        Outcome twin = run(healthy())[0];
        assertThat(faulty.awaitTermination(Duration.ofSeconds(WAIT_S))).isTrue();
        faulty.close();
        return new Outcome[] {new Outcome(faulty.report(), List.copyOf(events), recording), twin};
    }

    // ------------------------------------------------------------------ echo canceller

    /** An echo canceller that copies the near end through, with a fault from its 150th frame on. */
    private abstract static class FaultyEchoCanceller implements EchoCanceller {
        int frames;

        @Override
        public int sampleRateHz() {
            return 16_000;
        }

        @Override
        public int frameSamples() {
            return 160;
        }

        @Override
        public void process(float[] far, float[] near, float[] out) {
            System.arraycopy(near, 0, out, 0, 160);
            if (++frames >= 150) {
                fault(out);
            }
        }

        abstract void fault(float[] out);

        @Override
        public void close() {
        }
    }

    @Test
    void anEchoCancellerThatThrowsEndsOnlyItsSessionNamingIt() throws Exception {
        Outcome[] o = runBesideATwin(b -> b.echoCanceller(() -> new FaultyEchoCanceller() {
            @Override
            void fault(float[] out) {
                throw new IllegalStateException("AEC3 delay estimator diverged");
            }
        }));
        assertThat(o[0].report().endReason()).startsWith("failed").contains("AEC3 delay estimator diverged");
        assertErrorNames(o[0], "", "AEC3 delay estimator diverged");
        assertReadableRecording(o[0]);
        assertUnharmed(o[1]);
    }

    @Test
    void anEchoCancellerThatReturnsNanIsNamedNotTheRecognizer() throws Exception {
        Outcome[] o = runBesideATwin(b -> b.echoCanceller(() -> new FaultyEchoCanceller() {
            @Override
            void fault(float[] out) {
                out[17] = Float.NaN;
            }
        }));
        // The NaN must be caught where it appears, naming the echo canceller; downstream, the VAD and the
        // recogniser would refuse it with a message that blames them.
        assertErrorNames(o[0], "echo", "NaN");
        assertReadableRecording(o[0]);
        assertUnharmed(o[1]);
    }

    @Test
    void anEchoCancellerWithAFrameThatDoesNotDivideTheTickIsRefusedWhenTheSessionOpens() throws Exception {
        Outcome[] o = runBesideATwin(b -> b.echoCanceller(() -> new FaultyEchoCanceller() {
            @Override
            public int frameSamples() {
                return 480; // 30 ms: not a divisor of the 20 ms tick
            }

            @Override
            void fault(float[] out) {
            }
        }));
        assertThat(o[0].report().endReason()).startsWith("failed").contains("480");
        assertThat(o[0].report().turns()).isEmpty();
        assertUnharmed(o[1]);
    }
}
