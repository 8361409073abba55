package io.github.voicechat.testkit;

import static io.github.voicechat.testkit.PipelineConversationTest.assertSine;
import static io.github.voicechat.testkit.PipelineConversationTest.lastNonZero;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.voicechat.ConversationTurn;
import io.github.voicechat.SessionEvent;
import io.github.voicechat.SessionReport;
import io.github.voicechat.SessionState;
import io.github.voicechat.TurnReport;
import io.github.voicechat.VoicePipeline;
import io.github.voicechat.VoiceSession;
import io.github.voicechat.audio.AudioSinks;
import io.github.voicechat.audio.AudioSources;
import io.github.voicechat.time.VirtualClock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Barge-in on the virtual clock. The user's first turn ends at 1.5 s; the bot's answer (ten words, 2 s of sine)
 * starts playing at exactly 2.0 s, one 20 ms frame per tick.
 */
class BargeInTest {

    private static final int OUT_RATE = 48_000;
    private static final String LONG_ANSWER = "One two three four five six seven eight nine ten.";

    private final List<SessionEvent> events = new CopyOnWriteArrayList<>();

    private SessionReport run(Scenario user, ScriptedRecognizer asr, ScriptedResponder responder,
            AudioSinks.MemorySink sink) throws InterruptedException {
        VoicePipeline pipeline = VoicePipeline.builder()
                .vad(EnergyVad::new)
                .asr(() -> asr)
                .tts(SineSynthesizer::new)
                .responder(responder)
                .clock(new VirtualClock())
                .listener(events::add)
                .build();
        try (VoiceSession session = pipeline.openSession(
                AudioSources.memory(user.sampleRateHz(), user.samples()), sink)) {
            session.start();
            assertThat(session.awaitTermination(Duration.ofSeconds(60))).isTrue();
            return session.report();
        }
    }

    @Test
    void confirmedBargeInSilencesOutputWithinOneFrameAndKeepsOnlyPlayedText() throws Exception {
        // Interrupt 400 ms into the answer with a second of speech.
        Scenario user = Scenario.at(16_000).silence(500).speech("u1", 1000).silence(900).speech("u2", 1000)
                .silence(1500);
        ScriptedRecognizer asr = ScriptedRecognizer.of("count to ten", "stop");
        ScriptedResponder responder = ScriptedResponder.of(LONG_ANSWER, "Okay.");
        AudioSinks.MemorySink sink = AudioSinks.memory(OUT_RATE);

        SessionReport report = run(user, asr, responder, sink);

        assertThat(report.turns()).hasSize(2);
        TurnReport t1 = report.turns().get(0);
        assertThat(t1.bargedIn()).isTrue();
        assertThat(t1.responseText()).isEqualTo(LONG_ANSWER);
        // Speech at 2.400 s is seen in the tick 2.400-2.420; output is silent from 2.420 s: 21 frames (420 ms) were
        // played, so exactly two 200 ms words were heard.
        assertThat(t1.playedText()).isEqualTo("One two");
        assertThat(t1.bargeInLatencyMs()).isEqualTo(20.0);
        float[] out = sink.samples();
        assertSine(out, 2 * OUT_RATE, 0, 420 * 48);
        int silentFrom = (int) (2.420 * OUT_RATE);
        assertThat(lastNonZero(out, silentFrom, (int) (3.9 * OUT_RATE))).isEqualTo(-1);

        SessionEvent.BargeInPaused paused = only(SessionEvent.BargeInPaused.class);
        assertThat(paused.onsetMs()).isEqualTo(2400.0);
        assertThat(paused.latencyMs()).isEqualTo(20.0);
        // 200 ms of speech confirms: at the tick holding 2.590-2.600 s.
        SessionEvent.BargeInConfirmed confirmed = only(SessionEvent.BargeInConfirmed.class);
        assertThat(confirmed.playedText()).isEqualTo("One two");
        assertThat(confirmed.atMs()).isEqualTo(2580.0);

        // The interruption is the second user turn, starting at its onset, and it got its own answer.
        TurnReport t2 = report.turns().get(1);
        assertThat(t2.userStartS()).isEqualTo(2.4);
        assertThat(t2.userEndS()).isEqualTo(3.4);
        assertThat(t2.transcript()).isEqualTo("stop");
        assertThat(t2.playedText()).isEqualTo("Okay.");
        // The recognizer heard the whole interruption plus the pre-roll before its onset (300 ms), and the silence
        // that ended it (500 ms): 2.1 s .. 3.9 s.
        assertThat(asr.utteranceSamples().get(1)).isEqualTo((long) (1.8 * 16_000));
        // History holds what was played, not what was planned.
        assertThat(responder.requests().get(1).history()).containsExactly(
                new ConversationTurn(ConversationTurn.Role.USER, "count to ten"),
                new ConversationTurn(ConversationTurn.Role.ASSISTANT, "One two"));
        assertThat(states()).containsSubsequence(SessionState.SPEAKING, SessionState.BARGED_IN,
                SessionState.LISTENING, SessionState.THINKING, SessionState.SPEAKING);
    }

