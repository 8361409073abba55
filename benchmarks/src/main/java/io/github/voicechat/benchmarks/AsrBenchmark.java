package io.github.voicechat.benchmarks;

import io.github.voicechat.audio.AudioData;
import io.github.voicechat.audio.WavReader;
import io.github.voicechat.sphinx.SphinxRecognizer;
import io.github.voicechat.spi.EngineOptions;
import io.github.voicechat.spi.Transcript;
import io.github.voicechat.testkit.SharedData;
import io.github.voicechat.testkit.WordErrorRate;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Sphinx4 on the real recordings of {@code ../shared/speech}, per beam: load time, WER, real-time factor by the
 * wall clock and by process CPU time (CPU time is what a shared or loaded machine cannot distort: it counts decoding,
 * GC and JIT of this JVM only), and the latency of {@code finish()} after the last frame.
 *
 * <p>Run: {@code java -XX:+UseParallelGC -Xmx1g -Dvoicechat.shared=../shared -cp benchmarks/target/benchmarks.jar
 * io.github.voicechat.benchmarks.AsrBenchmark [beam[:relativeBeam[:wordBeam]],...]}
 * (default {@code 3000:1e-60,2000:1e-60,20000:1e-60}; the last is Sphinx's own default beam). Each setting gets a
 * fresh recognizer, one first pass over all clips (its WER is the one the module test bounds: the noise
 * normalisation starts from nothing, as in a new conversation; its CPU time includes JIT warm-up), then one measured
 * pass (WER and RTF). Audio is fed in 20 ms frames as fast as the decoder takes it. The CPU RTF is also split by
 * thread: the recognizer's decoder thread, the feeding thread (this one: input checks, float to PCM16, the pipe) and
 * the rest of the process (GC, JIT), to tell the adapter's own cost from the decoder's.
 *
 * <p>{@code --paced} (first argument) feeds each 20 ms frame at its time on the real clock, as a live session does,
 * instead of as fast as the decoder takes it: the same decoding in small bursts with the thread parked between them,
 * which is what tells the offline CPU RTF from the one measured inside a session (benchmarks/ASR-REALTIME.md).
 * {@code --clips TEXT} (after {@code --paced}, if both) keeps only the clips whose file name contains TEXT, such as
 * {@code librivox}: the long read sentences that the live-session harnesses speak.
 */
public final class AsrBenchmark {

    private AsrBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (!Files.isRegularFile(SharedData.location().resolve("speech/manifest.tsv"))) {
            System.out.println("skipped: real speech recordings not found at " + SharedData.location().resolve("speech")
                    + " (set -Dvoicechat.shared=/path/to/shared)");
            return;
        }
        boolean paced = args.length > 0 && args[0].equals("--paced");
        if (paced) {
            args = java.util.Arrays.copyOfRange(args, 1, args.length);
        }
        String only = "";
        if (args.length > 1 && args[0].equals("--clips")) {
            only = args[1];
            args = java.util.Arrays.copyOfRange(args, 2, args.length);
        }
        String beams = args.length > 0 ? args[0] : "3000:1e-60,2000:1e-60,20000:1e-60";
        String part = only;
        List<SharedData.SpeechClip> clips = SharedData.speechClips().stream()
                .filter(c -> c.wav().getFileName().toString().contains(part)).toList();
        List<float[]> audio = new ArrayList<>();
        double audioS = 0;
        for (SharedData.SpeechClip c : clips) {
            AudioData a = WavReader.read(c.wav());
            audio.add(a.mono());
            audioS += a.durationMs() / 1000;
        }
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        System.out.printf(Locale.ROOT, "%d clips, %.1f s of audio, fed %s; %d CPUs; GC %s%n", clips.size(), audioS,
                paced ? "at real time (20 ms frames on the clock)" : "as fast as the decoder takes it",
                Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getGarbageCollectorMXBeans().stream().map(b -> b.getName()).toList());
        System.out.printf(Locale.ROOT, "%18s %8s %11s %7s %9s %8s %8s %8s %8s %14s%n", "beam:rel:wordBeam", "load s",
                "WER 1st %", "WER %", "RTF wall", "RTF cpu", "decoder", "feeder", "rest", "finish p50 ms");
        for (String beam : beams.split(",")) {
            long t0 = System.nanoTime();
            String[] br = beam.strip().split(":");
            EngineOptions options = EngineOptions.EMPTY.with("beam", br[0]);
            if (br.length > 1) {
                options = options.with("relativeBeam", br[1]);
            }
            if (br.length > 2) {
                options = options.with("wordBeam", br[2]);
            }
            try (SphinxRecognizer r = SphinxRecognizer.create(options)) {
                double loadS = (System.nanoTime() - t0) / 1e9;
                double[] first = pass(r, clips, audio, os, paced); // also the JIT warm-up
                double[] stats = pass(r, clips, audio, os, paced);
                System.out.printf(Locale.ROOT, "%18s %8.1f %11.1f %7.1f %9.3f %8.3f %8.3f %8.3f %8.3f %14.0f%n",
                        beam.strip(), loadS, 100 * first[0], 100 * stats[0], stats[1] / audioS, stats[2] / audioS,
                        stats[4] / audioS, stats[5] / audioS, (stats[2] - stats[4] - stats[5]) / audioS, stats[3]);
            }
        }
    }

    /**
     * Returns {WER, wall s, process cpu s, median finish latency ms, decoder thread cpu s, feeding thread cpu s}.
     * The process CPU time less the two threads' is GC, JIT and the rest of the JVM.
     */
    private static double[] pass(SphinxRecognizer r, List<SharedData.SpeechClip> clips, List<float[]> audio,
            com.sun.management.OperatingSystemMXBean os, boolean paced) {
        int errors = 0;
        int words = 0;
        double wall = 0;
        double cpu = 0;
        double[] finishMs = new double[clips.size()];
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long decoderId = decoderThreadId();
        long feederId = Thread.currentThread().getId();
        long decoderCpu0 = threads.getThreadCpuTime(decoderId);
        long feederCpu0 = threads.getThreadCpuTime(feederId);
        for (int i = 0; i < clips.size(); i++) {
            float[] s = audio.get(i);
            long c0 = os == null ? 0 : os.getProcessCpuTime();
            long t0 = System.nanoTime();
            long due = t0;
            for (int k = 0; k < s.length; k += 320) {
                r.accept(s, k, Math.min(320, s.length - k));
                if (paced) {
                    due += 20_000_000L;
                    long now;
                    while ((now = System.nanoTime()) < due) {
                        java.util.concurrent.locks.LockSupport.parkNanos(due - now);
                    }
                }
            }
            long t1 = System.nanoTime();
            Transcript t = r.finish();
            long t2 = System.nanoTime();
            wall += (t2 - t0) / 1e9;
            cpu += os == null ? 0 : (os.getProcessCpuTime() - c0) / 1e9;
            finishMs[i] = (t2 - t1) / 1e6;
            List<String> ref = WordErrorRate.words(clips.get(i).transcript());
            errors += WordErrorRate.editDistance(ref, WordErrorRate.words(t.text()));
            words += ref.size();
        }
        double decoderCpu = (threads.getThreadCpuTime(decoderId) - decoderCpu0) / 1e9;
        double feederCpu = (threads.getThreadCpuTime(feederId) - feederCpu0) / 1e9;
        java.util.Arrays.sort(finishMs);
        return new double[] {(double) errors / words, wall, cpu, finishMs[finishMs.length / 2], decoderCpu,
                feederCpu};
    }

    /** The recognizer's decoder thread (it exists once the recognizer has loaded; there is one per instance). */
    private static long decoderThreadId() {
        long id = -1;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("voicechat-sphinx-decoder")) {
                if (id != -1) {
                    throw new IllegalStateException("more than one voicechat-sphinx-decoder thread");
                }
                id = t.getId();
            }
        }
        if (id == -1) {
            throw new IllegalStateException("no voicechat-sphinx-decoder thread");
        }
        return id;
    }
}
