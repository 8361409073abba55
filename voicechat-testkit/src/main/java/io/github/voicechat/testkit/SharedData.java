package io.github.voicechat.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * The real recordings and models in {@code ../shared} beside the checkout (present in CI, absent on a user's
 * machine). Tests call {@link #requireSpeech()} or {@link #requireSileroModel(String)}: where the folder is missing
 * the test is skipped with a message saying where it looked, never passed silently.
 */
public final class SharedData {

    /** One recording of {@code speech/manifest.tsv}. */
    public record SpeechClip(Path wav, String file, double durationS, String transcript, List<Segment> segments) {
        /** {@return whether the manifest gives labelled speech segments for this clip} */
        public boolean hasSegments() {
            return !segments.isEmpty();
        }
    }

    /** A labelled stretch of speech, in seconds from the start of the clip. */
    public record Segment(double startS, double endS) {
    }

    /** One word of {@code speech/alignments.tsv}; {@code <sil>} entries are silences. */
    public record AlignedWord(String file, String word, double startS, double endS) {
    }

    private SharedData() {
    }

    /** {@return where the shared folder is expected: system property {@code voicechat.shared}, else {@code ../shared}} */
    public static Path location() {
        String prop = System.getProperty("voicechat.shared");
        if (prop == null || prop.isBlank()) {
            prop = System.getenv("VOICECHAT_SHARED");
        }
        Path p = prop == null || prop.isBlank() ? Paths.get("..", "shared") : Paths.get(prop);
        return p.toAbsolutePath().normalize();
    }

    /** {@return the shared folder if present} */
    public static Optional<Path> root() {
        Path p = location();
        return Files.isDirectory(p) ? Optional.of(p) : Optional.empty();
    }

    /** {@return the speech folder} Skips the calling test with a message where it is absent. */
    public static Path requireSpeech() {
        Path speech = location().resolve("speech");
        Assumptions.assumeTrue(Files.isRegularFile(speech.resolve("manifest.tsv")),
                "skipped: real speech recordings not found at " + speech
                        + " (set -Dvoicechat.shared=/path/to/shared to run this test)");
        return speech;
    }

    /**
     * {@return a Silero model file} Skips the calling test with a message where it is absent.
     *
     * @param version {@code "v5"} or {@code "v6"}
     */
    public static Path requireSileroModel(String version) {
        Path model = location().resolve("models/silero-vad/silero_vad_" + version + ".onnx");
        Assumptions.assumeTrue(Files.isRegularFile(model), "skipped: Silero model not found at " + model);
        return model;
    }

    /** {@return every recording in the manifest, in manifest order} Skips the calling test if the folder is absent. */
    public static List<SpeechClip> speechClips() {
        Path speech = requireSpeech();
        try {
            List<String> lines = Files.readAllLines(speech.resolve("manifest.tsv"), StandardCharsets.UTF_8);
            List<SpeechClip> clips = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                List<Segment> segments = new ArrayList<>();
                if (f.length > 3 && !f[3].isBlank()) {
                    for (String seg : f[3].split(";")) {
                        String[] se = seg.split("-");
                        segments.add(new Segment(Double.parseDouble(se[0]), Double.parseDouble(se[1])));
                    }
                }
                clips.add(new SpeechClip(speech.resolve(f[0]), f[0], Double.parseDouble(f[1]), f[2].strip(),
                        List.copyOf(segments)));
            }
            return clips;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@return the clips whose segments come from hand/forced-alignment labels (the LibriVox ones)} */
    public static List<SpeechClip> labelledClips() {
        List<SpeechClip> out = new ArrayList<>();
        for (SpeechClip c : speechClips()) {
            if (c.hasSegments() && c.file().contains("librivox")) {
                out.add(c);
            }
        }
        return out;
    }

    /** {@return the word alignments of {@code speech/alignments.tsv}} */
    public static List<AlignedWord> alignments() {
        Path speech = requireSpeech();
        try {
            List<String> lines = Files.readAllLines(speech.resolve("alignments.tsv"), StandardCharsets.UTF_8);
            List<AlignedWord> out = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                out.add(new AlignedWord(f[0], f[1], Double.parseDouble(f[2]), Double.parseDouble(f[3])));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
