package io.github.voicechat.piper;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.github.voicechat.models.LoadedModel;
import io.github.voicechat.onnx.OnnxDevice;
import io.github.voicechat.onnx.OnnxSessions;
import io.github.voicechat.piper.internal.PhonemeIds;
import io.github.voicechat.spi.EngineException;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One loaded Piper voice: its ONNX Runtime session and its {@link PiperVoiceConfig}. Thread safe (ONNX Runtime
 * sessions accept concurrent runs), so several {@link PiperSynthesizer}s may share it; close it after them.
 *
 * <p>The network is VITS as exported by Piper: inputs {@code input} int64 [1, N] (phoneme ids),
 * {@code input_lengths} int64 [1] (N), {@code scales} float [3] (noise_scale, length_scale, noise_w) and, for
 * multi-speaker voices, {@code sid} int64 [1]; its first output is the audio, float [1, 1, samples] at
 * {@link PiperVoiceConfig#sampleRateHz()} (rhasspy/piper {@code voice.py}, {@code synthesize_ids_to_raw}).
 */
public final class PiperVoice implements LoadedModel {
    static final Set<String> REQUIRED_INPUTS = Set.of("input", "input_lengths", "scales");

    private final PiperVoiceConfig config;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final String outputName;
    private final boolean hasSid;
    private final boolean cuda;
    private final long sizeBytes;
    private final String name;
    private volatile boolean closed;

    private PiperVoice(String name, PiperVoiceConfig config, OrtEnvironment env, OrtSession session, boolean cuda,
                       long sizeBytes) throws OrtException {
        this.name = name;
        this.config = config;
        this.env = env;
        this.session = session;
        this.cuda = cuda;
        this.sizeBytes = sizeBytes;
        Map<String, NodeInfo> inputs = session.getInputInfo();
        if (!inputs.keySet().containsAll(REQUIRED_INPUTS)) {
            throw new EngineException("Piper voice " + name + " is not a Piper network: its inputs are "
                    + inputs.keySet() + ", expected " + REQUIRED_INPUTS + " (and 'sid' for multi-speaker voices)");
        }
        this.hasSid = inputs.containsKey("sid");
        if (config.numSpeakers() > 1 && !hasSid) {
            throw new EngineException("Piper voice " + name + " declares num_speakers " + config.numSpeakers()
                    + " but its network has no 'sid' input; inputs are " + inputs.keySet());
        }
        List<String> outs = List.copyOf(session.getOutputNames());
        if (outs.isEmpty()) {
            throw new EngineException("Piper voice " + name + " has no output");
        }
        this.outputName = outs.get(0);
        NodeInfo out = session.getOutputInfo().get(outputName);
        if (!(out.getInfo() instanceof TensorInfo ti) || ti.type != OnnxJavaType.FLOAT) {
            throw new EngineException("Piper voice " + name + ": output '" + outputName
                    + "' must be a float tensor, is " + out.getInfo());
        }
    }

    /**
     * Loads {@code onnx} with its config on the CPU (ONNX Runtime's default thread count).
     *
     * @param onnx the voice's network
     * @param json its {@code .onnx.json}
     * @return the voice; the caller closes it
     * @throws EngineException when a file is missing, or ONNX Runtime cannot load it
     */
    public static PiperVoice load(Path onnx, Path json) {
        return load(onnx, json, OnnxDevice.CPU, 0);
    }

    /**
     * Loads a voice.
     *
     * @param onnx           the voice's network
     * @param json           its {@code .onnx.json}
     * @param device         where the network runs
     * @param intraOpThreads ONNX Runtime threads per inference; 0 leaves ONNX Runtime's default (one per core)
     * @return the voice; the caller closes it
     * @throws EngineException          when a file is missing, or ONNX Runtime cannot load it, or it is not a Piper
     *                                  network, or CUDA was demanded and is absent
     * @throws IllegalArgumentException when the config is malformed (the message names the field)
     */
    public static PiperVoice load(Path onnx, Path json, OnnxDevice device, int intraOpThreads) {
        if (!Files.isRegularFile(onnx)) {
            throw new EngineException("Piper voice model " + onnx + " does not exist");
        }
        PiperVoiceConfig config;
        long size;
        try {
            config = PiperVoiceConfig.load(json);
            size = Files.size(onnx);
        } catch (IOException e) {
            throw new EngineException("cannot read Piper voice config " + json + ": " + e.getMessage(), e);
        }
        String name = onnx.getFileName().toString();
        OnnxSessions.Opened opened = OnnxSessions.open(onnx.toString(), device, intraOpThreads,
                (env, options) -> env.createSession(onnx.toString(), options));
        try {
            return new PiperVoice(name, config, OrtEnvironment.getEnvironment(), opened.session(), opened.cuda(),
                    size);
        } catch (RuntimeException | OrtException e) {
            try {
                opened.session().close();
            } catch (OrtException closing) {
                e.addSuppressed(closing);
            }
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new EngineException("ONNX Runtime cannot load " + onnx + ": " + e.getMessage(), e);
        }
    }

    /** {@return the voice's {@code .onnx.json}} */
    public PiperVoiceConfig config() {
        return config;
    }

    /** {@return whether inference runs on the CUDA execution provider} */
    public boolean usesCuda() {
        return cuda;
    }

    /**
     * Runs the network once.
     *
     * @param phonemeIds  ids laid out by Piper's rule (BOS, PAD, (phoneme, PAD)*, EOS); each below num_symbols
     * @param noiseScale  generator noise
     * @param lengthScale phoneme duration factor, above 1 is slower
     * @param noiseW      phoneme width noise
     * @param speakerId  the speaker for multi-speaker voices (ignored, as Piper ignores it, for single-speaker ones)
     * @return the audio at {@link PiperVoiceConfig#sampleRateHz()}, as the network produced it (not normalised)
     */
    public float[] infer(long[] phonemeIds, float noiseScale, float lengthScale, float noiseW, int speakerId) {
        if (closed) {
            throw new IllegalStateException("Piper voice " + name + " is closed");
        }
        if (phonemeIds.length == 0) {
            throw new IllegalArgumentException("phoneme ids must not be empty");
        }
        for (long id : phonemeIds) {
            if (id < 0 || id >= config.numSymbols()) {
                throw new IllegalArgumentException("phoneme id " + id + " is outside 0.." + (config.numSymbols() - 1));
            }
        }
        PiperVoiceConfig.checkScale("noise_scale", noiseScale);
        PiperVoiceConfig.checkScale("length_scale", lengthScale);
        PiperVoiceConfig.checkScale("noise_w", noiseW);
        if (lengthScale == 0f) {
            throw new IllegalArgumentException("length_scale must be above 0, was 0");
        }
        if (speakerId < 0 || (config.numSpeakers() > 1 && speakerId >= config.numSpeakers())) {
            throw new IllegalArgumentException("speaker id must be 0.." + (config.numSpeakers() - 1) + ", was "
                    + speakerId);
        }
        Map<String, OnnxTensor> feed = new HashMap<>();
        try {
            feed.put("input", OnnxTensor.createTensor(env, LongBuffer.wrap(phonemeIds), new long[] {1, phonemeIds.length}));
            feed.put("input_lengths", OnnxTensor.createTensor(env, LongBuffer.wrap(new long[] {phonemeIds.length}),
                    new long[] {1}));
            feed.put("scales", OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[] {noiseScale, lengthScale, noiseW}),
                    new long[] {3}));
            if (hasSid && config.numSpeakers() > 1) {
                feed.put("sid", OnnxTensor.createTensor(env, LongBuffer.wrap(new long[] {speakerId}), new long[] {1}));
            }
            try (OrtSession.Result result = session.run(feed, Set.of(outputName))) {
                OnnxValue v = result.get(0);
                if (!(v instanceof OnnxTensor t) || t.getInfo().type != OnnxJavaType.FLOAT) {
                    throw new EngineException("Piper voice " + name + " returned " + v.getInfo() + ", expected float audio");
                }
                FloatBuffer fb = t.getFloatBuffer();
                float[] audio = new float[fb.remaining()];
                fb.get(audio);
                return audio;
            }
        } catch (OrtException e) {
            throw new EngineException("Piper voice " + name + " failed on " + phonemeIds.length + " phoneme ids: "
                    + e.getMessage(), e);
        } finally {
            for (OnnxTensor t : feed.values()) {
                t.close();
            }
        }
    }

    @Override
    public long sizeBytes() {
        return sizeBytes;
    }

    /** Synthesises BOS, PAD, EOS once, so the first real sentence does not pay for ONNX Runtime's lazy set-up. */
    @Override
    public void warmUp() {
        Map<String, long[]> m = config.phonemeIdMap();
        long[] ids = {m.get(PhonemeIds.BOS)[0], m.get(PhonemeIds.PAD)[0], m.get(PhonemeIds.EOS)[0]};
        infer(ids, config.noiseScale(), config.lengthScale(), config.noiseW(), 0);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        OnnxSessions.close(session, "Piper voice " + name);
    }

    @Override
    public String toString() {
        return "PiperVoice[" + name + ", " + config + (cuda ? ", CUDA" : "") + "]";
    }
}
