package io.github.voicechat.examples;

import io.github.voicechat.audio.AudioData;
import io.github.voicechat.audio.Resampler;
import io.github.voicechat.audio.WavWriter;
import io.github.voicechat.spi.EngineProvider;
import io.github.voicechat.spi.SpeechSynthesizer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code voicechat speak "TEXT" -o OUT.wav}: text to a WAV file. */
@Command(name = "speak", mixinStandardHelpOptions = true, description = "Synthesise text to a WAV file.")
final class SpeakCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "TEXT", description = "What to say.")
    String text;

    @Option(names = {"-o", "--out"}, paramLabel = "OUT.wav", required = true, description = "Where to write it.")
    Path out;

    @Option(names = "--engine", paramLabel = "ID", description = "Synthesizer id (default: the best available).")
    String engine;

    @Option(names = "--rate", paramLabel = "HZ", description = "Output rate (default: the engine's own).")
    Integer rateHz;

    @Mixin
    EngineSelection engines = new EngineSelection();

    @Override
    public Integer call() throws Exception {
        if (text.isBlank()) {
            System.err.println("error: nothing to say: the text is empty");
            return 2;
        }
        EngineProvider<SpeechSynthesizer> provider = EngineSelection.choose(SpeechSynthesizer.class,
                engine != null ? engine : engines.tts);
        long t0 = System.nanoTime();
        float[] audio;
        int engineRate;
        try (SpeechSynthesizer tts = provider.create(engines.ttsOptions())) {
            engineRate = tts.sampleRateHz();
            audio = render(tts, text);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        int outRate = rateHz == null ? engineRate : rateHz;
        if (outRate != engineRate) {
            Resampler r = Resampler.create(engineRate, outRate);
            float[] res = new float[r.maxOutputSamples(audio.length) + r.delaySamples() + 16];
            int n = r.process(audio, 0, audio.length, res, 0);
            n += r.flush(res, n);
            audio = Arrays.copyOfRange(res, r.delaySamples(), n);
        }
        WavWriter.write(out, AudioData.mono(outRate, audio));
        System.out.printf(Locale.ROOT, "%s: %.2f s of audio at %d Hz in %.2f s -> %s%n", provider.id(),
                audio.length / (double) outRate, outRate, seconds, out);
        return 0;
    }

    static float[] render(SpeechSynthesizer tts, String text) {
        float[][] buf = {new float[1 << 16]};
        int[] n = {0};
        tts.synthesize(text, (samples, offset, length) -> {
            if (n[0] + length > buf[0].length) {
                buf[0] = Arrays.copyOf(buf[0], Math.max(n[0] + length, buf[0].length * 2));
            }
            System.arraycopy(samples, offset, buf[0], n[0], length);
            n[0] += length;
            return true;
        });
        return Arrays.copyOf(buf[0], n[0]);
    }
}
