package io.github.voicechat.benchmarks;

import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.RingBuffer;
import io.github.voicechat.audio.AudioFrame;
import io.github.voicechat.internal.bus.FrameRing;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.broadcast.BroadcastBufferDescriptor;
import org.agrona.concurrent.broadcast.BroadcastReceiver;
import org.agrona.concurrent.broadcast.BroadcastTransmitter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * The input frame bus ({@link FrameRing}) against the LMAX Disruptor 4.0.0 ({@code RingBuffer} + {@code EventPoller},
 * busy-spin) and Agrona 1.21.2's broadcast buffer (the library structure with the same semantics as ours: the
 * transmitter never blocks, lapped receivers detect it), all carrying 20 ms frames at 16 kHz (320 float samples).
 *
 * <ul>
 *   <li>{@code *RoundTrip} (SampleTime, ns): ping → echo thread → pong, one frame each way; one hop is half. Gives
 *       p50/p99/p99.9.</li>
 *   <li>{@code *Throughput} (ops/s = frames/s): a batch of 256 frames published, then wait until a consumer thread
 *       has copied all of them out.</li>
 *   <li>{@code *PublishOnly} (ns/op): the producer's cost with no consumer (Disruptor without gating sequences, which
 *       is the only way it never blocks — and then readers cannot detect being lapped).</li>
 * </ul>
 * Run: {@code java -jar benchmarks/target/benchmarks.jar BusBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s -prof gc}.
 */
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class BusBenchmark {

    static final int FRAME_SAMPLES = 320;
    static final int RATE_HZ = 16_000;
    static final int SLOTS = 1024;
    static final int BATCH = 256;
    /** Agrona message: startSample (8), then the samples as floats. */
    static final int AGRONA_MSG_BYTES = 8 + FRAME_SAMPLES * Float.BYTES;

    static float[] pcm() {
        float[] pcm = new float[FRAME_SAMPLES];
        for (int i = 0; i < pcm.length; i++) {
            pcm[i] = (float) Math.sin(i * 0.1);
        }
        return pcm;
    }

    /** A daemon spinning thread; stopped by clearing {@code running}. */
    abstract static class Spinner {
        volatile boolean running = true;
        Thread thread;

        void start(String name) {
            thread = new Thread(this::loop, name);
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join();
        }

        abstract void loop();
    }

    // ------------------------------------------------------------------ voicechat FrameRing

    @State(Scope.Benchmark)
    public static class VoicechatPingPong extends Spinner {
        final float[] pcm = pcm();
        final AudioFrame dest = new AudioFrame(FRAME_SAMPLES);
        FrameRing ping;
        FrameRing pong;
        FrameRing.Consumer pongConsumer;
        long position;

        @Setup(Level.Trial)
        public void setUp() {
            ping = new FrameRing(SLOTS, FRAME_SAMPLES);
            pong = new FrameRing(SLOTS, FRAME_SAMPLES);
            echo = ping.subscribe("echo");
            pongConsumer = pong.subscribe("main");
            start("voicechat-echo"); // Thread.start publishes the fields above to the echo thread
        }

        FrameRing.Consumer echo;
        final AudioFrame echoFrame = new AudioFrame(FRAME_SAMPLES);

        @Override
        void loop() {
            while (running) {
                if (echo.poll(echoFrame)) {
                    pong.publish(echoFrame);
                } else {
                    Thread.onSpinWait();
                }
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException {
            stop();
            ping.close();
            pong.close();
        }
    }

    @State(Scope.Benchmark)
    public static class VoicechatPipe extends Spinner {
        final float[] pcm = pcm();
        FrameRing ring;
        volatile FrameRing.Consumer consumer;
        volatile long consumed;
        long published;

        @Setup(Level.Trial)
        public void setUp() {
            ring = new FrameRing(SLOTS, FRAME_SAMPLES);
            consumer = ring.subscribe("sink");
            start("voicechat-sink");
        }

        @Override
        void loop() {
            AudioFrame f = new AudioFrame(FRAME_SAMPLES);
            FrameRing.Consumer c = consumer;
            while (running) {
                if (c.poll(f)) {
                    consumed = f.sequence() + 1;
                } else {
                    Thread.onSpinWait();
                }
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException {
            stop();
            ring.close();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public long voicechatRoundTrip(VoicechatPingPong s) {
        s.ping.publish(s.pcm, 0, FRAME_SAMPLES, RATE_HZ, s.position++);
        while (!s.pongConsumer.poll(s.dest)) {
            Thread.onSpinWait();
        }
        return s.dest.startSample();
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(BATCH)
    public long voicechatThroughput(VoicechatPipe s) {
        for (int i = 0; i < BATCH; i++) {
            s.published = s.ring.publish(s.pcm, 0, FRAME_SAMPLES, RATE_HZ, s.published) + 1;
        }
        while (s.consumed < s.published) {
            Thread.onSpinWait();
        }
        return s.consumed;
    }

    @State(Scope.Thread)
    public static class VoicechatAlone {
        final float[] pcm = pcm();
        final FrameRing ring = new FrameRing(SLOTS, FRAME_SAMPLES);
        final FrameRing.Consumer idle = ring.subscribe("idle");
        long position;
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public long voicechatPublishOnly(VoicechatAlone s) {
        return s.ring.publish(s.pcm, 0, FRAME_SAMPLES, RATE_HZ, s.position++);
    }

    // ------------------------------------------------------------------ LMAX Disruptor

    static RingBuffer<AudioFrame> disruptorRing() {
        return RingBuffer.createSingleProducer(() -> new AudioFrame(FRAME_SAMPLES), SLOTS, new BusySpinWaitStrategy());
    }

    static void disruptorPublish(RingBuffer<AudioFrame> ring, float[] pcm, long startSample) {
        long seq = ring.next(); // waits (parkNanos(1) loop) if the slowest gating consumer is a full ring behind
        ring.get(seq).set(pcm, 0, FRAME_SAMPLES, RATE_HZ, startSample, seq);
        ring.publish(seq);
    }

    @State(Scope.Benchmark)
    public static class DisruptorPingPong extends Spinner {
        final float[] pcm = pcm();
        final AudioFrame dest = new AudioFrame(FRAME_SAMPLES);
        RingBuffer<AudioFrame> ping;
        RingBuffer<AudioFrame> pong;
        EventPoller<AudioFrame> pingPoller;
        EventPoller<AudioFrame> pongPoller;
        EventPoller.Handler<AudioFrame> copyToDest;
        long position;

        @Setup(Level.Trial)
        public void setUp() {
            ping = disruptorRing();
            pong = disruptorRing();
            pingPoller = ping.newPoller();
            ping.addGatingSequences(pingPoller.getSequence());
            pongPoller = pong.newPoller();
            pong.addGatingSequences(pongPoller.getSequence());
            copyToDest = (event, seq, end) -> {
                dest.setFrom(event);
                return false; // one event per poll, like FrameRing.Consumer.poll
            };
            start("disruptor-echo");
        }

        @Override
        void loop() {
            AudioFrame f = new AudioFrame(FRAME_SAMPLES);
            boolean[] got = new boolean[1];
            EventPoller.Handler<AudioFrame> h = (event, seq, end) -> {
                f.setFrom(event);
                got[0] = true;
                return false;
            };
            try {
                while (running) {
                    got[0] = false;
                    pingPoller.poll(h);
                    if (got[0]) {
                        disruptorPublish(pong, f.samples(), f.startSample());
                    } else {
                        Thread.onSpinWait();
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException {
            stop();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public long disruptorRoundTrip(DisruptorPingPong s) throws Exception {
        disruptorPublish(s.ping, s.pcm, s.position++);
        while (s.pongPoller.poll(s.copyToDest) != EventPoller.PollState.PROCESSING) {
            Thread.onSpinWait();
        }
        return s.dest.startSample();
    }

    @State(Scope.Benchmark)
    public static class DisruptorPipe extends Spinner {
        final float[] pcm = pcm();
        RingBuffer<AudioFrame> ring;
        EventPoller<AudioFrame> poller;
        volatile long consumed;
        long published;

        @Setup(Level.Trial)
        public void setUp() {
            ring = disruptorRing();
            poller = ring.newPoller();
            ring.addGatingSequences(poller.getSequence());
            start("disruptor-sink");
        }

        @Override
        void loop() {
            AudioFrame f = new AudioFrame(FRAME_SAMPLES);
            EventPoller.Handler<AudioFrame> h = (event, seq, end) -> {
                f.setFrom(event);
                consumed = seq + 1;
                return false;
            };
            try {
                while (running) {
                    if (poller.poll(h) != EventPoller.PollState.PROCESSING) {
                        Thread.onSpinWait();
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException {
            stop();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(BATCH)
    public long disruptorThroughput(DisruptorPipe s) {
        for (int i = 0; i < BATCH; i++) {
            disruptorPublish(s.ring, s.pcm, s.published++);
        }
        while (s.consumed < s.published) {
            Thread.onSpinWait();
        }
        return s.consumed;
    }

    @State(Scope.Thread)
    public static class DisruptorAlone {
        final float[] pcm = pcm();
        final RingBuffer<AudioFrame> ring = disruptorRing(); // no gating sequence: never waits, overwrites
        long position;
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public long disruptorPublishOnly(DisruptorAlone s) {
        disruptorPublish(s.ring, s.pcm, s.position++);
        return s.position;
    }

    // ------------------------------------------------------------------ Agrona broadcast buffer

    static UnsafeBuffer agronaBuffer() {
        // messages are aligned to 8 bytes plus an 8-byte header: 1296 + 8 -> 1304; 1024 of them fit in 2 MiB
        int capacity = 1 << 21;
        return new UnsafeBuffer(ByteBuffer.allocateDirect(capacity + BroadcastBufferDescriptor.TRAILER_LENGTH));
    }

    static void agronaEncode(UnsafeBuffer msg, float[] pcm, long startSample) {
        msg.putLong(0, startSample);
        for (int i = 0; i < FRAME_SAMPLES; i++) {
            msg.putFloat(8 + i * Float.BYTES, pcm[i]);
        }
    }

    /** Copies the received message into {@code dest}; false if it was overwritten while copying (lapped). */
    static boolean agronaDecode(BroadcastReceiver rx, AudioFrame dest) {
        int offset = rx.offset();
        org.agrona.MutableDirectBuffer b = rx.buffer();
        long startSample = b.getLong(offset);
        float[] samples = dest.samples();
        for (int i = 0; i < FRAME_SAMPLES; i++) {
            samples[i] = b.getFloat(offset + 8 + i * Float.BYTES);
        }
        if (!rx.validate()) {
            return false;
        }
        dest.set(samples, 0, FRAME_SAMPLES, RATE_HZ, startSample, startSample);
        return true;
    }

    @State(Scope.Benchmark)
    public static class AgronaPingPong extends Spinner {
        final float[] pcm = pcm();
        final AudioFrame dest = new AudioFrame(FRAME_SAMPLES);
        final UnsafeBuffer msg = new UnsafeBuffer(ByteBuffer.allocateDirect(AGRONA_MSG_BYTES));
        final UnsafeBuffer echoMsg = new UnsafeBuffer(ByteBuffer.allocateDirect(AGRONA_MSG_BYTES));
        BroadcastTransmitter pingTx;
        BroadcastReceiver pingRx;
        BroadcastTransmitter pongTx;
        BroadcastReceiver pongRx;
        long position;

        @Setup(Level.Trial)
        public void setUp() {
            UnsafeBuffer ping = agronaBuffer();
            UnsafeBuffer pong = agronaBuffer();
            pingTx = new BroadcastTransmitter(ping);
            pingRx = new BroadcastReceiver(ping);
            pongTx = new BroadcastTransmitter(pong);
            pongRx = new BroadcastReceiver(pong);
            start("agrona-echo");
        }

        @Override
        void loop() {
            AudioFrame f = new AudioFrame(FRAME_SAMPLES);
            while (running) {
                if (pingRx.receiveNext() && agronaDecode(pingRx, f)) {
                    agronaEncode(echoMsg, f.samples(), f.startSample());
                    pongTx.transmit(1, echoMsg, 0, AGRONA_MSG_BYTES);
                } else {
                    Thread.onSpinWait();
                }
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException {
            stop();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public long agronaRoundTrip(AgronaPingPong s) {
        agronaEncode(s.msg, s.pcm, s.position++);
        s.pingTx.transmit(1, s.msg, 0, AGRONA_MSG_BYTES);
        while (!(s.pongRx.receiveNext() && agronaDecode(s.pongRx, s.dest))) {
            Thread.onSpinWait();
        }
        return s.dest.startSample();
    }

    @State(Scope.Benchmark)
    public static class AgronaPipe extends Spinner {
        final float[] pcm = pcm();
        final UnsafeBuffer msg = new UnsafeBuffer(ByteBuffer.allocateDirect(AGRONA_MSG_BYTES));
        BroadcastTransmitter tx;
        BroadcastReceiver rx;
        volatile long consumed;
        long published;

        @Setup(Level.Trial)
        public void setUp() {
            UnsafeBuffer buffer = agronaBuffer();
            tx = new BroadcastTransmitter(buffer);
            rx = new BroadcastReceiver(buffer);
            start("agrona-sink");
        }

        @Override
        void loop() {
            AudioFrame f = new AudioFrame(FRAME_SAMPLES);
            while (running) {
                if (rx.receiveNext() && agronaDecode(rx, f)) {
                    consumed = f.startSample() + 1;
                } else {
                    Thread.onSpinWait();
                }
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException {
            stop();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(BATCH)
    public long agronaThroughput(AgronaPipe s) {
        for (int i = 0; i < BATCH; i++) {
            agronaEncode(s.msg, s.pcm, s.published++);
            s.tx.transmit(1, s.msg, 0, AGRONA_MSG_BYTES);
        }
        while (s.consumed < s.published) {
            Thread.onSpinWait();
        }
        return s.consumed;
    }
}
