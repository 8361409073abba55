package io.github.voicechat.benchmarks;

import io.github.voicechat.audio.Framer;
import io.github.voicechat.silero.SileroVadModel;
import io.github.voicechat.spi.VoiceActivityDetector;
import io.github.voicechat.vad.SpeechSegmenter;
import io.github.voicechat.webrtc.WebRtcEchoCanceller;
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

/**
 * The microphone path per 20 ms pipeline frame at 16 kHz: echo canceller on two 10 ms halves, then the VAD on the
 * cleaned audio reframed to its own frame length (Silero: 512 samples, so 0.625 chunks per pipeline frame), then the
 * segmenter.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class VadWithEchoCancellerBenchmark {

    @Param({"silero", "webrtc"})
    public String vadEngine;

    private SileroVadModel model;
    private VoiceActivityDetector vad;
    private WebRtcEchoCanceller aec;
    private SpeechSegmenter segmenter;
    private Framer framer;
    private Framer.FrameConsumer toVad;
    private float[] far;
    private float[] near;
    private final float[] farHalf = new float[160];
    private final float[] nearHalf = new float[160];
    private final float[] cleaned = new float[320];
    private int position;
    private int speechEvents;

    @Setup
    public void setUp() {
        if (vadEngine.equals("silero")) {
            model = SileroVadModel.load(SileroVadModel.Version.V6);
            vad = model.newDetector(16_000);
        } else {
            vad = new WebRtcVad(16_000, 1);
        }
        aec = new WebRtcEchoCanceller(16_000, WebRtcEchoCanceller.Settings.defaults());
        segmenter = SpeechSegmenter.builder(16_000).build();
        framer = new Framer(vad.frameSamples());
        toVad = (frame, off, len, start) -> {
            if (segmenter.accept(start, len, vad.speechProbability(frame, off, len)) != SpeechSegmenter.Event.NONE) {
                speechEvents++;
            }
        };
        far = VadBenchAudio.speech16k();
        // The user's speech (the same clip, reversed in time) on top of the echo.
        near = VadBenchAudio.echo(far, 16_000);
        for (int i = 0; i < near.length; i++) {
            near[i] += far[far.length - 1 - i];
        }
    }

    @Benchmark
    public int frame20ms() {
        if (position + 320 > far.length) {
            position = 0;
            vad.reset();
            segmenter.reset();
            framer.reset(0);
        }
        for (int half = 0; half < 2; half++) {
            int at = position + half * 160;
            System.arraycopy(far, at, farHalf, 0, 160);
            System.arraycopy(near, at, nearHalf, 0, 160);
            aec.process(farHalf, nearHalf, nearHalf);
            System.arraycopy(nearHalf, 0, cleaned, half * 160, 160);
        }
        framer.push(cleaned, 0, 320, toVad);
        position += 320;
        return speechEvents;
    }

    @TearDown
    public void tearDown() {
        vad.close();
        if (model != null) {
            model.close();
        }
        aec.close();
    }
}
