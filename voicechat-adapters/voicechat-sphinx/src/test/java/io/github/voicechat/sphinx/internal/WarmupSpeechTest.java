package io.github.voicechat.sphinx.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.voicechat.audio.Pcm;
import io.github.voicechat.audio.WavWriter;
import io.github.voicechat.freetts.FreeTtsSynthesizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The shipped warm-up clip is exactly FreeTTS kevin16 reading {@link WarmupSpeech#SENTENCES} with the documented
 * silences (FreeTTS renders deterministically). To regenerate it after changing the sentences, run this test with
 * {@code -Dvoicechat.sphinx.writeWarmupSpeech=FILE} (it writes the rendering there and stops) and copy FILE over
 * {@code src/main/resources/io/github/voicechat/sphinx/warmup-speech.wav}; see the module README.
 */
class WarmupSpeechTest {

    @Test
    void shippedClipIsFreeTtsReadingTheSentences() throws IOException {
        float[] rendered = render();
        String target = System.getProperty("voicechat.sphinx.writeWarmupSpeech");
        if (target != null && !target.isBlank()) {
            WavWriter.writeMono(Path.of(target), WarmupSpeech.SAMPLE_RATE_HZ, rendered);
            Assumptions.abort("wrote " + target + "; rebuild and run again without the property to check it");
        }
        float[] shipped = WarmupSpeech.samples();
        assertThat(pcm16(shipped)).isEqualTo(pcm16(rendered));
        assertThat(shipped.length / (double) WarmupSpeech.SAMPLE_RATE_HZ).isBetween(6.0, 12.0);
        assertThat(WarmupSpeech.stream().readAllBytes()).hasSize(2 * shipped.length);
    }

    /** FreeTTS reads each sentence; silence before, between and after, as {@link WarmupSpeech} documents. */
    static float[] render() {
        int rate = WarmupSpeech.SAMPLE_RATE_HZ;
        float[][] out = {new float[rate * 20]};
        int[] n = {rate * WarmupSpeech.LEAD_MS / 1000};
        try (FreeTtsSynthesizer tts = FreeTtsSynthesizer.create()) {
            assertThat(tts.sampleRateHz()).isEqualTo(rate);
            for (int i = 0; i < WarmupSpeech.SENTENCES.size(); i++) {
                if (i > 0) {
                    n[0] += rate * WarmupSpeech.PAUSE_MS / 1000;
                }
                tts.synthesize(WarmupSpeech.SENTENCES.get(i), (samples, offset, length) -> {
                    if (n[0] + length > out[0].length) {
                        out[0] = Arrays.copyOf(out[0], 2 * (n[0] + length));
                    }
                    System.arraycopy(samples, offset, out[0], n[0], length);
                    n[0] += length;
                    return true;
                });
            }
        }
        n[0] += rate * WarmupSpeech.LEAD_MS / 1000;
        return Arrays.copyOf(out[0], n[0]);
    }

    private static short[] pcm16(float[] x) {
        short[] s = new short[x.length];
        Pcm.floatToPcm16(x, 0, s, 0, x.length);
        return s;
    }
}
