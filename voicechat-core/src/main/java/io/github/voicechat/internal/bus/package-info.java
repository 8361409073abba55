/**
 * The in-process frame bus: how audio crosses between the session's thread and its worker threads.
 *
 * <ul>
 *   <li>{@link io.github.voicechat.internal.bus.FrameRing} — capture side. The session's thread publishes each
 *       cleaned 20 ms input frame; the recogniser's worker is the one subscriber in a session and reads it with its
 *       own cursor, on its own thread. (The ring supports any number of cursors, each added before start or at
 *       runtime at the head; the VAD and the recorder need none because they run on the session's thread and take
 *       the frame by a direct call.) The producer <em>never blocks</em>: a consumer that falls a whole ring behind
 *       loses the oldest frames, counted exactly per consumer. Reading is a seqlock: copy the slot, then check
 *       (acquire fence, then the producer's claimed sequence) that it was not overwritten meanwhile.</li>
 *   <li>{@link io.github.voicechat.internal.bus.OutputRing} — playback side (TTS → playout), single producer and
 *       single consumer. Unplayed audio is never overwritten: the TTS producer waits (parked, with a timeout) for
 *       space. Barge-in is {@code cancel()}: it advances an epoch, which cancels the producer's utterance (its offers
 *       return CANCELLED, even one already waiting) and discards everything queued under the old epoch.</li>
 * </ul>
 *
 * <p>There is no control lane. Pause, resume and stop are decided on the session's thread, which is also the
 * playout, so they are direct calls that take effect at the next frame boundary: pausing is the playout not
 * polling, stopping is {@code cancel()}. A queue is kept only where another thread really produces: audio from the
 * synthesizer, frames to the recogniser.
 *
 * <p>Waiting never spins forever: a consumer of the input ring and the blocked producer of the output ring park with
 * a deadline and are unparked by the other side (the waker only touches {@code LockSupport.unpark} when someone is
 * registered as waiting). Nothing on the per-frame path allocates (checked by {@code BusAllocationTest} and JMH
 * {@code -prof gc}).
 *
 * <h2>Why hand-written and not the Disruptor or Agrona</h2>
 * The LMAX Disruptor 4.0.0 {@code RingBuffer} gates the producer on its consumers' sequences:
 * {@code SingleProducerSequencer.next()} loops on {@code LockSupport.parkNanos(1)} while the slowest gating
 * consumer is a full ring behind, so a stalled ASR would stall the microphone. Without gating sequences it never
 * waits, but then readers cannot tell that a slot was overwritten while they read it, nor how many frames they
 * lost. Its wait strategies also wait without a per-call timeout on the poller side. Agrona 1.21.2's broadcast
 * buffer ({@code BroadcastTransmitter}/{@code BroadcastReceiver}) has the right semantics (never-blocking
 * transmitter, receivers detect lapping) but moves bytes: each float frame has to be encoded into and decoded out
 * of an {@code UnsafeBuffer}, counts laps rather than lost frames, and has no waiting at all. Measured against both
 * in {@code benchmarks/.../BusBenchmark} (figures in {@code benchmarks/BUS.md}), the hand-written ring is on par
 * with the Disruptor (round trip p50 ~660 ns, p99 ~1.2 µs for both on a 2-core VM; throughput equal within noise),
 * so speed does not decide, semantics do, and core keeps depending on slf4j-api only.
 */
package io.github.voicechat.internal.bus;
