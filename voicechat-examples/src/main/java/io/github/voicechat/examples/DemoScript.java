package io.github.voicechat.examples;

import io.github.voicechat.TurnPolicy;
import io.github.voicechat.audio.AudioData;
import io.github.voicechat.spi.EngineOptions;
import io.github.voicechat.spi.EngineProvider;
import io.github.voicechat.spi.SpeechSynthesizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The scripted user of {@code talk --demo}: four lines in a second voice (higher and faster than the bot's), with
 * silences, a short throat-clearing sound while the bot speaks (a false alarm that must resume) and an interruption
 * in the middle of the bot's third answer. Positions are planned from the bot's own answer lengths, which are
 * estimated by synthesising the echo answers with the bot's voice.
 */
record DemoScript(AudioData audio, List<Cue> cues) {

    /** What the script placed where, in seconds. */
    record Cue(String what, double startS, double endS) {
    }

    static final String[] LINES = {
        "what is the weather like today",
        "please read me the news about the harbour",
        "stop that please",
        "thank you goodbye",
    };

    /**
     * Plans the script for {@code policy}: the bot can start one end-of-turn silence (plus one frame) after the
     * user's last word.
     */
    static DemoScript synthesize(EngineProvider<SpeechSynthesizer> provider, TurnPolicy policy) {
        double botStartAfterS = policy.minSilenceMs() / 1000.0 + 0.06;
        // A different voice for the user: the same engine, higher pitch and quicker, where the engine allows it.
        EngineOptions userVoice = EngineOptions.EMPTY.with("pitch", "150").with("rate", "170")
                .only(provider.options());
        float[][] lines = new float[LINES.length][];
        float[][] answers = new float[LINES.length][];
        float[] cough;
        int rate;
        try (SpeechSynthesizer user = provider.create(userVoice);
             SpeechSynthesizer bot = provider.create(EngineOptions.EMPTY)) {
            rate = user.sampleRateHz();
            cough = trim(SpeakCommand.render(user, "ahem"));
            for (int i = 0; i < LINES.length; i++) {
                lines[i] = trim(SpeakCommand.render(user, LINES[i]));
                answers[i] = trim(SpeakCommand.render(bot, "You said: " + LINES[i] + "."));
            }
            if (bot.sampleRateHz() != rate) {
                for (int i = 0; i < answers.length; i++) {
                    answers[i] = new float[(int) ((long) answers[i].length * rate / bot.sampleRateHz())];
                }
            }
        }
        Builder b = new Builder(rate);
        b.silence(0.8);
        // 1: a question, then a cough 0.7 s into the bot's answer.
        double end1 = b.line(LINES[0], lines[0]);
        double bot1 = end1 + botStartAfterS;
        b.silenceUntil(bot1 + 0.7);
        b.cough(cough);
        b.silenceUntil(bot1 + seconds(answers[0], rate) + 1.2);
        // 2: a longer request, interrupted 1.2 s into the answer by line 3.
        double end2 = b.line(LINES[1], lines[1]);
        double bot2 = end2 + botStartAfterS;
        b.silenceUntil(bot2 + 1.2);
        double end3 = b.line(LINES[2], lines[2]);
        double bot3 = end3 + botStartAfterS;
        b.silenceUntil(bot3 + seconds(answers[2], rate) + 1.2);
        // 4: goodbye, and silence for the last answer to play.
        double end4 = b.line(LINES[3], lines[3]);
        b.silenceUntil(end4 + botStartAfterS + seconds(answers[3], rate) + 1.0);
        return new DemoScript(AudioData.mono(rate, b.samples()), List.copyOf(b.cues));
    }

    private static double seconds(float[] clip, int rate) {
        return clip.length / (double) rate;
    }

    /** Drops leading and trailing near-silence so the script places speech where it says. */
    static float[] trim(float[] clip) {
        int first = 0;
        while (first < clip.length && Math.abs(clip[first]) < 0.01f) {
            first++;
        }
        int last = clip.length - 1;
        while (last > first && Math.abs(clip[last]) < 0.01f) {
            last--;
        }
        return first >= clip.length ? new float[0] : Arrays.copyOfRange(clip, first, last + 1);
    }

    private static final class Builder {
        final int rate;
        float[] data = new float[1 << 18];
        int length;
        final List<Cue> cues = new ArrayList<>();

        Builder(int rate) {
            this.rate = rate;
        }

        double now() {
            return length / (double) rate;
        }

        void silence(double s) {
            ensure((int) (s * rate));
            length += (int) (s * rate);
        }

        void silenceUntil(double s) {
            if (s > now()) {
                silence(s - now());
            }
        }

        double line(String text, float[] clip) {
            double start = now();
            ensure(clip.length);
            System.arraycopy(clip, 0, data, length, clip.length);
            length += clip.length;
            cues.add(new Cue("user: " + text, start, now()));
            return now();
        }

        /**
         * A throat-clearing "hm": the loudest 120 ms of the user voice saying "ahem", faded in and out. It is speech
         * to a VAD but shorter than the barge-in confirmation (200 ms), so the bot pauses and then resumes.
         */
        void cough(float[] ahem) {
            int n = Math.min(ahem.length, (int) (0.12 * rate));
            int best = 0;
            double bestEnergy = -1;
            for (int start = 0; start + n <= ahem.length; start += rate / 100) {
                double e = 0;
                for (int i = start; i < start + n; i++) {
                    e += ahem[i] * ahem[i];
                }
                if (e > bestEnergy) {
                    bestEnergy = e;
                    best = start;
                }
            }
            ensure(n);
            int fade = rate / 200;
            for (int i = 0; i < n; i++) {
                double env = Math.min(1.0, Math.min((i + 1.0) / fade, (n - i) / (double) fade));
                data[length + i] = (float) (ahem[best + i] * env);
            }
            cues.add(new Cue("user: (cough)", now(), now() + n / (double) rate));
            length += n;
        }

        void ensure(int extra) {
            if (length + extra > data.length) {
                data = Arrays.copyOf(data, Math.max(length + extra, data.length * 2));
            }
        }

        float[] samples() {
            return Arrays.copyOf(data, length);
        }
    }
}
