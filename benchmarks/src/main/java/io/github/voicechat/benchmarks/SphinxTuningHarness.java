package io.github.voicechat.benchmarks;

import edu.cmu.sphinx.result.Result;
import io.github.voicechat.audio.Pcm;
import io.github.voicechat.audio.WavReader;
import io.github.voicechat.sphinx.SphinxRecognizer;
import io.github.voicechat.sphinx.internal.TunedRecognizer;
import io.github.voicechat.testkit.SharedData;
import io.github.voicechat.testkit.WordErrorRate;
import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sphinx4 configuration search on {@code ../shared/speech}: the shipped XML with any property or component type
 * changed, one fresh recognizer per setting, the clips decoded straight from byte streams (no pipe, no feeding
 * thread) in several clip orders, because the noise normalisation carries from one clip to the next and a single
 * order in a 84-word set moves the error count by ±2.
 *
 * <p>Run: {@code java -XX:+UseParallelGC -Xmx1g -Dvoicechat.shared=../shared -cp benchmarks/target/benchmarks.jar
 * io.github.voicechat.benchmarks.SphinxTuningHarness PASSES SETTING...}. Pass 1 decodes the clips in manifest
 * order (what {@code SphinxSharedSpeechTest} bounds), later passes in orders shuffled with fixed seeds, continuing
 * on the same recognizer. A SETTING is edits joined by {@code ;} (the empty string is the shipped configuration):
 * <ul>
 *   <li>{@code name=value}: a global property ({@code absoluteBeamWidth=20000});</li>
 *   <li>{@code component.property=value}: a component's property, added if absent
 *       ({@code liveCMN.cmnWindow=300});</li>
 *   <li>{@code component@type=class}: a component's class.</li>
 * </ul>
 * Prints per pass the errors in 84 words and the CPU seconds per audio second of the decoding thread (this one)
 * and of the whole process (GC and JIT included); with {@code -Dverbose=true} every hypothesis too.
 */
public final class SphinxTuningHarness {

    private SphinxTuningHarness() {
    }

