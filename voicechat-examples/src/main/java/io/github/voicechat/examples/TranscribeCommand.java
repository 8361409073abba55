package io.github.voicechat.examples;

import io.github.voicechat.audio.AudioData;
import io.github.voicechat.audio.Resampler;
import io.github.voicechat.audio.WavReader;
import io.github.voicechat.spi.EngineProvider;
import io.github.voicechat.spi.SpeechRecognizer;
import io.github.voicechat.spi.Transcript;
import io.github.voicechat.spi.WordTiming;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code voicechat transcribe IN.wav}: the text on stdout; {@code --json} adds words, times and RTF. */
@Command(name = "transcribe", mixinStandardHelpOptions = true, description = "Transcribe a WAV file.")
final class TranscribeCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "IN.wav", description = "Any PCM16 or float WAV, mono or stereo.")
    Path in;

    @Option(names = "--engine", paramLabel = "ID", description = "Recognizer id (default: the best available).")
    String engine;

    @Option(names = "--json", description = "Print JSON with words, times and the real-time factor.")
    boolean json;

    @Mixin
    EngineSelection engines = new EngineSelection();

    @Override
    public Integer call() throws Exception {
        AudioData data = WavReader.read(in); // header and length problems surface before the engine loads
        EngineProvider<SpeechRecognizer> provider = EngineSelection.choose(SpeechRecognizer.class,
                engine != null ? engine : engines.asr);
        float[] mono = data.mono();
        Transcript t;
        double processingS;
        int rate;
        try (SpeechRecognizer asr = provider.create(engines.asrOptions())) {
            rate = asr.sampleRateHz();
            Resampler r = Resampler.create(data.sampleRateHz(), rate);
            float[] buf = new float[r.maxOutputSamples(320 * 8) + r.delaySamples() + 16];
            long t0 = System.nanoTime();
            int chunk = Math.max(1, data.sampleRateHz() / 50);
            int drop = r.delaySamples();
            for (int i = 0; i < mono.length; i += chunk) {
                int n = r.process(mono, i, Math.min(chunk, mono.length - i), buf, 0);
                int skip = Math.min(drop, n);
                drop -= skip;
                if (n > skip) {
                    asr.accept(buf, skip, n - skip);
                }
            }
            int n = r.flush(buf, 0);
            int skip = Math.min(drop, n);
            if (n > skip) {
                asr.accept(buf, skip, n - skip);
            }
            t = asr.finish();
            processingS = (System.nanoTime() - t0) / 1e9;
        }
        double audioS = data.durationMs() / 1000;
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("file", in.toString());
            m.put("engine", provider.id());
            m.put("text", t.text());
            m.put("confidence", (double) t.confidence());
            List<Object> words = new ArrayList<>();
            for (WordTiming w : t.words()) {
                Map<String, Object> wm = new LinkedHashMap<>();
                wm.put("word", w.word());
                wm.put("start_s", w.startMs() / 1000);
                wm.put("end_s", w.endMs() / 1000);
                words.add(wm);
            }
            m.put("words", words);
            m.put("audio_s", audioS);
            m.put("processing_s", processingS);
            m.put("rtf", audioS > 0 ? processingS / audioS : Double.NaN);
            System.out.print(Json.write(m));
        } else {
            System.out.println(t.text());
        }
        return 0;
    }
}
