package io.github.voicechat.piper;

import io.github.voicechat.models.LoadedModel;
import io.github.voicechat.models.ModelEntry;
import io.github.voicechat.models.ModelLoader;
import io.github.voicechat.models.ResolvedModel;
import java.nio.file.Path;

/**
 * Loads catalog models of engine {@code piper} as {@link PiperVoice}s for the
 * {@link io.github.voicechat.models.ModelManager}, which shares one voice among sessions; make a synthesizer per
 * session with {@link PiperSynthesizer#create(PiperVoice, io.github.voicechat.spi.EngineOptions)}. Runs on the CPU
 * with ONNX Runtime's default thread count.
 */
public final class PiperModelLoader implements ModelLoader {

    @Override
    public String engine() {
        return "piper";
    }

    @Override
    public LoadedModel load(ModelEntry entry, ResolvedModel files) {
        Path[] paths = PiperProvider.voiceFiles(files);
        return PiperVoice.load(paths[0], paths[1]);
    }
}
