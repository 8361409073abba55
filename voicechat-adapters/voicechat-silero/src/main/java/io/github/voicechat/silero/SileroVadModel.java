package io.github.voicechat.silero;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.github.voicechat.onnx.OnnxDevice;
import io.github.voicechat.onnx.OnnxSessions;
import io.github.voicechat.spi.EngineException;
import java.io.IOException;
import java.io.InputStream;

/**
 * One loaded Silero VAD network (an ONNX Runtime session). Detectors made by {@link #newDetector(int)} share it, each
 * with its own recurrent state: the state is an input and an output of the network, never kept in the session, and
 * {@code SileroVadTest} checks that interleaved detectors give exactly what each gives alone.
 *
 * <p>Close the model after the detectors made from it.
 */
public final class SileroVadModel implements AutoCloseable {

    /** The bundled networks. */
    public enum Version {
        /** Silero VAD v5: re-triggers on short sounds after speech more than v6. */
        V5("silero_vad_v5.onnx"),
        /** Silero VAD v6, the default. */
        V6("silero_vad_v6.onnx");

        private final String resource;

        Version(String resource) {
            this.resource = resource;
        }

        /** {@return the class-path location of the bundled model} */
        public String resourcePath() {
            return "/io/github/voicechat/silero/" + resource;
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

    /**
     * Loads a bundled network on the CPU with one intra-op thread.
     *
     * @param version which network
     * @return the model; close it after the detectors made from it
     * @throws EngineException if the model is missing or ONNX Runtime cannot load it
     */
    public static SileroVadModel load(Version version) {
        return load(version, OnnxDevice.CPU, 1);
    }

    /**
     * Loads a bundled network.
     *
     * @param version        which network
     * @param device         where it runs
     * @param intraOpThreads ONNX Runtime threads per inference; 1 suits a network this small (about 0.1 ms a chunk)
     * @return the model; close it after the detectors made from it
     * @throws EngineException if the model is missing or ONNX Runtime cannot load it, or CUDA was demanded and is absent
     */
    public static SileroVadModel load(Version version, OnnxDevice device, int intraOpThreads) {
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
        OnnxSessions.Opened opened = OnnxSessions.open(version.resourcePath(), device, intraOpThreads,
                (env, options) -> env.createSession(bytes, options));
        return new SileroVadModel(version, OrtEnvironment.getEnvironment(), opened.session(), opened.cuda());
    }

    /** {@return which network this is} */
    public Version version() {
        return version;
    }

    /** {@return whether inference runs on the CUDA execution provider} */
    public boolean usesCuda() {
        return cuda;
    }

    /**
     * A new detector on this network, with its own state. The caller closes it; closing it leaves the model open.
     *
     * @param sampleRateHz 16000 (512-sample chunks) or 8000 (256-sample chunks)
     * @return the detector
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
        OnnxSessions.close(session, "Silero model " + version);
    }
}
