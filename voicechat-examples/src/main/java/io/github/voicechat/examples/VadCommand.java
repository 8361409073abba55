package io.github.voicechat.examples;

import io.github.voicechat.audio.AudioData;
import io.github.voicechat.audio.Resampler;
import io.github.voicechat.audio.WavReader;
import io.github.voicechat.spi.EngineException;
import io.github.voicechat.spi.EngineOptions;
import io.github.voicechat.spi.EngineProvider;
import io.github.voicechat.spi.Engines;
import io.github.voicechat.spi.VoiceActivityDetector;
import io.github.voicechat.vad.SpeechSegmenter;
import io.github.voicechat.vad.SpeechSegmenter.Segment;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code voicechat vad IN.wav [--engine silero|webrtc|<id>] [--json]}: prints the speech segments of a recording. */
@Command(name = "vad", mixinStandardHelpOptions = true,
        description = "Print the speech segments (start_s, end_s) of a WAV file.")
public final class VadCommand implements Callable<Integer> {

    /** Exit code for a file that is missing, unreadable or not a WAV we read; also for bad options. */
    public static final int EXIT_BAD_INPUT = 2;
    /** Exit code when the engine cannot be found, created or run. */
    public static final int EXIT_ENGINE = 3;

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

    @Option(names = "--json", description = "Print JSON instead of one 'start_s<TAB>end_s' line per segment")
    boolean json;

    @Option(names = {"-o", "--option"}, paramLabel = "KEY=VALUE",
            description = "Engine or segmenter option, e.g. threshold=0.6, min_silence_ms=200, aggressiveness=2;"
                    + " `voicechat engines --options` lists the engines' options")
    List<String> options = new ArrayList<>();

    @Spec
    CommandSpec spec;

    public VadCommand() {
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isRegularFile(input)) {
            err.println("vad: no such file: " + input);
            return EXIT_BAD_INPUT;
        }
        AudioData audio;
        try {
            audio = WavReader.read(input);
        } catch (IOException | IllegalArgumentException e) {
            err.println("vad: cannot read " + input + ": " + e.getMessage());
            return EXIT_BAD_INPUT;
        }
        EngineOptions engineOptions;
        try {
            engineOptions = EngineOptions.parse(options);
        } catch (IllegalArgumentException e) {
            err.println("vad: " + e.getMessage());
            return EXIT_BAD_INPUT;
        }
        EngineProvider<VoiceActivityDetector> provider;
        try {
            provider = Engines.find(VoiceActivityDetector.class, engine);
        } catch (EngineException e) {
            err.println("vad: " + e.getMessage());
            return EXIT_ENGINE;
        }
        for (Map.Entry<String, String> d : ENGINE_SEGMENTER_DEFAULTS.getOrDefault(provider.id(), Map.of()).entrySet()) {
            if (engineOptions.get(d.getKey()).isEmpty()) {
                engineOptions = engineOptions.with(d.getKey(), d.getValue());
            }
        }
        try {
            // Each key is the engine's or the segmenter's; one that is neither is refused, naming both lists.
            EngineSelection.checkSplit(engineOptions, provider, "the speech segmenter", SpeechSegmenter.OPTIONS);
        } catch (IllegalArgumentException e) {
            err.println("vad: " + e.getMessage());
            return EXIT_BAD_INPUT;
        }
        try (VoiceActivityDetector vad = provider.create(engineOptions.only(provider.options()))) {
            int vadRate = vad.sampleRateHz();
            float[] samples;
            try {
                samples = resample(audio.mono(), audio.sampleRateHz(), vadRate);
            } catch (IllegalArgumentException e) {
                err.println("vad: " + input + " is at " + audio.sampleRateHz() + " Hz, which cannot be converted to "
                        + vadRate + " Hz: " + e.getMessage());
                return EXIT_BAD_INPUT;
            }
            SpeechSegmenter segmenter = SpeechSegmenter.builder(vadRate)
                    .options(engineOptions.only(SpeechSegmenter.OPTIONS)).build();
            List<Segment> segments = SpeechSegmenter.detect(vad, samples, segmenter);
            print(out, provider.id(), audio, segments);
            out.flush();
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("vad: " + e.getMessage());
            return EXIT_BAD_INPUT;
        } catch (EngineException e) {
            err.println("vad: engine " + provider.id() + " failed: " + e.getMessage());
            return EXIT_ENGINE;
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

    private void print(PrintWriter out, String engineId, AudioData audio, List<Segment> segments) {
        if (!json) {
            for (Segment s : segments) {
                out.printf(Locale.ROOT, "%.3f\t%.3f%n", s.startS(), s.endS());
            }
            return;
        }
        StringBuilder sb = new StringBuilder();
        sb.append("{\"file\":").append(Json.quote(input.toString()))
                .append(",\"engine\":").append(Json.quote(engineId))
                .append(",\"sample_rate_hz\":").append(audio.sampleRateHz())
                .append(String.format(Locale.ROOT, ",\"duration_s\":%.3f", audio.durationMs() / 1000))
                .append(",\"segments\":[");
        for (int i = 0; i < segments.size(); i++) {
            Segment s = segments.get(i);
            sb.append(i == 0 ? "" : ",")
                    .append(String.format(Locale.ROOT, "{\"start_s\":%.3f,\"end_s\":%.3f}", s.startS(), s.endS()));
        }
        sb.append("]}");
        out.println(sb);
    }
}
