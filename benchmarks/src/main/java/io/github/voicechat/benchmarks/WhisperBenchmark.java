package io.github.voicechat.benchmarks;

import io.github.voicechat.audio.AudioData;
import io.github.voicechat.audio.WavReader;
import io.github.voicechat.models.ModelStore;
import io.github.voicechat.spi.Transcript;
import io.github.voicechat.testkit.SharedData;
import io.github.voicechat.testkit.WordErrorRate;
import io.github.voicechat.whisper.WhisperModel;
import io.github.voicechat.whisper.WhisperModels;
import io.github.voicechat.whisper.WhisperOptions;
import io.github.voicechat.whisper.WhisperRecognizer;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Whisper (whisper.cpp via whisper-jni) on the real recordings of {@code ../shared/speech}: model load time, WER,
 * real-time factor by wall clock and by process CPU time, and the latency of {@code finish()} (Whisper decodes the
 * whole utterance there, so this is the user-visible delay after the end of speech), per thread count.
 *
 * <p>Run: {@code VOICECHAT_MODELS=/path/to/ggml-folder java -Dvoicechat.shared=../shared -cp
 * benchmarks/target/benchmarks.jar io.github.voicechat.benchmarks.WhisperBenchmark [model-id,...] [threads,...]}
 * (defaults {@code whisper-tiny.en,whisper-base.en} and {@code 1,2,4}). A model that is neither in
 * {@code $VOICECHAT_MODELS} nor pulled into the model home is skipped with a message. One warm-up pass per setting,
 * then one measured pass.
 */
public final class WhisperBenchmark {

    private WhisperBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (!Files.isRegularFile(SharedData.location().resolve("speech/manifest.tsv"))) {
            System.out.println("skipped: real speech recordings not found at " + SharedData.location().resolve("speech")
                    + " (set -Dvoicechat.shared=/path/to/shared)");
            return;
        }
        List<String> ids = Arrays.asList((args.length > 0 ? args[0] : "whisper-tiny.en,whisper-base.en").split(","));
        int[] threads = Arrays.stream((args.length > 1 ? args[1] : "1,2,4").split(",")).map(String::strip)
                .mapToInt(Integer::parseInt).toArray();
        List<SharedData.SpeechClip> clips = SharedData.speechClips();
        List<float[]> audio = new ArrayList<>();
        double audioS = 0;
        for (SharedData.SpeechClip c : clips) {
            AudioData a = WavReader.read(c.wav());
            audio.add(a.mono());
            audioS += a.durationMs() / 1000;
        }
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        System.out.printf(Locale.ROOT, "%d clips, %.1f s of audio; %d CPUs%n", clips.size(), audioS,
                Runtime.getRuntime().availableProcessors());
        ModelStore store = WhisperModels.defaultStore();
        for (String raw : ids) {
            String id = raw.strip();
            if (store.locate(id).isEmpty()) {
                System.out.println("skipped: model " + id + " not found in "
                        + WhisperModels.modelsDir().map(d -> d + ", ").orElse("") + store.home()
                        + " (set VOICECHAT_MODELS or run: voicechat models pull " + id + ")");
                continue;
            }
            Path file = WhisperModels.resolve(store, id);
            long t0 = System.nanoTime();
            WhisperModel model = WhisperModel.load(id, file, false);
            double loadS = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "%s: loaded in %.2f s%n", id, loadS);
            System.out.printf(Locale.ROOT, "%18s %8s %7s %9s %8s %14s %14s%n", "model", "threads", "WER %",
                    "RTF wall", "RTF cpu", "finish p50 ms", "finish max ms");
            try {
                for (int n : threads) {
                    try (WhisperRecognizer r = WhisperRecognizer.create(model,
                            WhisperOptions.defaults().withThreads(n))) {
                        pass(r, clips, audio, null);
                        double[] s = pass(r, clips, audio, os);
                        System.out.printf(Locale.ROOT, "%18s %8d %7.1f %9.3f %8.3f %14.0f %14.0f%n", id, n,
                                100 * s[0], s[1] / audioS, s[2] / audioS, s[3], s[4]);
                    }
                }
            } finally {
                model.close();
            }
        }
    }

    /** @return corpus WER, wall seconds, CPU seconds, median and max finish() latency in ms */
    private static double[] pass(WhisperRecognizer r, List<SharedData.SpeechClip> clips, List<float[]> audio,
                                 com.sun.management.OperatingSystemMXBean os) {
        long cpu0 = os == null ? 0 : os.getProcessCpuTime();
        long wall0 = System.nanoTime();
        int errors = 0;
        int words = 0;
        double[] finishMs = new double[clips.size()];
        for (int i = 0; i < clips.size(); i++) {
            float[] a = audio.get(i);
            for (int off = 0; off < a.length; off += 320) {
                r.accept(a, off, Math.min(320, a.length - off));
            }
            long f0 = System.nanoTime();
            Transcript t = r.finish();
            finishMs[i] = (System.nanoTime() - f0) / 1e6;
            List<String> ref = WordErrorRate.words(clips.get(i).transcript());
            errors += WordErrorRate.editDistance(ref, WordErrorRate.words(t.text()));
            words += ref.size();
        }
        double wall = (System.nanoTime() - wall0) / 1e9;
        double cpu = os == null ? 0 : (os.getProcessCpuTime() - cpu0) / 1e9;
        double[] sorted = finishMs.clone();
        Arrays.sort(sorted);
        return new double[] {(double) errors / words, wall, cpu, sorted[sorted.length / 2], sorted[sorted.length - 1]};
    }
}
