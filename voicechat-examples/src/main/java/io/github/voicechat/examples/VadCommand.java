package io.github.voicechat.examples;

import io.github.voicechat.audio.AudioData;
import io.github.voicechat.audio.Resampler;
import io.github.voicechat.spi.EngineException;
import io.github.voicechat.spi.EngineOptions;
import io.github.voicechat.spi.EngineProvider;
import io.github.voicechat.spi.VoiceActivityDetector;
import io.github.voicechat.vad.SpeechSegmenter;
import io.github.voicechat.vad.SpeechSegmenter.Segment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code voicechat vad IN.wav [--engine silero|webrtc|<id>] [--json]}: prints the speech segments of a recording. */
@Command(name = "vad", mixinStandardHelpOptions = true,
        description = "Print the speech segments (start_s, end_s) of a WAV file.")
public final class VadCommand implements Callable<Integer> {

    /**
     * Segmenter settings that suit an engine better than the defaults, applied unless given with {@code -o}: Silero v6
     * stays above 0.5 for about two 32 ms chunks after speech ends (measured on the labelled LibriVox clips).
     */
    private static final Map<String, Map<String, String>> ENGINE_SEGMENTER_DEFAULTS =
            Map.of("silero-vad-v6", Map.of(SpeechSegmenter.END_LATENCY_MS.key(), "64"));

    @Parameters(index = "0", paramLabel = "IN.wav", description = "PCM16 or float WAV, any standard rate, mono or not")
    Path input;

    @Option(names = "--engine", paramLabel = "ID", defaultValue = "silero",
            description = "VAD engine id or family: silero, webrtc, silero-vad-v5, ... (default: ${DEFAULT-VALUE})")
    String engine;

    @Option(names = "--json", description = "Print one JSON object (shape in the README) instead of one"
            + " 'start_s<TAB>end_s' line per segment")
    boolean json;

    @Option(names = {"-o", "--option"}, paramLabel = "KEY=VALUE",
            description = "Engine or segmenter option, e.g. threshold=0.6, min_silence_ms=200, aggressiveness=2;"
                    + " `voicechat engines --options` lists the engines' options")
    List<String> options = new ArrayList<>();

    /** The {@code --json} output. */
    record Result(String file, String engine, int sampleRateHz, Double durationS, List<Span> segments) {
    }

    /** One speech segment, in seconds from the start of the file. */
    record Span(Double startS, Double endS) {
    }

    public VadCommand() {
    }

    @Override
    public Integer call() throws Exception {
        AudioData audio = InputAudio.read(input, System.err);
        EngineOptions engineOptions = EngineChoice.parse("--option", options);
        EngineProvider<VoiceActivityDetector> provider = EngineChoice.select(VoiceActivityDetector.class, engine);
        for (Map.Entry<String, String> d : ENGINE_SEGMENTER_DEFAULTS.getOrDefault(provider.id(), Map.of()).entrySet()) {
            if (engineOptions.get(d.getKey()).isEmpty()) {
                engineOptions = engineOptions.with(d.getKey(), d.getValue());
            }
        }
        try {
            // Each key is the engine's or the segmenter's; one that is neither is refused, naming both lists.
            EngineSelection.checkSplit(engineOptions, provider, "the speech segmenter", SpeechSegmenter.OPTIONS);
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--option: " + e.getMessage());
        }
        SpeechSegmenter.Builder segmenterBuilder;
        try (VoiceActivityDetector vad = EngineChoice.load(provider, engineOptions.only(provider.options()),
                "--option")) {
            int vadRate = vad.sampleRateHz();
            float[] samples;
            try {
                samples = resample(audio.mono(), audio.sampleRateHz(), vadRate);
            } catch (IllegalArgumentException e) {
                throw CliException.usage(input + " is at " + audio.sampleRateHz() + " Hz, which cannot be converted"
                        + " to " + vadRate + " Hz: " + e.getMessage());
            }
            try {
                segmenterBuilder = SpeechSegmenter.builder(vadRate)
                        .options(engineOptions.only(SpeechSegmenter.OPTIONS));
            } catch (IllegalArgumentException e) {
                throw CliException.usage("--option: " + e.getMessage());
            }
            List<Segment> segments;
            try {
                segments = SpeechSegmenter.detect(vad, samples, segmenterBuilder.build());
            } catch (IllegalArgumentException | EngineException e) {
                throw new CliException(ExitCode.FAILED, "engine " + provider.id() + " failed on " + input + ": "
                        + e.getMessage(), e);
            }
            print(provider.id(), audio, segments);
            return ExitCode.OK;
        }
    }

    /** The whole clip at {@code outRateHz}, aligned with the input (the resampler's group delay removed). */
    static float[] resample(float[] in, int inRateHz, int outRateHz) {
        if (inRateHz == outRateHz) {
            return in;
        }
        Resampler r = Resampler.create(inRateHz, outRateHz);
        float[] out = new float[r.maxOutputSamples(in.length) + r.delaySamples()];
        int n = r.process(in, 0, in.length, out, 0);
        n += r.flush(out, n);
        return Arrays.copyOfRange(out, r.delaySamples(), n);
    }

    private void print(String engineId, AudioData audio, List<Segment> segments) {
        if (!json) {
            for (Segment seg : segments) {
                System.out.printf(Locale.ROOT, "%.3f\t%.3f%n", seg.startS(), seg.endS());
            }
            System.out.flush();
            return;
        }
        List<Span> spans = segments.stream().map(seg -> new Span(CliJson.num(seg.startS()), CliJson.num(seg.endS())))
                .toList();
        CliJson.print(System.out, new Result(input.toString(), engineId, audio.sampleRateHz(),
                CliJson.num(audio.durationMs() / 1000), spans));
    }
}
