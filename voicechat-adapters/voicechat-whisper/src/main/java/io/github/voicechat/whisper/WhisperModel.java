package io.github.voicechat.whisper;

import io.github.givimad.whisperjni.WhisperContext;
import io.github.givimad.whisperjni.WhisperContextParams;
import io.github.givimad.whisperjni.WhisperJNI;
import io.github.givimad.whisperjni.WhisperState;
import io.github.voicechat.models.LoadedModel;
import io.github.voicechat.spi.EngineException;
import io.github.voicechat.whisper.internal.GgmlModelFile;
import io.github.voicechat.whisper.internal.NativeWhisper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.locks.Lock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One loaded Whisper model (a whisper.cpp context holding the weights), shareable by several recognizers.
 *
 * <p>The context is created without decoding state ({@code initNoState}); each {@link WhisperRecognizer} creates its
 * own {@code WhisperState} (KV caches, mel buffer, results, some tens of MB) and runs {@code fullWithState}, which
 * whisper.cpp supports concurrently on one context. So one model in memory serves any number of conversations; each
 * recognizer is still used by one thread at a time.
 *
 * <p>Lifetime: {@link #close()} may be called while recognizers still hold states (a {@code ModelManager} closing
 * down does that); the context is then freed when the last state is released, never before, and exactly once.
 * Implements {@link LoadedModel} so a {@code ModelManager} can share, warm up and evict it (see
 * {@link WhisperModelLoader}).
 */
public final class WhisperModel implements LoadedModel {

    private static final Logger LOG = LoggerFactory.getLogger(WhisperModel.class);

    private final String id;
    private final Path file;
    private final GgmlModelFile.HParams hparams;
    private final long sizeBytes;
    private final WhisperJNI whisper;
    private final WhisperContext context;
    private int openStates;
    private boolean closeRequested;
    private boolean freed;

    private WhisperModel(String id, Path file, GgmlModelFile.HParams hparams, long sizeBytes, WhisperJNI whisper,
                         WhisperContext context) {
        this.id = id;
        this.file = file;
        this.hparams = hparams;
        this.sizeBytes = sizeBytes;
        this.whisper = whisper;
        this.context = context;
    }

    /**
     * Loads a ggml model file (checked in Java first, so a damaged file is an exception, not a crash).
     *
     * @param id   the model id, for messages ({@code whisper-base.en})
     * @param file the ggml file
     * @param gpu  ask for a GPU backend if the native build has one
     * @return the model; close it after the recognizers made from it
     * @throws EngineException if the file is missing or unusable, or the native library cannot be loaded
     */
    public static WhisperModel load(String id, Path file, boolean gpu) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(file, "file");
        if (!Files.isRegularFile(file)) {
            throw new EngineException("whisper model " + id + ": file " + file.toAbsolutePath() + " does not exist;"
                    + " run: voicechat models pull " + id);
        }
        GgmlModelFile.Checked checked;
        long size;
        try {
            checked = GgmlModelFile.check(file);
            size = Files.size(file);
        } catch (IOException e) {
            throw new EngineException("whisper model " + id + ": " + e.getMessage()
                    + "; replace it with: voicechat models pull " + id, e);
        }
        WhisperJNI whisper;
        try {
            whisper = NativeWhisper.get();
        } catch (IllegalStateException e) {
            throw new EngineException(e.getMessage(), e);
        }
        WhisperContextParams params = new WhisperContextParams();
        params.useGPU = gpu;
        long t0 = System.nanoTime();
        WhisperContext ctx;
        Lock w = NativeWhisper.writeLock();
        w.lock();
        try {
            ctx = whisper.initNoState(file.toAbsolutePath(), params);
        } catch (IOException e) {
            throw new EngineException("whisper model " + id + ": cannot open " + file + ": " + e.getMessage(), e);
        } finally {
            w.unlock();
        }
        if (ctx == null) {
            throw new EngineException("whisper model " + id + ": whisper.cpp could not load " + file
                    + " (see the DEBUG log of io.github.voicechat.whisper.native); run: voicechat models pull " + id);
        }
        LOG.debug("loaded {} from {} in {} ms ({} tensors, {}multilingual)", id, file,
                (System.nanoTime() - t0) / 1_000_000, checked.tensors(), checked.hparams().multilingual() ? "" : "not ");
        return new WhisperModel(id, file, checked.hparams(), size, whisper, ctx);
    }

    /** {@return the model id} */
    public String id() {
        return id;
    }

    /** {@return the ggml file it was loaded from} */
    public Path file() {
        return file;
    }

    /** {@return whether the model knows several languages (and can translate)} {@code .en} models do not. */
    public boolean multilingual() {
        return hparams.multilingual();
    }

    /** {@return the hyper-parameters read from the file's header} */
    public GgmlModelFile.HParams hparams() {
        return hparams;
    }

    /** The weights' size on disk; resident size is about this plus ~50-200 MB per recognizer state. */
    @Override
    public long sizeBytes() {
        return sizeBytes;
    }

    /** {@return the recognizers currently holding a decoding state of this model} */
    public synchronized int openStates() {
        return openStates;
    }

    /** {@return whether the native context has been freed} */
    public synchronized boolean isFreed() {
        return freed;
    }

    /** Creates a decoding state; the caller must {@link #releaseState release} it. */
    WhisperState newState() {
        synchronized (this) {
            if (closeRequested) {
                throw new IllegalStateException("whisper model " + id + " is closed");
            }
            openStates++;
        }
        WhisperState state = null;
        Lock w = NativeWhisper.writeLock();
        w.lock();
        try {
            state = whisper.initState(context);
        } finally {
            w.unlock();
            if (state == null) {
                releaseCount();
            }
        }
        if (state == null) {
            throw new EngineException("whisper model " + id + ": whisper.cpp could not allocate a decoding state"
                    + " (out of memory?)");
        }
        return state;
    }

    /** Frees a state made by {@link #newState()}; frees the context too if it was closed meanwhile. */
    void releaseState(WhisperState state) {
        Lock w = NativeWhisper.writeLock();
        w.lock();
        try {
            whisper.free(state);
        } finally {
            w.unlock();
        }
        releaseCount();
    }

    WhisperJNI whisper() {
        return whisper;
    }

    WhisperContext context() {
        return context;
    }

    private void releaseCount() {
        boolean free;
        synchronized (this) {
            openStates--;
            free = closeRequested && openStates == 0 && !freed;
            if (free) {
                freed = true;
            }
        }
        if (free) {
            freeContext();
        }
    }

    /** Runs one transcription of a second of silence, so the first real utterance does not pay for lazy set-up. */
    @Override
    public void warmUp() {
        WhisperState state = newState();
        try {
            float[] silence = new float[16_000];
            WhisperRecognizer.runFull(this, state, WhisperOptions.defaults().forModel(id, multilingual()), silence,
                    silence.length);
        } finally {
            releaseState(state);
        }
    }

    /** Frees the context now, or when the last recognizer state is released. Idempotent. */
    @Override
    public void close() {
        boolean free;
        synchronized (this) {
            closeRequested = true;
            free = openStates == 0 && !freed;
            if (free) {
                freed = true;
            }
        }
        if (free) {
            freeContext();
        }
    }

    private void freeContext() {
        Lock w = NativeWhisper.writeLock();
        w.lock();
        try {
            whisper.free(context);
        } finally {
            w.unlock();
        }
        LOG.debug("freed whisper model {}", id);
    }

    @Override
    public String toString() {
        return "WhisperModel[" + id + ", " + file + "]";
    }
}