    @Test
    void recognisedWordsConfirmABargeInBeforeConfirmMs() throws Exception {
        // The recogniser reports a partial once it has 350 ms of the utterance: 300 ms of pre-roll before the onset
        // at 2.400 s plus 50 ms of speech. It has that after the tick ending 2.460 s (ticks lag the ASR thread by one
        // in lockstep), so the barge-in is confirmed there, 120 ms before the 200 ms of speech would confirm it.
        Scenario user = Scenario.at(16_000).silence(500).speech("u1", 1000).silence(900).speech("u2", 1000)
                .silence(1500);
        ScriptedRecognizer asr = new ScriptedRecognizer(16_000, 350, List.of("count to ten", "stop"));
        SessionReport report = run(user, asr, ScriptedResponder.of(LONG_ANSWER, "Okay."),
                AudioSinks.memory(OUT_RATE));
        SessionEvent.BargeInConfirmed confirmed = only(SessionEvent.BargeInConfirmed.class);
        assertThat(confirmed.atMs()).isEqualTo(2460.0);
        assertThat(report.turns().get(0).bargedIn()).isTrue();
        assertThat(report.turns().get(0).playedText()).isEqualTo("One two");
        assertThat(report.turns().get(1).transcript()).isEqualTo("stop");
    }

    @Test
    void falseBargeInResumesFromTheExactPausedSample() throws Exception {
        // A 60 ms cough 400 ms into the answer.
        Scenario user = Scenario.at(16_000).silence(500).speech("u1", 1000).silence(900).speech("cough", 60)
                .silence(3000);
        ScriptedRecognizer asr = ScriptedRecognizer.of("count to ten");
        ScriptedResponder responder = ScriptedResponder.of(LONG_ANSWER);
        AudioSinks.MemorySink sink = AudioSinks.memory(OUT_RATE);

        SessionReport report = run(user, asr, responder, sink);

        assertThat(report.turns()).hasSize(1);
        TurnReport t1 = report.turns().get(0);
        assertThat(t1.bargedIn()).isFalse();
        assertThat(t1.falseAlarms()).isEqualTo(1);
        assertThat(t1.playedText()).isEqualTo(LONG_ANSWER);
        SessionEvent.BargeInResumed resumed = only(SessionEvent.BargeInResumed.class);
        // Paused after 21 frames; 100 ms of quiet after the cough (2.46-2.56 s) releases it at the tick ending 2.56 s.
        assertThat(resumed.resumedAtSample()).isEqualTo(21 * 960L);
        assertThat(resumed.atMs()).isEqualTo(2540.0);
        float[] out = sink.samples();
        int pauseAt = (int) (2.420 * OUT_RATE);
        int resumeAt = (int) (2.560 * OUT_RATE);
        assertSine(out, 2 * OUT_RATE, 0, pauseAt - 2 * OUT_RATE);
        assertThat(lastNonZero(out, pauseAt, resumeAt)).isEqualTo(-1);
        // After the gap the sine continues from the very sample where it stopped, to the end of the answer.
        assertSine(out, resumeAt, 21 * 960L, 2 * OUT_RATE - 21 * 960);
        assertThat(lastNonZero(out, resumeAt + 2 * OUT_RATE - 21 * 960, out.length)).isEqualTo(-1);
        // The speculative recognition of the cough was cancelled, never answered.
        assertThat(asr.cancelledUtterances()).isEqualTo(1);
        assertThat(responder.requests()).hasSize(1);
        assertThat(states()).containsSubsequence(SessionState.SPEAKING, SessionState.BARGED_IN,
                SessionState.SPEAKING, SessionState.LISTENING, SessionState.TERMINATED);
    }

