package io.github.voicechat.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import io.github.voicechat.spi.EngineException;
import io.github.voicechat.spi.EngineOption;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens ONNX Runtime sessions the one way the engines on it (Silero, Piper) want: sequential execution, one
 * inter-op thread, all graph optimisations, on the device asked for, falling back from CUDA to the CPU when
 * {@link OnnxDevice#AUTO} finds the GPU build but no usable GPU.
 *
 * <p>This build depends on the CPU artifact {@code com.microsoft.onnxruntime:onnxruntime}; replacing it with
 * {@code onnxruntime_gpu} (same package, same API) is what makes CUDA available.
 */
public final class OnnxSessions {

    private static final Logger LOG = LoggerFactory.getLogger(OnnxSessions.class);

    /** Creates a session from the network (bytes or a file) with the options given. */
    @FunctionalInterface
    public interface Source {
        /**
         * Creates the session.
         *
         * @param env     ONNX Runtime's environment
         * @param options the threads and execution provider chosen
         * @return the session
         * @throws OrtException if ONNX Runtime cannot load the network
         */
        OrtSession open(OrtEnvironment env, OrtSession.SessionOptions options) throws OrtException;
    }

    /**
     * An open session and whether it runs on CUDA. The caller closes the session.
     *
     * @param session the session
     * @param cuda    whether it runs on the CUDA execution provider
     */
    public record Opened(OrtSession session, boolean cuda) {
    }

    private OnnxSessions() {
    }

    /**
     * {@return the {@code device} option of an engine on ONNX Runtime, with that engine's default}
     *
     * @param defaultDevice where the engine runs when the option is not given
     */
    public static EngineOption<OnnxDevice> deviceOption(OnnxDevice defaultDevice) {
        return EngineOption.choice("device", defaultDevice, "where the network runs: auto (CUDA when ONNX Runtime"
                + " offers it, else the CPU), cpu, or cuda (fail without it)");
    }

    /**
     * Opens {@code source} on {@code device}.
     *
     * @param name           what is loaded, for messages (a resource path, a file name)
     * @param device         where the network runs
     * @param intraOpThreads threads per inference; 0 leaves ONNX Runtime's default (one per core)
     * @param source         creates the session from the network
     * @return the session and whether it runs on CUDA
     * @throws EngineException if CUDA was demanded and this ONNX Runtime does not offer it, or the network cannot be
     *                         loaded (the message names it and ONNX Runtime's reason)
     */
    public static Opened open(String name, OnnxDevice device, int intraOpThreads, Source source) {
        Objects.requireNonNull(device, "device");
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException("intra-op threads must be >= 0 (0: ONNX Runtime's default), was "
                    + intraOpThreads);
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        boolean cudaOffered = OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
        if (device == OnnxDevice.CUDA && !cudaOffered) {
            throw new EngineException("device=cuda was asked for, but this ONNX Runtime offers only "
                    + OrtEnvironment.getAvailableProviders()
                    + "; replace com.microsoft.onnxruntime:onnxruntime with onnxruntime_gpu (see the README)");
        }
        boolean wantCuda = device != OnnxDevice.CPU && cudaOffered;
        try {
            return new Opened(create(env, source, intraOpThreads, wantCuda), wantCuda);
        } catch (OrtException e) {
            if (wantCuda && device == OnnxDevice.AUTO) {
                // The GPU build is on the class path but no usable GPU or CUDA library: the CPU still works.
                LOG.warn("CUDA execution provider failed for {} ({}); running it on the CPU", name, e.getMessage());
                try {
                    return new Opened(create(env, source, intraOpThreads, false), false);
                } catch (OrtException e2) {
                    throw new EngineException("ONNX Runtime cannot load " + name + ": " + e2.getMessage(), e2);
                }
            }
            throw new EngineException("ONNX Runtime cannot load " + name + (wantCuda ? " with CUDA" : "") + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Closes a session opened here; the native memory it holds is freed now, not by the garbage collector.
     *
     * @param session the session
     * @param name    what it runs, for the message
     * @throws EngineException if ONNX Runtime reports a failure, naming {@code name}
     */
    public static void close(OrtSession session, String name) {
        try {
            session.close();
        } catch (OrtException e) {
            throw new EngineException("closing the ONNX Runtime session of " + name + " failed", e);
        }
    }

    private static OrtSession create(OrtEnvironment env, Source source, int threads, boolean cuda)
            throws OrtException {
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            if (threads > 0) {
                opts.setIntraOpNumThreads(threads);
            }
            opts.setInterOpNumThreads(1);
            opts.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (cuda) {
                opts.addCUDA(0);
            }
            return source.open(env, opts);
        }
    }
}
