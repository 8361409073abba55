package io.github.voicechat.benchmarks;

import io.github.voicechat.webrtc.WebRtcEchoCanceller;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/** WebRTC AEC3 per 10 ms frame at 16 kHz: far end real speech, near end its echo (40 ms, -6 dB). */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class EchoCancellerBenchmark {

    @Param({"false", "true"})
    public boolean noiseSuppression;

    private WebRtcEchoCanceller aec;
    private float[] far;
    private float[] near;
    private final float[] farFrame = new float[160];
    private final float[] nearFrame = new float[160];
    private int position;

    @Setup
    public void setUp() {
        aec = new WebRtcEchoCanceller(16_000, new WebRtcEchoCanceller.Settings(true, noiseSuppression, true, 0));
        far = VadBenchAudio.speech16k();
        near = VadBenchAudio.echo(far, 16_000);
    }

    @Benchmark
    public float[] frame10ms() {
        if (position + 160 > far.length) {
            position = 0;
        }
        System.arraycopy(far, position, farFrame, 0, 160);
        System.arraycopy(near, position, nearFrame, 0, 160);
        aec.process(farFrame, nearFrame, nearFrame);
        position += 160;
        return nearFrame;
    }

    @TearDown
    public void tearDown() {
        aec.close();
    }
}
