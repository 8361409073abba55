package io.github.voicechat.silero;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.github.voicechat.audio.Pcm;
import io.github.voicechat.spi.EngineException;
import io.github.voicechat.spi.VoiceActivityDetector;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * Silero VAD: speech probability per 512-sample chunk at 16 kHz (or 256 at 8 kHz).
 *
 * <p>The network is fed the previous chunk's last 64 (32 at 8 kHz) samples before each chunk, as the reference
 * implementation does; without that context v6 outputs about zero. The recurrent state is carried from chunk to
 * chunk. All tensors are created once over direct buffers and the outputs are written into them (pinned), so a chunk
 * allocates only ONNX Runtime's small result holder, which is closed at once.
 */
public final class SileroVad implements VoiceActivityDetector {

    private static final int STATE_SIZE = 2 * 128;

    private final SileroVadModel model;
    /** What closing this detector does to the model: nothing, close it, or give back a shared reference. */
    private final Runnable releaseModel;
    private final int sampleRateHz;
    private final int chunkSamples;
    private final int contextSamples;

    private final FloatBuffer input;
    private final FloatBuffer stateA;
    private final FloatBuffer stateB;
    private final FloatBuffer output;
    private final OnnxTensor inputTensor;
    private final OnnxTensor stateATensor;
    private final OnnxTensor stateBTensor;
    private final OnnxTensor srTensor;
    private final OnnxTensor outputTensor;
    // The state ping-pongs between two tensors: run n reads A and writes B, run n+1 reads B and writes A.
    private final Map<String, OnnxTensor> inputsFromA;
    private final Map<String, OnnxTensor> inputsFromB;
    private final Map<String, OnnxValue> outputsToB;
    private final Map<String, OnnxValue> outputsToA;
    private boolean stateInA = true;
    private boolean closed;

    SileroVad(SileroVadModel model, Runnable releaseModel, int sampleRateHz) {
        if (sampleRateHz != 16_000 && sampleRateHz != 8_000) {
            throw new IllegalArgumentException("Silero VAD runs at 16000 or 8000 Hz, not " + sampleRateHz + " Hz");
        }
        this.model = model;
        this.releaseModel = releaseModel;
        this.sampleRateHz = sampleRateHz;
        this.chunkSamples = sampleRateHz == 16_000 ? 512 : 256;
        this.contextSamples = sampleRateHz == 16_000 ? 64 : 32;
        this.input = directFloats(contextSamples + chunkSamples);
        this.stateA = directFloats(STATE_SIZE);
        this.stateB = directFloats(STATE_SIZE);
        this.output = directFloats(1);
        OnnxTensor in = null;
        OnnxTensor a = null;
        OnnxTensor b = null;
        OnnxTensor sr = null;
        OnnxTensor out = null;
        try {
            var env = model.env();
            in = OnnxTensor.createTensor(env, input, new long[] {1, contextSamples + chunkSamples});
            a = OnnxTensor.createTensor(env, stateA, new long[] {2, 1, 128});
            b = OnnxTensor.createTensor(env, stateB, new long[] {2, 1, 128});
            sr = OnnxTensor.createTensor(env, (long) sampleRateHz);
            out = OnnxTensor.createTensor(env, output, new long[] {1, 1});
        } catch (OrtException | RuntimeException e) {
            closeQuietly(in, a, b, sr, out);
            throw new EngineException("cannot create Silero input tensors", e);
        }
        this.inputTensor = in;
        this.stateATensor = a;
        this.stateBTensor = b;
        this.srTensor = sr;
        this.outputTensor = out;
        this.inputsFromA = Map.of("input", in, "state", a, "sr", sr);
        this.inputsFromB = Map.of("input", in, "state", b, "sr", sr);
        this.outputsToB = Map.of("output", out, "stateN", b);
        this.outputsToA = Map.of("output", out, "stateN", a);
    }

    private static FloatBuffer directFloats(int n) {
        return ByteBuffer.allocateDirect(n * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    private static void closeQuietly(OnnxTensor... tensors) {
        for (OnnxTensor t : tensors) {
            if (t != null) {
                t.close();
            }
        }
    }

    /** {@return the network this detector runs} */
    public SileroVadModel model() {
        return model;
    }

    @Override
    public int sampleRateHz() {
        return sampleRateHz;
    }

    @Override
    public int frameSamples() {
        return chunkSamples;
    }

    @Override
    public float speechProbability(float[] samples, int offset, int length) {
        if (closed) {
            throw new IllegalStateException("this Silero detector is closed");
        }
        if (length != chunkSamples) {
            throw new IllegalArgumentException("Silero VAD at " + sampleRateHz + " Hz takes chunks of "
                    + chunkSamples + " samples, was given " + length);
        }
        if (offset < 0 || offset + length > samples.length) {
            throw new IllegalArgumentException("range [" + offset + ", " + (offset + length)
                    + ") is outside an array of " + samples.length + " samples");
        }
        Pcm.requireFinite(samples, offset, length);

        // input = [context | chunk]; the context is already in place from the previous call.
        input.position(contextSamples);
        input.put(samples, offset, length);
        input.clear();
        boolean fromA = stateInA;
        try (OrtSession.Result ignored = model.session().run(fromA ? inputsFromA : inputsFromB,
                fromA ? outputsToB : outputsToA)) {
            stateInA = !fromA;
        } catch (OrtException e) {
            throw new EngineException("Silero inference failed", e);
        }
        // Keep this chunk's tail as the next chunk's context.
        for (int i = 0; i < contextSamples; i++) {
            input.put(i, samples[offset + length - contextSamples + i]);
        }
        return output.get(0);
    }

    @Override
    public void reset() {
        for (int i = 0; i < STATE_SIZE; i++) {
            stateA.put(i, 0f);
            stateB.put(i, 0f);
        }
        for (int i = 0; i < contextSamples; i++) {
            input.put(i, 0f);
        }
        stateInA = true;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeQuietly(inputTensor, stateATensor, stateBTensor, srTensor, outputTensor);
        releaseModel.run();
    }

    /** A detector holding a reference to a shared model; closing it runs {@code release} (once). */
    static SileroVad sharing(SileroVadModel model, int sampleRateHz, Runnable release) {
        try {
            return new SileroVad(model, release, sampleRateHz);
        } catch (RuntimeException e) {
            release.run();
            throw e;
        }
    }
}