    @Test
    void theSessionsStateIsWhereEachMoveLeftIt() throws Exception {
        // The state a host reads is the conversation's phase's: on every move (a false alarm, then a confirmed
        // barge-in, then the next answer), a listener on the session's thread reads the state the move went to.
        Scenario user = Scenario.at(16_000).silence(500).speech("u1", 1000).silence(900).speech("cough", 60)
                .silence(500).speech("u2", 1000).silence(2500);
        java.util.concurrent.atomic.AtomicReference<VoiceSession> session =
                new java.util.concurrent.atomic.AtomicReference<>();
        List<SessionState> moves = new CopyOnWriteArrayList<>();
        List<SessionState> read = new CopyOnWriteArrayList<>();
        VoicePipeline pipeline = VoicePipeline.builder()
                .vad(EnergyVad::new)
                .asr(() -> ScriptedRecognizer.of("count to ten", "stop"))
                .tts(SineSynthesizer::new)
                .responder(ScriptedResponder.of(LONG_ANSWER, "Okay."))
                .clock(new VirtualClock())
                .listener(e -> {
                    if (e instanceof SessionEvent.StateChanged sc) {
                        moves.add(sc.to());
                        read.add(session.get().state());
                    }
                })
                .build();
        try (VoiceSession s = pipeline.openSession(AudioSources.memory(16_000, user.samples()),
                AudioSinks.memory(OUT_RATE))) {
            session.set(s);
            s.start();
            assertThat(s.awaitTermination(Duration.ofSeconds(60))).isTrue();
            assertThat(s.report().turns()).hasSize(2);
            assertThat(s.report().turns().get(0).falseAlarms()).isEqualTo(1);
            assertThat(s.report().turns().get(0).bargedIn()).isTrue();
        }
        // The first move (to LISTENING) is told while the session's stages are being built.
        assertThat(moves.get(0)).isEqualTo(SessionState.LISTENING);
        assertThat(moves).containsSubsequence(SessionState.THINKING, SessionState.SPEAKING, SessionState.BARGED_IN,
                SessionState.SPEAKING, SessionState.LISTENING, SessionState.THINKING, SessionState.SPEAKING,
                SessionState.LISTENING, SessionState.TERMINATED);
        assertThat(read.subList(1, read.size())).isEqualTo(moves.subList(1, moves.size()));
    }

    @Test
    void backToBackTurns() throws Exception {
        // Each turn: 600 ms of speech, end found 500 ms later, a 400 ms answer, and the user speaks again 100 ms
        // after the answer ends.
        Scenario user = Scenario.at(16_000).silence(500).speech("u1", 600).silence(1000).speech("u2", 600)
                .silence(1000).speech("u3", 600).silence(2000);
        ScriptedRecognizer asr = ScriptedRecognizer.of("first", "second", "third");
        ScriptedResponder responder = ScriptedResponder.of("Answer one.", "Answer two.", "Answer three.");
        AudioSinks.MemorySink sink = AudioSinks.memory(OUT_RATE);

        SessionReport report = run(user, asr, responder, sink);

        List<String> transcripts = report.turns().stream().map(TurnReport::transcript).toList();
        assertThat(transcripts).containsExactly("first", "second", "third");
        assertThat(report.turns()).allSatisfy(t -> assertThat(t.firstAudioLatencyMs()).isEqualTo(500.0));
        assertThat(report.turns().stream().map(TurnReport::playedText).toList())
                .containsExactly("Answer one.", "Answer two.", "Answer three.");
    }

