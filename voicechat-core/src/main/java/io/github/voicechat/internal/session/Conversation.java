package io.github.voicechat.internal.session;

import io.github.voicechat.ConversationTurn;
import io.github.voicechat.IllegalTransitionException;
import io.github.voicechat.SessionEvent;
import io.github.voicechat.SessionState;
import io.github.voicechat.internal.bus.OutputRing;
import io.github.voicechat.spi.Transcript;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The session's behaviour as one table: in each {@link Phase}, what each {@link Input} does and which phase follows.
 *
 * <p>A phase refines the public {@link SessionState} (LISTENING is split by whether the user is speaking, THINKING
 * by whether the transcript is in) and is the only state of the conversation: the detector's mode
 * ({@link Phase#detectorMode}), whether output plays or is paused, and whether a response exists are all read off
 * it. A rule runs its effect, moves to the next phase (reporting a {@link SessionState} change if there is one), then
 * runs its entry step, so events keep the order listeners have always seen. An input the table has no rule for in
 * the current phase changes nothing. The session's public state is the phase's ({@link #state}), not kept beside
 * it: every move the table makes is checked against {@link SessionState}'s own table once, when the table is built.
 *
 * <p>Session thread only. The stages read {@link #phase} and {@link #response} directly, as fields: one tick reads
 * them many times, and a field read is not a call into this file.
 */
final class Conversation {

    @FunctionalInterface
    private interface Step {
        void run(Conversation c, long atSample);
    }

    private record Rule(Phase next, Step effect, Step entry) { }

    private static final Step NOTHING = (c, at) -> { };
    /** Back in LISTENING after stopping what was pending or playing: the typed turn is answered from there. */
    private static final Step ANSWER_TYPED = (c, at) -> c.on(Input.TEXT_TYPED, at);
    private static final Rule[][] TABLE = new Rule[Phase.values().length][Input.values().length];

    static {
        // phase         input               next          effect (before the move)    entry (after it)
        on(Phase.LISTENING, Input.SPEECH_STARTED, Phase.USER_TURN, NOTHING, Conversation::listenToUser);
        on(Phase.TRANSCRIBING, Input.SPEECH_STARTED, Phase.USER_TURN, Conversation::supersede,
                Conversation::listenToUser);
        on(Phase.RESPONDING, Input.SPEECH_STARTED, Phase.USER_TURN, Conversation::supersede,
                Conversation::listenToUser);
        on(Phase.USER_TURN, Input.SPEECH_ENDED, Phase.TRANSCRIBING, Conversation::endUserTurn, NOTHING);
        on(Phase.USER_TURN, Input.SPEECH_PAUSED, Phase.USER_TURN, // a response on the words so far, held
                (c, at) -> c.speculation.start(c.userTurn, c.wordsAtPause), NOTHING);
        on(Phase.USER_TURN, Input.SPEECH_RESUMED, Phase.USER_TURN, Conversation::discardSpeculation, NOTHING);
        on(Phase.TRANSCRIBING, Input.TRANSCRIPT, Phase.RESPONDING, Conversation::respond, NOTHING);
        on(Phase.TRANSCRIBING, Input.NOTHING_HEARD, Phase.LISTENING, Conversation::completeUnanswered, NOTHING);
        on(Phase.RESPONDING, Input.FIRST_AUDIO_PLAYED, Phase.SPEAKING, Conversation::firstAudio, NOTHING);
        on(Phase.RESPONDING, Input.RESPONSE_PLAYED, Phase.LISTENING, Conversation::finishResponse, NOTHING);
        on(Phase.SPEAKING, Input.RESPONSE_PLAYED, Phase.LISTENING, Conversation::finishResponse, NOTHING);
        on(Phase.SPEAKING, Input.SPEECH_OVER_BOT, Phase.PAUSED, Conversation::notePauseLatency,
                Conversation::pause);
        on(Phase.PAUSED, Input.NOISE_ENDED, Phase.SPEAKING, Conversation::releaseCandidate,
                Conversation::resume);
        on(Phase.SPEAKING, Input.BARGE_IN_CONFIRMED, Phase.USER_TURN, Conversation::bargeIn,
                Conversation::startUserTurn);
        on(Phase.PAUSED, Input.BARGE_IN_CONFIRMED, Phase.USER_TURN, Conversation::bargeIn,
                Conversation::startUserTurn);
        for (Phase p : List.of(Phase.RESPONDING, Phase.SPEAKING, Phase.PAUSED)) {
            on(p, Input.RESPONSE_STALLED, Phase.LISTENING, (c, at) -> c.stopResponse(false), NOTHING);
        }
        on(Phase.LISTENING, Input.TEXT_TYPED, Phase.RESPONDING, Conversation::typedTurn, Conversation::respond);
        on(Phase.USER_TURN, Input.TEXT_TYPED, Phase.USER_TURN, Conversation::refuseTyped, NOTHING);
        on(Phase.TRANSCRIBING, Input.TEXT_TYPED, Phase.LISTENING, Conversation::supersede,
                ANSWER_TYPED);
        on(Phase.RESPONDING, Input.TEXT_TYPED, Phase.LISTENING, Conversation::supersede, ANSWER_TYPED);
        on(Phase.SPEAKING, Input.TEXT_TYPED, Phase.LISTENING, Conversation::supersede, ANSWER_TYPED);
        on(Phase.PAUSED, Input.TEXT_TYPED, Phase.LISTENING, Conversation::dropCandidateForText,
                ANSWER_TYPED);
    }

    private static void on(Phase phase, Input input, Phase next, Step effect, Step entry) {
        if (next.state != phase.state && !phase.state.canMoveTo(next.state)) {
            throw new IllegalTransitionException(phase.state, next.state); // a table error: fails at class load
        }
        TABLE[phase.ordinal()][input.ordinal()] = new Rule(next, effect, entry);
    }

    /** Whether the table has a rule for {@code input} in {@code phase}, and where it leads; null if none. */
    static Phase next(Phase phase, Input input) {
        Rule r = TABLE[phase.ordinal()][input.ordinal()];
        return r == null ? null : r.next;
    }

    private final Ticks ticks;
    private final SessionLog log;
    private final Workers workers;
    private final OutputRing ring;
    private final long preRollSamples;
    /** Turns whose answer was dropped because the user spoke again before their transcript arrived. */
    private final Map<Integer, Turn> superseded = new HashMap<>();

    /** Where the conversation is; written by {@link #on} only; volatile, as the public state is read off it. */
    volatile Phase phase = Phase.LISTENING;
    /** Set by {@link #end}: the session's state is TERMINATED from then on; any thread may read it. */
    volatile boolean ended;
    /** The response being prepared or played (phases RESPONDING..PAUSED), else null; written here only. */
    ResponseState response;
    private int turnNumber;
    private Turn userTurn;        // USER_TURN: the user turn in progress
    private Turn botTurn;         // TRANSCRIBING..PAUSED: the turn being answered
    private double pauseLatencyMs = Double.NaN;
    /** The speculative response of the turn in progress (USER_TURN, TRANSCRIBING), if one was started. */
    private final Speculation speculation;
    /** The recogniser's words as the listen stage read them (what the detector decided on), before SPEECH_PAUSED. */
    String wordsAtPause = "";
    /** The text of the typed turn being applied ({@link #onTyped}), else null. */
    private String typedText;
    /** Set once by the stages, before the first tick. */
    Speaker speaker = Speaker.NONE;

    Conversation(Ticks ticks, SessionLog log, Workers workers, OutputRing ring, int preRollMs) {
        this.ticks = ticks;
        this.log = log;
        this.workers = workers;
        this.ring = ring;
        this.preRollSamples = (long) ticks.inRateHz * preRollMs / 1000;
        this.speculation = new Speculation(workers, ring, log);
    }

    /** Applies the table's rule for {@code input} in the current phase; {@code atSample} is where it happened. */
    void on(Input input, long atSample) {
        Rule rule = TABLE[phase.ordinal()][input.ordinal()];
        if (rule == null) {
            return;
        }
        rule.effect.run(this, atSample);
        Phase from = phase;
        phase = rule.next;
        if (rule.next.state != from.state) {
            noteMove(from.state, rule.next.state);
        }
        rule.entry.run(this, atSample);
    }

    /** A transcript posted by the recogniser's worker. */
    void onTranscript(int turn, Transcript transcript, double realTimeFactor) {
        String text = transcript.text();
        note(SessionLog.TRANSCRIPT, turn, realTimeFactor, 0, nowMs(), text, 0);
        Turn old = superseded.remove(turn);
        if (old != null) {
            old.transcript = text;
            noteCompleted(old);
            return;
        }
        if (phase != Phase.TRANSCRIBING || botTurn.number != turn) {
            return; // the turn was abandoned meanwhile (the user spoke again)
        }
        botTurn.transcript = text;
        on(transcript.isEmpty() ? Input.NOTHING_HEARD : Input.TRANSCRIPT, 0);
    }

    /** A typed turn, posted from {@code VoiceSession.submitText}: {@link Input#TEXT_TYPED} with its text. */
    void onTyped(String text) {
        typedText = text;
        try {
            on(Input.TEXT_TYPED, ticks.tick * ticks.inFrameSamples);
        } finally {
            typedText = null;
        }
    }

    /** The turn the recogniser is finishing, if any: the supervisor answers it itself when the recogniser dies. */
    int transcribingTurn() {
        return phase == Phase.TRANSCRIBING ? botTurn.number : 0;
    }

    /** Where the user's speech (turn or candidate barge-in) began, for a replacement recogniser; -1 if none. */
    long speechOnsetSample() {
        return phase == Phase.USER_TURN ? Math.round(userTurn.userStartS * ticks.inRateHz) : -1;
    }

    /** Ends the conversation: stops a response, completes every open turn, and reports TERMINATED. */
    void end() {
        discardSpeculation(0);
        if (response != null) {
            stopResponse(false);
        }
        if (botTurn != null) {
            noteCompleted(botTurn); // its transcript never came
            botTurn = null;
        }
        if (userTurn != null) {
            noteCompleted(userTurn);
            userTurn = null;
        }
        for (Turn t : superseded.values()) {
            noteCompleted(t); // its transcript never came
        }
        superseded.clear();
        if (!ended) {
            ended = true;
            noteMove(phase.state, SessionState.TERMINATED);
        }
    }

    // ------------------------------------------------------------------ steps of the table

    private void listenToUser(long at) {
        startUserTurn(at);
        workers.asr.start(Math.max(0, at - preRollSamples));
    }

    private void startUserTurn(long at) {
        userTurn = new Turn(++turnNumber);
        userTurn.userStartS = at / (double) ticks.inRateHz;
        note(SessionLog.SPEECH_STARTED, userTurn.number, 0, 0, at * 1000.0 / ticks.inRateHz, null, 0);
    }

    private void endUserTurn(long at) {
        Turn t = userTurn;
        userTurn = null;
        t.userEndS = at / (double) ticks.inRateHz;
        t.endDecisionNanos = System.nanoTime();
        note(SessionLog.SPEECH_ENDED, t.number, 0, 0, at * 1000.0 / ticks.inRateHz, null, 0);
        botTurn = t;
        // Everything published so far (up to the end of this tick's frame) belongs to the utterance.
        workers.asr.finish(t.number, ticks.tick * ticks.inFrameSamples + ticks.inFrameSamples);
    }

    /**
     * The user spoke again before any answer was heard, or typed a turn: drop that answer (or the wait for its
     * transcript) and listen. A transcript still on its way is recorded when it arrives, so the report and history
     * keep what was said.
     */
    private void supersede(long at) {
        discardSpeculation(at);
        if (response != null) {
            stopResponse(true);
            return;
        }
        botTurn.bargedIn = true;
        superseded.put(botTurn.number, botTurn);
        botTurn = null;
    }

    /** The user went on (or the turn went another way): the speculative response is dropped unheard. */
    private void discardSpeculation(long at) {
        speculation.discard();
    }

    private void respond(long at) {
        ResponseState adopted = speculation.adopt(botTurn.transcript);
        if (adopted != null) {
            // The speculative answer answered exactly this: it plays from its first sample, held until now.
            response = adopted;
            botTurn.speculativeKept = true;
            return;
        }
        speculation.discard();
        response = new ResponseState(botTurn.number, ring.epoch());
        List<ConversationTurn> snapshot = log.historyNow(); // with the turns noted on this tick
        workers.respond(new ResponseWorker.Job(response, botTurn.transcript, snapshot));
    }

    private void completeUnanswered(long at) {
        discardSpeculation(at);
        Turn t = botTurn;
        botTurn = null;
        noteCompleted(t);
    }

    private void firstAudio(long at) {
        botTurn.firstAudioLatencyMs = nowMs() - botTurn.userEndS * 1000;
        note(SessionLog.FIRST_AUDIO, botTurn.number, botTurn.firstAudioLatencyMs, 0, nowMs(), null, 0);
    }

    private void finishResponse(long at) {
        ResponseState r = response;
        Turn t = botTurn;
        response = null;
        botTurn = null;
        r.finishInto(t);
        noteCompleted(t);
    }

    /** Output is silent from the next frame boundary: the next tick's playout sees the paused phase. */
    private void notePauseLatency(long at) {
        pauseLatencyMs = (ticks.tick + 1) * Ticks.TICK_MS - at * 1000.0 / ticks.inRateHz;
    }

    private void pause(long at) {
        speaker.hold();
        note(SessionLog.BARGE_IN_PAUSED, botTurn.number, at * 1000.0 / ticks.inRateHz, pauseLatencyMs, nowMs(), null,
                0);
        // Start recognising at once so partial words can confirm the barge-in.
        workers.asr.start(Math.max(0, at - preRollSamples));
    }

    private void releaseCandidate(long at) {
        workers.asr.cancel();
        botTurn.falseAlarms++;
    }

    private void resume(long at) {
        note(SessionLog.BARGE_IN_RESUMED, botTurn.number, 0, 0, nowMs(), null, response.playedSamples);
        speaker.release();
    }

    private void bargeIn(long at) {
        if (phase == Phase.SPEAKING) {
            // Confirmed on its first frame: no pause came first, silence starts at the next boundary all the same.
            notePauseLatency(at);
            speaker.hold(); // before the played text is taken: what the device had queued was never heard
            workers.asr.start(Math.max(0, at - preRollSamples));
        }
        Turn interrupted = botTurn;
        interrupted.bargedIn = true;
        interrupted.bargeInLatencyMs = pauseLatencyMs;
        note(SessionLog.BARGE_IN_CONFIRMED, interrupted.number, 0, 0, nowMs(),
                response.playedText(response.playedSamples), 0);
        stopResponse(false);
    }

    /** A typed turn, in LISTENING: it starts and ends where it arrives, and its text is the transcript. */
    private void typedTurn(long at) {
        Turn t = new Turn(++turnNumber);
        t.userStartS = at / (double) ticks.inRateHz;
        t.userEndS = t.userStartS;
        t.transcript = typedText;
        t.endDecisionNanos = System.nanoTime(); // a typed turn ends when it arrives: the model trace starts here
        botTurn = t;
        note(SessionLog.TRANSCRIPT, t.number, Double.NaN, 0, nowMs(), typedText, 0);
    }

    /** Mid-utterance the user's own turn would overwrite the typed one: it is refused, and an event says so. */
    private void refuseTyped(long at) {
        log.emit(new SessionEvent.EngineError("text", "typed turn ignored: the user is speaking", nowMs()));
    }

    /** Output held on a candidate barge-in: the paused sound is no longer a turn of its own, the typed text is. */
    private void dropCandidateForText(long at) {
        workers.asr.cancel();
        stopResponse(true);
    }

    /** Stops the response: cancels synthesis and the responder, discards queued audio, completes the turn. */
    private void stopResponse(boolean supersededByUser) {
        speaker.stop();
        ResponseState r = response;
        Turn t = botTurn;
        // What was played is read before the cancel: once cancelled, the worker may still add marks as it unwinds.
        r.stopInto(t);
        ring.cancel();
        response = null;
        botTurn = null;
        if (supersededByUser) {
            t.bargedIn = true;
        }
        noteCompleted(t);
    }

    // ------------------------------------------------------------------ notes for the recording stage

    /** Noted in the log's plain fields, no call into it: the recording stage builds it; told at once off-tick. */
    private void note(int kind, int turn, double a, double b, double atMs, Object ref, long count) {
        note(kind, turn, a, b, atMs, ref, count, null);
    }

    private void note(int kind, int turn, double a, double b, double atMs, Object ref, long count, Object ref2) {
        SessionLog l = log;
        int i = l.notes;
        if (i == l.noteKind.length) {
            l.grow();
        }
        l.noteKind[i] = kind;
        l.noteTurn[i] = turn;
        l.noteA[i] = a;
        l.noteB[i] = b;
        l.noteAt[i] = atMs;
        l.noteRef[i] = ref;
        l.noteLong[i] = count;
        l.noteRef2[i] = ref2;
        l.notes = i + 1;
        if (!l.holding) {
            l.flush();
        }
    }

    /** A move of the session's state, stamped at the start of this tick's input frame. */
    private void noteMove(SessionState from, SessionState to) {
        note(SessionLog.STATE_CHANGED, 0, 0, 0, ticks.tick * ticks.inFrameSamples * 1000.0 / ticks.inRateHz, from, 0,
                to);
    }

    private void noteCompleted(Turn t) { // the log builds its report, history and TurnCompleted event
        note(SessionLog.TURN_COMPLETED, t.number, 0, 0, nowMs(), t, 0);
    }

    // Audio time off the tick counter's fields, computed as Ticks does, without a call into it.
    private double nowMs() {
        return ticks.tick * (double) Ticks.TICK_MS;
    }
}
