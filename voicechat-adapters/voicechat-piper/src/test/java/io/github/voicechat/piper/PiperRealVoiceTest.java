package io.github.voicechat.piper;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.voicechat.models.ModelStore;
import io.github.voicechat.spi.EngineOptions;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Real Piper voices, when their files are present: {@code VOICECHAT_MODELS} (or {@code -Dvoicechat.models.dir})
 * holding {@code en_US-lessac-medium.onnx} and {@code .onnx.json}, directly or in a {@code piper-en_US-lessac-medium}
 * folder, or the voice pulled into the model home. Skipped with the paths searched otherwise.
 */
class PiperRealVoiceTest {

    @Test
    void lessacSpeaksTwoSentencesOfPlausibleLength() {
        List<String> ids = List.of("piper-en_US-lessac-medium", "piper-en_US-lessac-low", "piper-en_US-lessac-high");
        List<String> reasons = new java.util.ArrayList<>();
        PiperProvider p = null;
        for (String id : ids) {
            PiperProvider candidate = new PiperProvider(id, 110, PiperProvider.defaultStore());
            java.util.Optional<String> reason = candidate.unavailableReason();
            if (reason.isEmpty()) {
                p = candidate;
                break;
            }
            reasons.add(reason.get());
        }
        Assumptions.assumeTrue(p != null, () -> "skipped: model " + String.join(" / ", ids) + " not found in "
                + PiperProvider.modelsDir().map(Object::toString).orElse("($VOICECHAT_MODELS unset)") + " or "
                + ModelStore.defaultHome() + ": " + String.join(" | ", reasons));
        String text = "Hello world. This is a test of the Piper voice.";
        try (PiperSynthesizer tts = (PiperSynthesizer) p.create(EngineOptions.EMPTY)) {
            PiperSynthesizerTest.Recorder r = new PiperSynthesizerTest.Recorder();
            tts.synthesize(text, r);
            float[] audio = r.all();
            double seconds = audio.length / (double) tts.sampleRateHz();
            double sumSq = 0;
            for (float v : audio) {
                sumSq += v * v;
            }
            double rms = Math.sqrt(sumSq / audio.length);
            System.out.printf("%s: %.2f s of audio at %d Hz, RMS %.3f%n", p.id(), seconds, tts.sampleRateHz(), rms);
            // 10 words: about 2.5-3 s at Piper's pace; 1.5 to 8 s is speech-like, silence or garbage is not.
            assertThat(seconds).isBetween(1.5, 8.0);
            assertThat(rms).isGreaterThan(0.02);
            assertThat(r.marks).containsExactly(text.indexOf('.') + 1, text.length());
        }
    }
}
