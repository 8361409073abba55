/**
 * The session engine (internal: no compatibility promise).
 *
 * <p>{@link io.github.voicechat.internal.session.SessionRunner} owns one thread that advances the conversation one
 * 20 ms tick at a time: play one output frame (control lane first), capture one input frame, cancel the echo of
 * the frame just played, publish the cleaned frame on the input bus, run the VAD and
 * {@link io.github.voicechat.internal.session.TurnDetector}. The recogniser
 * ({@link io.github.voicechat.internal.session.AsrWorker}) and the responder + synthesizer
 * ({@link io.github.voicechat.internal.session.ResponseWorker}) run on their own threads so a slow engine never
 * delays the playout; they report back by posting to the session thread, which alone changes state.
 *
 * <p>Why one tick loop for both clocks: on the real clock the loop is paced by the microphone or the clock; on a
 * virtual clock the same loop runs unpaced and, after each tick, waits for the worker threads to catch up
 * (lockstep). Engines then take no virtual time, every event lands on the same tick in every run, and latency
 * logic can be tested exactly. Anything the session reads from a worker is read after that wait (for example the
 * recogniser's partial words), never mid-tick, to keep that guarantee.
 */
package io.github.voicechat.internal.session;
