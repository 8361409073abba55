package io.github.voicechat.piper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.voicechat.piper.internal.EspeakPhonemizer.Sentence;
import io.github.voicechat.spi.EngineException;
import io.github.voicechat.spi.EngineOptions;
import io.github.voicechat.spi.SynthesisSink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole adapter (espeak-ng, phoneme ids, ONNX Runtime, post-processing, streaming, marks) driven against
 * {@link TinyPiperModel}, whose audio spells out the ids and scales it received.
 */
class PiperSynthesizerTest {
    private static final String TEXT = "Hello world. How are you?";

    @TempDir
    Path dir;

    /** Records what the synthesizer hands out, in order. */
    static final class Recorder implements SynthesisSink {
        final List<float[]> pieces = new ArrayList<>();
        final List<String> events = new ArrayList<>();
        final List<Integer> marks = new ArrayList<>();
        boolean cancelled;
        int cancelAfterMarks = Integer.MAX_VALUE;
        int refuseAfterPieces = Integer.MAX_VALUE;

        @Override
        public boolean audio(float[] samples, int offset, int length) {
            if (pieces.size() >= refuseAfterPieces) {
                cancelled = true;
                return false;
            }
            pieces.add(java.util.Arrays.copyOfRange(samples, offset, offset + length));
            events.add("audio");
            return true;
        }

        @Override
        public void textMark(int endChar) {
            marks.add(endChar);
            events.add("mark " + endChar);
            if (marks.size() >= cancelAfterMarks) {
                cancelled = true;
            }
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        float[] all() {
            int n = pieces.stream().mapToInt(p -> p.length).sum();
            float[] out = new float[n];
            int k = 0;
            for (float[] p : pieces) {
                System.arraycopy(p, 0, out, k, p.length);
                k += p.length;
            }
            return out;
        }
    }

    private PiperSynthesizer open(boolean multi, int rate, Map<String, String> options) throws Exception {
        Path onnx = TinyPiperModel.write(dir, "tiny", multi, rate);
        return PiperSynthesizer.open(onnx, dir.resolve("tiny.onnx.json"), EngineOptions.of(options));
    }

