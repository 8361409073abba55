package io.github.voicechat.examples;

import io.github.voicechat.audio.AudioData;
import io.github.voicechat.audio.Resampler;
import io.github.voicechat.spi.EngineOptions;
import io.github.voicechat.spi.EngineProvider;
import io.github.voicechat.spi.SpeechRecognizer;
import io.github.voicechat.spi.Transcript;
import io.github.voicechat.spi.WordTiming;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code voicechat transcribe IN.wav}: the text on stdout; {@code --json} adds words, times and RTF. */
@Command(name = "transcribe", mixinStandardHelpOptions = true, description = "Transcribe a WAV file.")
final class TranscribeCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "IN.wav", description = "Any PCM16 or float WAV, mono or stereo.")
    Path in;

    @Option(names = {"--engine", "--asr"}, paramLabel = "ID",
            description = "Recognizer id or family, e.g. sphinx, whisper-base.en (default: the best available).")
    String engine;

    @Option(names = {"--asr-option", "-o"}, paramLabel = "KEY=VALUE",
            description = "Option for the recognizer (e.g. beam=20000); repeatable.")
    List<String> options = new ArrayList<>();

    @Option(names = "--json", description = "Print one JSON object (shape in the README) with words, times and the"
            + " real-time factor.")
    boolean json;

    /** The {@code --json} output. */
    record Result(String file, String engine, String text, Double confidence, List<Word> words, Double audioS,
            Double processingS, Double rtf) {
    }

    /** A recognised word, in seconds from the start of the file. */
    record Word(String word, Double startS, Double endS) {
    }

    @Override
    public Integer call() throws Exception {
        // Everything that can be wrong with the input or the options is reported before the engine loads.
        AudioData data = InputAudio.read(in, System.err);
        EngineOptions asrOptions = EngineChoice.parse("--asr-option", options);
        EngineProvider<SpeechRecognizer> provider = EngineChoice.select(SpeechRecognizer.class, engine);
        float[] mono = data.mono();
        Transcript t;
        double processingS;
        try (SpeechRecognizer asr = EngineChoice.load(provider, asrOptions, "--asr-option")) {
            Resampler r = Resampler.create(data.sampleRateHz(), asr.sampleRateHz());
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
            List<Word> words = new ArrayList<>();
            for (WordTiming w : t.words()) {
                words.add(new Word(w.word(), CliJson.num(w.startMs() / 1000), CliJson.num(w.endMs() / 1000)));
            }
            CliJson.print(System.out, new Result(in.toString(), provider.id(), t.text(), CliJson.num(t.confidence()),
                    words, CliJson.num(audioS), CliJson.num(processingS), CliJson.num(processingS / audioS)));
        } else {
            System.out.println(t.text());
        }
        return ExitCode.OK;
    }
}
