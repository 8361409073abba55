/**
 * The session engine (internal: no compatibility promise).
 *
 * <h2>Stages</h2>
 * A session advances one 20 ms tick at a time. {@link io.github.voicechat.internal.session.SessionStages#tick} is
 * the list of its stages, each a small class that owns its own state, in the style of Netty's handlers:
 * <ol>
 *   <li>{@link io.github.voicechat.internal.session.PlayoutStage} — one frame of the response (or silence) to the
 *       sink; returns what it played;</li>
 *   <li>{@link io.github.voicechat.internal.session.CaptureStage} — one frame from the source, resampled once to
 *       the input rate (the recogniser's);</li>
 *   <li>{@link io.github.voicechat.internal.session.EchoStage} — the echo of what was just played taken out (only
 *       in a session with an echo canceller);</li>
 *   <li>{@link io.github.voicechat.internal.session.ListenStage} — the clean frame to the recogniser (input bus),
 *       the VAD in its own frame size, the pitch trend, and the
 *       {@link io.github.voicechat.internal.session.TurnDetector}'s decision;</li>
 *   <li>{@link io.github.voicechat.internal.session.LockstepGate} — on a virtual clock only: the worker threads
 *       catch up (and engines that model latency sleep in virtual time), so every event lands on the same tick in
 *       every run.</li>
 * </ol>
 * Then what other threads posted (the workers' transcripts and errors, typed turns) is applied and the workers are supervised
 * ({@link io.github.voicechat.internal.session.Workers}). Stages do not call each other: the tick passes what one
 * produces to the next. A stage a session does not need (no echo canceller, no resampling at equal rates) is not
 * in its tick.
 *
 * <h2>One table</h2>
 * The session's behaviour is one (phase, input) → next-phase table in
 * {@link io.github.voicechat.internal.session.Conversation}. A phase refines the public
 * {@link io.github.voicechat.SessionState} (LISTENING is split by whether the user is speaking, THINKING by whether
 * the transcript is in), and everything else is read off it: what the detector listens for
 * ({@code Phase.detectorMode}), whether output plays or is held, whether a response exists. There are no flags
 * beside it, and the detector keeps no mode of its own. A rule runs its effect, moves, then runs its entry step, so
 * listeners see events in the same order as always:
 * <pre>
 * LISTENING    + SPEECH_STARTED     → USER_TURN      start the turn, the recogniser from the pre-roll
 * USER_TURN    + SPEECH_ENDED       → TRANSCRIBING   end the turn, finish the utterance
 * USER_TURN    + SPEECH_PAUSED      → USER_TURN      start a speculative response on the words so far, held
 * USER_TURN    + SPEECH_RESUMED     → USER_TURN      discard it unheard (the responder is told), no turn completed
 * TRANSCRIBING + TRANSCRIPT         → RESPONDING     adopt the speculative response if it answered this
 *                                                    transcript, else discard it and submit the response
 * TRANSCRIBING + NOTHING_HEARD      → LISTENING      complete the turn unanswered
 * TRANSCRIBING,
 * RESPONDING   + SPEECH_STARTED     → USER_TURN      the user spoke again: supersede the pending turn
 * RESPONDING   + FIRST_AUDIO_PLAYED → SPEAKING       first-audio latency
 * RESPONDING,
 * SPEAKING     + RESPONSE_PLAYED    → LISTENING      complete the turn
 * SPEAKING     + SPEECH_OVER_BOT    → PAUSED         hold output at the next frame boundary, recognise at once
 * PAUSED       + NOISE_ENDED        → SPEAKING       false alarm: resume from the paused sample
 * SPEAKING,
 * PAUSED       + BARGE_IN_CONFIRMED → USER_TURN      stop the response, keep what was played, start the turn
 * RESPONDING,
 * SPEAKING,
 * PAUSED       + RESPONSE_STALLED   → LISTENING      the responder or synthesizer is stuck: stop the response
 * LISTENING    + TEXT_TYPED         → RESPONDING     a typed turn: its text is the transcript, submit the response
 * USER_TURN    + TEXT_TYPED         → USER_TURN      refused with an error event (the user's own turn would win)
 * TRANSCRIBING,
 * RESPONDING,
 * SPEAKING,
 * PAUSED       + TEXT_TYPED         → LISTENING      supersede what was pending or playing (a paused candidate is
 *                                                    dropped), then answer the text from LISTENING
 * </pre>
 * The one piece of state beside the phase is the speculative response of the turn in progress (USER_TURN,
 * TRANSCRIBING; {@link io.github.voicechat.internal.session.Speculation}): it is not the conversation's response
 * until adopted, and every way out of those phases other than adopting it discards it. The phases and inputs are
 * {@link io.github.voicechat.internal.session.Phase} and {@link io.github.voicechat.internal.session.Input}; what the
 * table does to the sound device (hold, release, stop) goes through
 * {@link io.github.voicechat.internal.session.Speaker}.
 * An input with no rule in the current phase changes nothing. Every move the table makes is checked against the
 * public state table when the table is built (and {@code ConversationTableTest} pins both), so the session's
 * {@link io.github.voicechat.SessionState} is simply its phase's, not kept beside it. The detector and the offline
 * {@link io.github.voicechat.vad.SpeechSegmenter} share one hysteresis rule ({@code TurnDetector.Hysteresis}).
 *
 * <h2>Threads</h2>
 * Exactly one thread ticks a session, so nothing in it needs a lock:
 * <ul>
 *   <li>a session paced by the system clock (file, memory or network source on the real clock) is ticked by one of
 *       a few shared {@link io.github.voicechat.internal.session.TickLoop}s, about one per core, many sessions per
 *       loop, like Netty's event loops; its 20 ms grid is placed in the widest gap between the grids already on the
 *       loop, and a loop's thread ends with its last session;</li>
 *   <li>a session paced by a device (a microphone or speaker that blocks), one on a virtual clock, or one asked not
 *       to be paced has a thread of its own ({@link io.github.voicechat.internal.session.Session}).</li>
 * </ul>
 * Opening (engine creation) and closing (joining workers) run on short-lived threads of the session's own, never on
 * a shared loop. Each session also has two worker threads, each owning its engine instance
 * ({@link io.github.voicechat.internal.session.EngineWorker}): the recogniser's
 * ({@link io.github.voicechat.internal.session.AsrWorker}, which reads the input bus only during an utterance) and
 * the responder's + synthesizer's ({@link io.github.voicechat.internal.session.ResponseWorker}). They report by
 * posting to the session, which applies the posts on its own thread (so does {@code VoiceSession.submitText}):
 * that queue, and the two rings of the bus, are
 * the only places where another thread produces. Pause, resume, stop and the epoch are direct calls on the session's
 * thread. A worker stuck for the engine timeout, or dead of a fatal error, is abandoned (interrupted, its results
 * discarded) and replaced by a new thread with a new engine; an abandoned thread that will not end is reported as
 * a {@code ThreadLeaked} event.
 *
 * <h2>Virtual time</h2>
 * On a virtual clock the same tick runs unpaced. The gate owns the session's virtual time (the tick's audio time):
 * it moves only at the start of a tick, when every worker is settled, and a worker's
 * {@link io.github.voicechat.time.SessionTime} sleep (a modelled recogniser delay, time to first token, synthesis
 * real-time factor) is a deadline in it. So latencies add exactly, and races are ordinary, repeatable tests.
 *
 * <h2>What a tick crosses</h2>
 * Measured by {@code benchmarks/.../TickPathProbe} (method-entry advice on every core class; {@code --check} asserts
 * issue 13's bound of 10 files of core per tick, none entered more than twice, on every tick, event ticks included;
 * see {@code benchmarks/PIPELINE.md}). On the real clock every tick on which nothing happens is within it: besides
 * the host's source and sink and the engines' own, a speaking tick runs code in 9 files of core (SessionStages,
 * PlayoutStage, OutputRing, SpeakerPath, CaptureStage, ListenStage, FrameRing, TurnDetector, Workers), a quiet
 * listening tick in 8, a tick in a user turn in 8, or 10 when the end-of-turn detector is asked
 * ({@code spi/EndOfTurnDetector}'s cue and {@link io.github.voicechat.internal.session.EndOfTurnRules}), none entered
 * more than twice. What keeps it there: the stages read the state they share as fields (the phase, the response, the
 * recogniser's worker and its partial words, the detector's event sample), the detector's hints (words, pitch trend)
 * are values written once per tick rather than asked for on every VAD frame, the pitch tracker lives in the listen
 * stage's file (its only user), and both rings store into plain arrays. A tick on which an event is only reported
 * (synthesis finished, first audio queued) is within it too, at 10: the recording stage is the tick's own
 * ({@code SessionStages.record}: the conversation, the tick and the workers' posts note what happened in the
 * {@link io.github.voicechat.internal.session.SessionLog}'s plain fields, and it builds the events and tells the
 * listeners at the end of each stage that noted something, in the order noted), so such a tick adds only the event
 * records ({@code SessionEvent}, entered once per event). A tick on which the conversation decides something is
 * not: 11 files when the first audio plays or the user's turn ends, 12 when a turn starts or a barge-in pauses, 15
 * or 16 when a response is submitted, a turn completes or a barge-in is confirmed. To the files every frame crosses
 * it adds the conversation's table, the records, and the files of what the decision starts or ends (the
 * recogniser's or responder's worker, the turn, the response, the turn's report and history). The session's state
 * is the phase's, so no state machine is crossed. Bringing those to 10 would take merging stages into fewer, larger
 * files or a public factory for the event records, which the 400-line bound, one concept per stage and a small API
 * rule out.
 */
package io.github.voicechat.internal.session;
