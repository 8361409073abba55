package io.github.voicechat.silero;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import io.github.voicechat.spi.EngineException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One loaded Silero VAD network (an ONNX Runtime session). Detectors made by {@link #newDetector(int)} share it, each
 * with its own recurrent state: the state is an input and an output of the network, never kept in the session, and
 * {@code SileroVadTest} checks that interleaved detectors give exactly what each gives alone.
 *
 * <p>Close the model after the detectors made from it.
 */
public final class SileroVadModel implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SileroVadModel.class);

    /** The bundled networks. */
    public enum Version {
        V5("silero_vad_v5.onnx"),
        V6("silero_vad_v6.onnx");

        private final String resource;

        Version(String resource) {
            this.resource = resource;
        }

        /** Class-path location of the bundled model. */
        public String resourcePath() {
            return "/io/github/voicechat/silero/" + resource;
        }
    }

    /** Where the network runs. */
    public enum Device {
        /** CUDA when ONNX Runtime offers it (the {@code onnxruntime_gpu} artifact and a GPU), else CPU. */
        AUTO,
        CPU,
        /** CUDA or fail. */
        CUDA;

        static Device parse(String s) {
            try {
                return valueOf(s.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("device must be auto, cpu or cuda, was '" + s + "'", e);
            }
        }
    }

    private final Version version;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final boolean cuda;
    private volatile boolean closed;

    private SileroVadModel(Version version, OrtEnvironment env, OrtSession session, boolean cuda) {
        this.version = version;
        this.env = env;
        this.session = session;
        this.cuda = cuda;
    }

    /** Loads a bundled network on the CPU with one intra-op thread. */
    public static SileroVadModel load(Version version) {
        return load(version, Device.CPU, 1);
    }

    /**
     * Loads a bundled network.
     *
     * @param intraOpThreads ONNX Runtime threads per inference; 1 suits a network this small (about 0.1 ms a chunk)
     * @throws EngineException if the model is missing or ONNX Runtime cannot load it, or CUDA was demanded and is absent
     */
    public static SileroVadModel load(Version version, Device device, int intraOpThreads) {
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intra-op threads must be >= 1, was " + intraOpThreads);
        }
        byte[] bytes;
        try (InputStream in = SileroVadModel.class.getResourceAsStream(version.resourcePath())) {
            if (in == null) {
                throw new EngineException("Silero model " + version.resourcePath() + " is not on the class path");
            }
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new EngineException("cannot read Silero model " + version.resourcePath(), e);
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        boolean cudaOffered = OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
        if (device == Device.CUDA && !cudaOffered) {
            throw new EngineException("device=cuda was asked for, but this ONNX Runtime offers only "
                    + OrtEnvironment.getAvailableProviders()
                    + "; replace com.microsoft.onnxruntime:onnxruntime with onnxruntime_gpu (see the README)");
        }
        boolean wantCuda = device != Device.CPU && cudaOffered;
        try {
            return new SileroVadModel(version, env, open(env, bytes, intraOpThreads, wantCuda), wantCuda);
        } catch (OrtException e) {
            if (wantCuda && device == Device.AUTO) {
                // The GPU build is on the class path but no usable GPU or CUDA library: the CPU still works.
                LOG.warn("CUDA execution provider failed ({}); running Silero on the CPU", e.getMessage());
                try {
                    return new SileroVadModel(version, env, open(env, bytes, intraOpThreads, false), false);
                } catch (OrtException e2) {
                    throw new EngineException("ONNX Runtime cannot load " + version.resourcePath(), e2);
                }
            }
            throw new EngineException("ONNX Runtime cannot load " + version.resourcePath()
                    + (wantCuda ? " with CUDA" : ""), e);
        }
    }

    private static OrtSession open(OrtEnvironment env, byte[] model, int threads, boolean cuda) throws OrtException {
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(threads);
            opts.setInterOpNumThreads(1);
            opts.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (cuda) {
                opts.addCUDA(0);
            }
            return env.createSession(model, opts);
        }
    }

    public Version version() {
        return version;
    }

    /** Whether inference runs on the CUDA execution provider. */
    public boolean usesCuda() {
        return cuda;
    }

    /**
     * A new detector on this network, with its own state. The caller closes it; closing it leaves the model open.
     *
     * @param sampleRateHz 16000 (512-sample chunks) or 8000 (256-sample chunks)
     */
    public SileroVad newDetector(int sampleRateHz) {
        requireOpen();
        return new SileroVad(this, () -> { }, sampleRateHz);
    }

    OrtEnvironment env() {
        return env;
    }

    OrtSession session() {
        requireOpen();
        return session;
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("Silero model " + version + " is closed");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            session.close();
        } catch (OrtException e) {
            throw new EngineException("closing the Silero session failed", e);
        }
    }
}
