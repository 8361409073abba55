package io.github.voicechat.sphinx;

import io.github.voicechat.audio.AudioData;
import io.github.voicechat.audio.WavReader;
import io.github.voicechat.spi.EngineOptions;
import io.github.voicechat.spi.Transcript;
import io.github.voicechat.testkit.SharedData;
import io.github.voicechat.testkit.WordErrorRate;
import org.junit.jupiter.api.Test;

class BeamSweepTest {
    @Test
    void sweep() throws Exception {
        String beams = System.getProperty("beams", "2000");
        for (String b : beams.split(",")) {
            long t0 = System.nanoTime();
            try (SphinxRecognizer r = SphinxRecognizer.create(EngineOptions.EMPTY.with("beam", b.split(":")[0]).with("relativeBeam", b.contains(":") ? b.split(":")[1] : "1e-60"))) {
                System.out.printf("beam %s load %.1f s%n", b, (System.nanoTime() - t0) / 1e9);
                int errs = 0, refs = 0;
                double audio = 0, wall = 0, cpu = 0;
                var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
                for (SharedData.SpeechClip c : SharedData.speechClips()) {
                    AudioData a = WavReader.read(c.wav());
                    float[] s = a.mono();
                    long t1 = System.nanoTime(); long c1 = os.getProcessCpuTime();
                    for (int i = 0; i < s.length; i += 320) {
                        r.accept(s, i, Math.min(320, s.length - i));
                    }
                    Transcript t = r.finish();
                    double w = (System.nanoTime() - t1) / 1e9; double cp = (os.getProcessCpuTime() - c1) / 1e9; cpu += cp;
                    wall += w;
                    audio += s.length / 16000.0;
                    var ref = WordErrorRate.words(c.transcript());
                    int e = WordErrorRate.editDistance(ref, WordErrorRate.words(t.text()));
                    errs += e;
                    refs += ref.size();
                    System.out.printf("  %-32s wer %.2f rtf %.2f cpu %.2f | %s | words %d%n", c.file(), (double) e / ref.size(), w / (s.length / 16000.0), cp / (s.length / 16000.0), t.text(), t.words().size());
                }
                System.out.printf("beam %s: WER %.3f (%d/%d) RTF %.3f cpuRTF %.3f%n", b, (double) errs / refs, errs, refs, wall / audio, cpu / audio);
            }
        }
    }
}
