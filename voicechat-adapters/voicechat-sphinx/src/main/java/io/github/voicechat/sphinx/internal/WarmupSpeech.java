package io.github.voicechat.sphinx.internal;

import io.github.voicechat.audio.AudioData;
import io.github.voicechat.audio.Pcm;
import io.github.voicechat.audio.WavReader;
import io.github.voicechat.spi.EngineException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * English speech for the warm-up decodes: FreeTTS 1.2.2's kevin16 voice reading {@link #SENTENCES} at 16 kHz, with
 * {@value #LEAD_MS} ms of silence before the first and after the last sentence and {@value #PAUSE_MS} ms between them
 * (longer than the 200 ms after which Sphinx's endpointer ends a segment, so the result path runs as well). It
 * ships as {@value #RESOURCE} (10.6 s, PCM16, 338 KB); {@code WarmupSpeechTest} renders it again with FreeTTS and
 * checks that the shipped file is exactly that rendering.
 *
 * <p>Why speech and not synthetic noise: the JIT compiles the decoder for the type profiles and branches the warm-up
 * audio produces. After a warm-up on speech-like synthetic audio (vowels with gliding formants, fricatives, stops,
 * pitch contours), the first real utterance still cost the decoder 16-45 % more CPU than the same audio later in the
 * session; after a warm-up on English speech (recorded or FreeTTS) 0.85-1.05 times as much (see
 * {@code benchmarks/ASR-REALTIME.md}). Sphinx recognises FreeTTS about as well as recorded speech (23 % vs 19 % WER),
 * so its search runs the way it does on a user's words: real words, language-model hits, word ends.
 */
public final class WarmupSpeech {

    /** What the clip says: everyday requests, varied in phonemes and word boundaries. */
    public static final List<String> SENTENCES = List.of(
            "What is the weather like in London this afternoon?",
            "Please remind me to call my sister when I get home.",
            "Read me the news about the harbour, and then play some quiet music.");
    public static final String RESOURCE = "/io/github/voicechat/sphinx/warmup-speech.wav";
    public static final int SAMPLE_RATE_HZ = 16_000;
    public static final int LEAD_MS = 200;
    public static final int PAUSE_MS = 350;

    private static volatile byte[] pcm16le;

    private WarmupSpeech() {
    }

    /** The clip as PCM16 little-endian bytes, as {@code StreamDataSource} reads them. */
    public static InputStream stream() {
        return new ByteArrayInputStream(pcm16le());
    }

    /** The clip's samples, in [-1, 1]. */
    public static float[] samples() {
        try (InputStream in = WarmupSpeech.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new EngineException("missing class path resource " + RESOURCE);
            }
            AudioData clip = WavReader.open(in, RESOURCE).readAll();
            if (clip.sampleRateHz() != SAMPLE_RATE_HZ) {
                throw new EngineException(RESOURCE + " is at " + clip.sampleRateHz() + " Hz, expected "
                        + SAMPLE_RATE_HZ);
            }
            return clip.mono();
        } catch (IOException e) {
            throw new EngineException("cannot read " + RESOURCE + ": " + e.getMessage(), e);
        }
    }

    private static byte[] pcm16le() {
        byte[] b = pcm16le;
        if (b == null) {
            float[] x = samples();
            b = new byte[2 * x.length];
            Pcm.floatToPcm16Le(x, 0, b, 0, x.length);
            pcm16le = b;
        }
        return b;
    }
}
