package io.github.voicechat.examples;

import io.github.voicechat.audio.AudioFormat;
import io.github.voicechat.audio.Resampler;
import io.github.voicechat.audio.WavWriter;
import io.github.voicechat.spi.EngineOptions;
import io.github.voicechat.spi.EngineProvider;
import io.github.voicechat.spi.SpeechSynthesizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code voicechat speak "TEXT" -o OUT.wav}: text to a WAV file, streamed to disk as it is synthesised. The file
 * appears only when complete (an existing one is replaced atomically), and text the engine cannot speak is named.
 */
@Command(name = "speak", mixinStandardHelpOptions = true, description = "Synthesise text to a WAV file.")
final class SpeakCommand implements Callable<Integer> {

    /** Below this peak (about -60 dBFS) the output is silence: the engine said nothing. */
    private static final float AUDIBLE = 1e-3f;

    @Parameters(index = "0", paramLabel = "TEXT", description = "What to say.")
    String text;

    @Option(names = {"-o", "--out"}, paramLabel = "OUT.wav", required = true,
            description = "Where to write it (replaced only once the new file is complete).")
    Path out;

    @Option(names = {"--engine", "--tts"}, paramLabel = "ID",
            description = "Synthesizer id or family, e.g. freetts, piper-en_US-lessac-medium (default: the best available).")
    String engine;

    @Option(names = "--tts-option", paramLabel = "KEY=VALUE",
            description = "Option for the synthesizer (e.g. length_scale=1.2); repeatable.")
    List<String> options = new ArrayList<>();

    @Option(names = "--rate", paramLabel = "HZ", description = "Output rate (default: the engine's own).")
    Integer rateHz;

    @Override
    public Integer call() throws Exception {
        if (text.isBlank()) {
            throw CliException.usage("nothing to say: the text is empty");
        }
        CliFiles.requireOutput(out, "--out");
        if (rateHz != null) {
            requireRate("--rate", rateHz);
        }
        EngineOptions ttsOptions = EngineChoice.parse("--tts-option", options);
        EngineProvider<SpeechSynthesizer> provider = EngineChoice.select(SpeechSynthesizer.class, engine);
        List<String> dropped = SpeakableText.unspeakable(text, provider.capabilities().languages());
        String speaks = String.join(", ", provider.capabilities().languages());
        if (!dropped.isEmpty()) {
            System.err.println("warning: " + provider.id() + " speaks " + speaks + " and skips: "
                    + String.join(", ", dropped));
        }
        try (SpeechSynthesizer tts = EngineChoice.load(provider, ttsOptions, "--tts-option")) {
            int outRate = rateHz == null ? tts.sampleRateHz() : rateHz;
            long t0 = System.nanoTime();
            WavWriter wav = WavWriter.create(out, AudioFormat.monoPcm16(outRate));
            ToFile toFile = new ToFile(wav, tts.sampleRateHz(), outRate);
            try {
                tts.synthesize(text, toFile::write);
                toFile.finish();
            } catch (UncheckedIOException e) {
                wav.discard();
                throw e.getCause();
            } catch (RuntimeException | Error e) {
                wav.discard();
                throw e;
            }
            if (toFile.peak < AUDIBLE) {
                wav.discard();
                throw CliException.usage(provider.id() + " produced no audible audio for this text"
                        + (dropped.isEmpty() ? "" : "; it speaks " + speaks + " and cannot pronounce: "
                        + String.join(", ", dropped)) + " (" + out + " was not written)");
            }
            wav.close();
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "%s: %.2f s of audio at %d Hz in %.2f s -> %s%n", provider.id(),
                    toFile.samples / (double) outRate, outRate, seconds, out);
        }
        return ExitCode.OK;
    }

    static void requireRate(String flag, int rateHz) {
        try {
            new AudioFormat(rateHz, 1, io.github.voicechat.audio.SampleEncoding.PCM16);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(flag + " " + rateHz + ": " + e.getMessage());
        }
    }

    /** The synthesizer's pieces, resampled to the output rate (group delay removed) and streamed to the WAV writer. */
    private static final class ToFile {
        private final WavWriter wav;
        private final Resampler resampler;
        private float[] buf = new float[0];
        private int delayLeft;
        long samples;
        float peak;

        ToFile(WavWriter wav, int inRateHz, int outRateHz) {
            this.wav = wav;
            this.resampler = inRateHz == outRateHz ? null : Resampler.create(inRateHz, outRateHz);
            this.delayLeft = resampler == null ? 0 : resampler.delaySamples();
        }

        boolean write(float[] s, int offset, int length) {
            if (resampler == null) {
                emit(s, offset, length);
                return true;
            }
            int max = resampler.maxOutputSamples(length) + 16;
            if (buf.length < max) {
                buf = new float[max];
            }
            emitAfterDelay(resampler.process(s, offset, length, buf, 0));
            return true;
        }

        void finish() {
            if (resampler != null) {
                if (buf.length < resampler.delaySamples() + 64) {
                    buf = new float[resampler.delaySamples() + 64];
                }
                emitAfterDelay(resampler.flush(buf, 0));
            }
        }

        private void emitAfterDelay(int n) {
            int skip = Math.min(delayLeft, n);
            delayLeft -= skip;
            emit(buf, skip, n - skip);
        }

        private void emit(float[] s, int offset, int length) {
            for (int i = offset; i < offset + length; i++) {
                peak = Math.max(peak, Math.abs(s[i]));
            }
            try {
                wav.writeMono(s, offset, length);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            samples += length;
        }
    }

    /** All of {@code text} in memory (the demo script's lines are short). */
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