    /** The audio the tiny network must give for {@code ids}: each id held for K samples at its value. */
    private static float[] expected(long[] ids, float ns, float ls, float nw, int sid, boolean multi) {
        int k = TinyPiperModel.samplesPerId(ls);
        float[] out = new float[ids.length * k];
        for (int i = 0; i < ids.length; i++) {
            java.util.Arrays.fill(out, i * k, (i + 1) * k, TinyPiperModel.value(ids[i], ns, nw, sid, multi));
        }
        return out;
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void idsFollowPipersLayoutForRealEspeakPhonemes() throws Exception {
        RequireEspeak.require();
        try (PiperSynthesizer tts = open(false, 22050, Map.of())) {
            List<Sentence> s = tts.sentences(TEXT);
            assertThat(s).extracting(Sentence::joined).containsExactly("həlˈoʊ wˈɜːld.", "hˈaʊ ɑːɹ juː?");
            // ^ _ h _ ə _ l _ ˈ _ o _ ʊ _ ' ' _ w _ ˈ _ ɜ _ ː _ l _ d _ . _ $  with piper-phonemize's default ids
            assertThat(tts.phonemeIds(s.get(0))).containsExactly(
                    1, 0, 20, 0, 59, 0, 24, 0, 120, 0, 27, 0, 100, 0, 3, 0, 35, 0, 120, 0, 62, 0, 122, 0, 24, 0, 17, 0,
                    10, 0, 2);
        }
    }

    @Test
    void synthesisStreamsSentenceBySentenceWithMarksAndTheNetworksExactAudio() throws Exception {
        RequireEspeak.require();
        try (PiperSynthesizer tts = open(false, 22050, Map.of("normalize", "false"))) {
            assertThat(tts.sampleRateHz()).isEqualTo(22050);
            List<Sentence> s = tts.sentences(TEXT);
            long[] ids1 = tts.phonemeIds(s.get(0));
            long[] ids2 = tts.phonemeIds(s.get(1));
            Recorder r = new Recorder();
            tts.synthesize(TEXT, r);
            float[] want = concat(expected(ids1, 0.667f, 1f, 0.8f, 0, false), expected(ids2, 0.667f, 1f, 0.8f, 0, false));
            assertThat(r.all()).containsExactly(want);
            assertThat(r.marks).containsExactly(TEXT.indexOf('.') + 1, TEXT.length());
            // first sentence's audio, its mark, then the second sentence: 31 ids * 100 = 3100 samples = 2 pieces
            int first = (int) Math.ceil(ids1.length * 100 / 2048.0);
            assertThat(r.events.subList(0, first + 1)).containsExactly(
                    concatEvents(first, "mark " + (TEXT.indexOf('.') + 1)));
            assertThat(r.pieces).allMatch(p -> p.length <= 2048);
        }
    }

    private static String[] concatEvents(int audio, String mark) {
        List<String> e = new ArrayList<>();
        for (int i = 0; i < audio; i++) {
            e.add("audio");
        }
        e.add(mark);
        return e.toArray(String[]::new);
    }

    @Test
    void lengthNoiseAndNoiseWOptionsReachTheNetwork() throws Exception {
        RequireEspeak.require();
        try (PiperSynthesizer tts = open(false, 22050, Map.of("normalize", "false", "length_scale", "1.5",
                "noise_scale", "0.5", "noise_w", "0.25"))) {
            long[] ids = tts.phonemeIds(tts.sentences("hello world").get(0));
            Recorder r = new Recorder();
            tts.synthesize("hello world", r);
            assertThat(r.all()).hasSize(ids.length * 150).containsExactly(expected(ids, 0.5f, 1.5f, 0.25f, 0, false));
        }
    }

    @Test
    void normalisationScalesEachSentenceToFullRangeAndVolumeScalesIt() throws Exception {
        RequireEspeak.require();
        try (PiperSynthesizer tts = open(false, 22050, Map.of("volume", "0.5"))) {
            Recorder r = new Recorder();
            tts.synthesize(TEXT, r);
            float[] a = r.all();
            float peak = 0;
            for (float v : a) {
                peak = Math.max(peak, Math.abs(v));
            }
            assertThat(peak).isEqualTo(0.5f);
        }
    }

    @Test
    void speakerByNameOrIdSelectsTheSidOfAMultiSpeakerVoice() throws Exception {
        RequireEspeak.require();
        for (String speaker : List.of("bob", "1")) {
            try (PiperSynthesizer tts = open(true, 22050, Map.of("normalize", "false", "speaker", speaker))) {
                long[] ids = tts.phonemeIds(tts.sentences("hello world").get(0));
                Recorder r = new Recorder();
                tts.synthesize("hello world", r);
                assertThat(r.all()).containsExactly(expected(ids, 0.667f, 1f, 0.8f, 1, true));
            }
        }
        try (PiperSynthesizer tts = open(true, 22050, Map.of("normalize", "false"))) {
            long[] ids = tts.phonemeIds(tts.sentences("hello world").get(0));
            Recorder r = new Recorder();
            tts.synthesize("hello world", r);
            assertThat(r.all()).containsExactly(expected(ids, 0.667f, 1f, 0.8f, 0, true));
        }
        assertThatThrownBy(() -> open(true, 22050, Map.of("speaker", "carol")))
                .hasMessageContaining("speaker 'carol' is not a speaker of this voice");
        assertThatThrownBy(() -> open(false, 22050, Map.of("speaker", "bob")))
                .hasMessage("speaker 'bob' given, but this voice has one speaker");
    }

    @Test
    void outputRateOptionResamplesEachSentenceToTheExactLength() throws Exception {
        RequireEspeak.require();
        try (PiperSynthesizer tts = open(false, 22050, Map.of("output_rate_hz", "16000"))) {
            assertThat(tts.sampleRateHz()).isEqualTo(16000);
            List<Sentence> s = tts.sentences(TEXT);
            int n1 = tts.phonemeIds(s.get(0)).length * 100;
            int n2 = tts.phonemeIds(s.get(1)).length * 100;
            Recorder r = new Recorder();
            tts.synthesize(TEXT, r);
            long want = (long) Math.ceil(n1 * 16000.0 / 22050) + (long) Math.ceil(n2 * 16000.0 / 22050);
            assertThat(r.all()).hasSize((int) want);
        }
    }

    @Test
    void cancellationStopsBetweenSentencesAndBetweenPieces() throws Exception {
        RequireEspeak.require();
        try (PiperSynthesizer tts = open(false, 22050, Map.of("normalize", "false"))) {
            int firstLen = tts.phonemeIds(tts.sentences(TEXT).get(0)).length * 100;
            Recorder afterFirst = new Recorder();
            afterFirst.cancelAfterMarks = 1;
            tts.synthesize(TEXT, afterFirst);
            assertThat(afterFirst.all()).hasSize(firstLen);
            assertThat(afterFirst.marks).containsExactly(TEXT.indexOf('.') + 1);

            Recorder refusing = new Recorder();
            refusing.refuseAfterPieces = 1;
            tts.synthesize(TEXT, refusing);
            assertThat(refusing.pieces).hasSize(1);
            assertThat(refusing.marks).isEmpty();

            Recorder before = new Recorder();
            before.cancelled = true;
            tts.synthesize(TEXT, before);
            assertThat(before.pieces).isEmpty();
            assertThat(before.marks).isEmpty();
        }
    }

    @Test
    void textWithoutWordsGivesNoAudioButAFinalMark() throws Exception {
        RequireEspeak.require();
        try (PiperSynthesizer tts = open(false, 22050, Map.of())) {
            Recorder r = new Recorder();
            tts.synthesize(" ... ", r);
            assertThat(r.pieces).isEmpty();
            assertThat(r.marks).containsExactly(5);
            assertThatThrownBy(() -> tts.synthesize((String) null, new Recorder())).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void badOptionsAreRefusedWithTheirRangeBeforeTheVoiceIsLoaded() throws Exception {
        String owner = " (for piper tiny.onnx)";
        assertThatThrownBy(() -> open(false, 22050, Map.of("length_scale", "0")))
                .hasMessage("option length_scale must be 0.01..10, was 0" + owner);
        assertThatThrownBy(() -> open(false, 22050, Map.of("noise_scale", "-1")))
                .hasMessage("option noise_scale must be 0..10, was -1" + owner);
        assertThatThrownBy(() -> open(false, 22050, Map.of("volume", "11")))
                .hasMessage("option volume must be 0..10, was 11" + owner);
        assertThatThrownBy(() -> open(false, 22050, Map.of("output_rate_hz", "12345")))
                .hasMessage("option output_rate_hz must be one of 8000|16000|22050|24000|32000|44100|48000, was"
                        + " '12345'" + owner);
        assertThatThrownBy(() -> open(false, 22050, Map.of("device", "tpu")))
                .hasMessage("option device must be one of auto|cpu|cuda, was 'tpu'" + owner);
        assertThatThrownBy(() -> open(false, 22050, Map.of("threads", "100000")))
                .hasMessage("option threads must be 0..64, was 100000" + owner);
        assertThatThrownBy(() -> open(false, 22050, Map.of("beam", "2000")))
                .hasMessage("unknown option 'beam' for piper tiny.onnx; valid: device, length_scale, noise_scale,"
                        + " noise_w, normalize, output_rate_hz, sentence_silence_ms, speaker, threads, volume");
    }

    @Test
    void aNetworkWithoutPipersInputsIsRefusedNamingThem() throws Exception {
        Files.write(dir.resolve("wrong.onnx"), TinyPiperModel.model(false, List.of("tokens", "input_lengths", "scales")));
        Files.writeString(dir.resolve("wrong.onnx.json"), TinyPiperModel.voiceJson(false, 22050, "en-us"));
        assertThatThrownBy(() -> PiperVoice.load(dir.resolve("wrong.onnx"), dir.resolve("wrong.onnx.json")))
                .isInstanceOf(EngineException.class)
                .hasMessageContaining("is not a Piper network: its inputs are")
                .hasMessageContaining("tokens");
        assertThatThrownBy(() -> PiperVoice.load(dir.resolve("none.onnx"), dir.resolve("wrong.onnx.json")))
                .isInstanceOf(EngineException.class)
                .hasMessage("Piper voice model " + dir.resolve("none.onnx") + " does not exist");
    }

    @Test
    void closeClosesAnOwnedVoiceButNotASharedOne() throws Exception {
        RequireEspeak.require();
        Path onnx = TinyPiperModel.write(dir, "tiny", false, 22050);
        try (PiperVoice voice = PiperVoice.load(onnx, dir.resolve("tiny.onnx.json"))) {
            voice.warmUp();
            PiperSynthesizer a = PiperSynthesizer.create(voice, EngineOptions.EMPTY);
            a.close();
            a.close();
            assertThatThrownBy(() -> a.synthesize("hi", new Recorder())).isInstanceOf(IllegalStateException.class);
            try (PiperSynthesizer b = PiperSynthesizer.create(voice, EngineOptions.EMPTY)) {
                Recorder r = new Recorder();
                b.synthesize("hello", r);
                assertThat(r.pieces).isNotEmpty();
            }
        }
        PiperSynthesizer owning = open(false, 22050, Map.of());
        owning.close();
        assertThatThrownBy(() -> owning.voice().infer(new long[] {1, 0, 2}, 0.5f, 1f, 0.5f, 0))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("is closed");
    }

    @Test
    void noJavaThreadOutlivesTheSynthesizer() throws Exception {
        RequireEspeak.require();
        try (PiperSynthesizer warm = open(false, 22050, Map.of())) {
            warm.synthesize("warm up", new Recorder()); // libespeak-ng and JNA are initialised once per JVM
        }
        Set<String> before = threads();
        for (int i = 0; i < 3; i++) {
            try (PiperSynthesizer tts = open(false, 22050, Map.of())) {
                tts.synthesize(TEXT, new Recorder());
            }
        }
        assertThat(threads()).isSubsetOf(before);
    }

    private static Set<String> threads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .map(t -> t.getName() + "#" + t.getId()).collect(Collectors.toSet());
    }
}
