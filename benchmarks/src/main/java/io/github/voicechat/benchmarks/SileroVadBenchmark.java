package io.github.voicechat.benchmarks;

import io.github.voicechat.silero.SileroVad;
import io.github.voicechat.silero.SileroVadModel;
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

/**
 * Silero VAD per chunk (512 samples at 16 kHz, 256 at 8 kHz), one intra-op thread, on real speech; target at
 * 16 kHz: at most 0.15 ms mean.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar SileroVadBenchmark -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SileroVadBenchmark {

    @Param({"V6", "V5"})
    public String version;

    @Param({"16000"})
    public int sampleRateHz;

    private SileroVadModel model;
    private SileroVad vad;
    private float[] audio;
    private int chunk;
    private int position;

    @Setup
    public void setUp() {
        model = SileroVadModel.load(SileroVadModel.Version.valueOf(version));
        vad = model.newDetector(sampleRateHz);
        float[] speech = VadBenchAudio.speech16k();
        if (sampleRateHz == 8_000) {
            float[] half = new float[speech.length / 2];
            for (int i = 0; i < half.length; i++) {
                half[i] = 0.5f * (speech[2 * i] + speech[2 * i + 1]);
            }
            speech = half;
        }
        audio = speech;
        chunk = vad.frameSamples();
    }

    @Benchmark
    public float chunk() {
        if (position + chunk > audio.length) {
            position = 0;
        }
        float p = vad.speechProbability(audio, position, chunk);
        position += chunk;
        return p;
    }

    @TearDown
    public void tearDown() {
        vad.close();
        model.close();
    }
}