    public static void main(String[] args) throws Exception {
        if (!Files.isRegularFile(SharedData.location().resolve("speech/manifest.tsv"))) {
            System.out.println("skipped: real speech recordings not found at " + SharedData.location().resolve("speech")
                    + " (set -Dvoicechat.shared=/path/to/shared)");
            return;
        }
        if (args.length < 2) {
            System.out.println("usage: SphinxTuningHarness PASSES SETTING... (see the class javadoc)");
            return;
        }
        int passes = Integer.parseInt(args[0]);
        boolean verbose = Boolean.getBoolean("verbose");
        String base = TunedRecognizer.configTemplate()
                .replace("@BEAM@", Integer.toString(SphinxRecognizer.DEFAULT_BEAM))
                .replace("@RELATIVE_BEAM@", Double.toString(SphinxRecognizer.DEFAULT_RELATIVE_BEAM))
                .replace("@WORD_BEAM@", Integer.toString(SphinxRecognizer.DEFAULT_WORD_BEAM));
        List<SharedData.SpeechClip> clips = SharedData.speechClips();
        List<byte[]> pcm = new ArrayList<>();
        double audioS = 0;
        for (SharedData.SpeechClip c : clips) {
            float[] f = WavReader.read(c.wav()).mono();
            byte[] b = new byte[f.length * 2];
            Pcm.floatToPcm16Le(f, 0, b, 0, f.length);
            pcm.add(b);
            audioS += f.length / 16_000.0;
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        for (int s = 1; s < args.length; s++) {
            String xml = base;
            for (String e : args[s].split(";")) {
                if (!e.isBlank()) {
                    xml = edit(xml, e.strip());
                }
            }
            TunedRecognizer r = TunedRecognizer.load(xml, TunedRecognizer.usEnglish(16_000));
            StringBuilder line = new StringBuilder(args[s].isEmpty() ? "(shipped)" : args[s]);
            int total = 0;
            for (int p = 0; p < passes; p++) {
                List<Integer> order = new ArrayList<>();
                for (int i = 0; i < clips.size(); i++) {
                    order.add(i);
                }
                if (p > 0) {
                    Collections.shuffle(order, new Random(1 + p));
                }
                int errors = 0;
                int words = 0;
                long thread0 = threads.getCurrentThreadCpuTime();
                long process0 = os.getProcessCpuTime();
                for (int i : order) {
                    r.dataSource().setInputStream(new ByteArrayInputStream(pcm.get(i)));
                    StringBuilder hyp = new StringBuilder();
                    Result res;
                    while ((res = r.recognizer().recognize()) != null) {
                        String t = res.getBestResultNoFiller().strip();
                        if (!t.isEmpty()) {
                            hyp.append(hyp.length() > 0 ? " " : "").append(t);
                        }
                    }
                    List<String> ref = WordErrorRate.words(clips.get(i).transcript());
                    int e = WordErrorRate.editDistance(ref, WordErrorRate.words(hyp.toString()));
                    errors += e;
                    words += ref.size();
                    if (verbose) {
                        System.out.printf(Locale.ROOT, "  pass %d  %-32s %d  %s%n", p + 1, clips.get(i).file(), e, hyp);
                    }
                }
                total += errors;
                line.append(String.format(Locale.ROOT, " | p%d %d/%d cpu %.3f proc %.3f", p + 1, errors, words,
                        (threads.getCurrentThreadCpuTime() - thread0) / 1e9 / audioS,
                        (os.getProcessCpuTime() - process0) / 1e9 / audioS));
            }
            line.append(String.format(Locale.ROOT, " | mean %.2f", (double) total / passes));
            System.out.println(line);
            r.recognizer().deallocate();
        }
    }

    static String edit(String xml, String edit) {
        int eq = edit.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("edit must be name=value, component.property=value or "
                    + "component@type=class: " + edit);
        }
        String key = edit.substring(0, eq);
        String value = edit.substring(eq + 1);
        int at = key.indexOf('@');
        int dot = key.indexOf('.');
        if (at > 0) {
            Matcher m = Pattern.compile("(<component name=\"" + Pattern.quote(key.substring(0, at))
                    + "\"\\s+type=\")[^\"]*\"").matcher(xml);
            if (!m.find()) {
                throw new IllegalArgumentException("no component " + key.substring(0, at));
            }
            return xml.substring(0, m.start()) + m.group(1) + value + "\"" + xml.substring(m.end());
        }
        if (dot > 0) {
            String component = key.substring(0, dot);
            String property = key.substring(dot + 1);
            Matcher m = Pattern.compile("<component name=\"" + Pattern.quote(component) + "\"[^>]*?(/?)>")
                    .matcher(xml);
            if (!m.find()) {
                throw new IllegalArgumentException("no component " + component);
            }
            String prop = "<property name=\"" + property + "\" value=\"" + value + "\"/>";
            if (m.group(1).equals("/")) {
                return xml.substring(0, m.end() - 2) + ">" + prop + "</component>" + xml.substring(m.end());
            }
            int end = xml.indexOf("</component>", m.end());
            String block = xml.substring(m.end(), end);
            Matcher p = Pattern.compile("<property name=\"" + Pattern.quote(property) + "\"\\s+value=\"[^\"]*\"/>")
                    .matcher(block);
            block = p.find() ? block.substring(0, p.start()) + prop + block.substring(p.end()) : prop + block;
            return xml.substring(0, m.end()) + block + xml.substring(end);
        }
        Matcher m = Pattern.compile("<property name=\"" + Pattern.quote(key) + "\"\\s+value=\"[^\"]*\"/>").matcher(xml);
        if (!m.find()) {
            throw new IllegalArgumentException("no global property " + key);
        }
        return xml.substring(0, m.start()) + "<property name=\"" + key + "\" value=\"" + value + "\"/>"
                + xml.substring(m.end());
    }
}