    @Test
    void stopDuringSynthesisCancelsTheSynthesizerMidUtterance() throws Exception {
        // A 100-word answer (20 s of audio) interrupted 400 ms in: synthesis must stop long before its end.
        String hundredWords = String.join(" ", java.util.Collections.nCopies(100, "word")) + ".";
        Scenario user = Scenario.at(16_000).silence(500).speech("u1", 1000).silence(900).speech("u2", 1000)
                .silence(1500);
        long[] synthesized = new long[1];
        io.github.voicechat.spi.SpeechSynthesizer counting = new io.github.voicechat.spi.SpeechSynthesizer() {
            private final SineSynthesizer sine = new SineSynthesizer();

            @Override
            public int sampleRateHz() {
                return sine.sampleRateHz();
            }

            @Override
            public void synthesize(String text, io.github.voicechat.spi.SynthesisSink sink) {
                sine.synthesize(text, new io.github.voicechat.spi.ForwardingSynthesisSink(sink) {
                    @Override
                    public boolean audio(float[] samples, int offset, int length) {
                        synthesized[0] += length;
                        return super.audio(samples, offset, length);
                    }
                });
            }

            @Override
            public void close() {
                sine.close();
            }
        };
        ScriptedRecognizer asr = ScriptedRecognizer.of("talk a lot", "stop");
        VoicePipeline pipeline = VoicePipeline.builder()
                .vad(EnergyVad::new).asr(() -> asr).tts(() -> counting)
                .responder(ScriptedResponder.of(hundredWords, "Okay."))
                .clock(new VirtualClock())
                .build();
        SessionReport report;
        try (VoiceSession session = pipeline.openSession(AudioSources.memory(16_000, user.samples()),
                AudioSinks.memory(OUT_RATE))) {
            session.start();
            assertThat(session.awaitTermination(Duration.ofSeconds(60))).isTrue();
            report = session.report();
        }
        assertThat(report.turns().get(0).bargedIn()).isTrue();
        assertThat(report.turns().get(0).playedText()).isEqualTo("word word");
        // Played 420 ms, the output ring holds at most 64 frames (1.28 s) and the synthesizer is at most one frame
        // ahead of the ring: far from the 20 s it was asked for, plus the 1 s "Okay." of the next answer.
        long firstAnswerSamples = synthesized[0] - 48_000 / 5;
        assertThat(firstAnswerSamples).isLessThanOrEqualTo((420 + 1280 + 20) * 48L);
        assertThat(report.turns().get(1).playedText()).isEqualTo("Okay.");
    }

    @Test
    void sessionCloseReleasesEveryThread() throws Exception {
        Set<String> before = voicechatThreads();
        Scenario user = Scenario.at(16_000).silence(500).speech("u1", 1000).silence(30_000);
        ScriptedRecognizer asr = ScriptedRecognizer.of("hello");
        VoicePipeline pipeline = VoicePipeline.builder()
                .vad(EnergyVad::new).asr(() -> asr).tts(SineSynthesizer::new)
                .responder(ScriptedResponder.of(LONG_ANSWER + " " + LONG_ANSWER))
                .clock(new VirtualClock())
                .build();
        VoiceSession session = pipeline.openSession(AudioSources.memory(16_000, user.samples()),
                AudioSinks.memory(OUT_RATE));
        session.start();
        // Close mid-conversation, whatever it is doing.
        session.close();
        assertThat(session.state()).isEqualTo(SessionState.TERMINATED);
        assertThat(asr.isClosed()).isTrue();
        assertThat(voicechatThreads()).isEqualTo(before);
        session.close(); // idempotent
    }

    private static Set<String> voicechatThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("voicechat-")).collect(Collectors.toSet());
    }

    private <T extends SessionEvent> T only(Class<T> type) {
        List<T> found = events.stream().filter(type::isInstance).map(type::cast).toList();
        assertThat(found).as("events of type %s", type.getSimpleName()).hasSize(1);
        return found.get(0);
    }

    private List<SessionState> states() {
        return events.stream().filter(e -> e instanceof SessionEvent.StateChanged)
                .map(e -> ((SessionEvent.StateChanged) e).to()).toList();
    }
}
