package io.github.voicechat.benchmarks;

import io.github.voicechat.webrtc.WebRtcVad;
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

/** The WebRTC VAD per 10 ms frame on real speech; target at most 40 us. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class WebRtcVadBenchmark {

    @Param({"16000", "48000"})
    public int sampleRateHz;

    private WebRtcVad vad;
    private float[] audio;
    private int frame;
    private int position;

    @Setup
    public void setUp() {
        vad = new WebRtcVad(sampleRateHz, 1);
        float[] speech = VadBenchAudio.speech16k();
        int factor = sampleRateHz / 16_000;
        audio = new float[speech.length * factor];
        for (int i = 0; i < audio.length; i++) {
            audio[i] = speech[i / factor]; // sample-and-hold is enough to feed it speech-like frames
        }
        frame = vad.frameSamples();
    }

    @Benchmark
    public float frame10ms() {
        if (position + frame > audio.length) {
            position = 0;
        }
        float p = vad.speechProbability(audio, position, frame);
        position += frame;
        return p;
    }

    @TearDown
    public void tearDown() {
        vad.close();
    }
}
