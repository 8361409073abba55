package io.github.voicechat.audio;

import java.io.IOException;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.DataLine;
import javax.sound.sampled.LineUnavailableException;

/** Opens the default javax.sound line of the microphone or the speaker: 16-bit mono, one message for "no device". */
final class SoundLines {

    /** {@code SourceDataLine::open} or {@code TargetDataLine::open}: {@link DataLine} itself has no open with a size. */
    interface Opener<L> {
        void open(L line, javax.sound.sampled.AudioFormat format, int bufferBytes) throws LineUnavailableException;
    }

    private SoundLines() {
    }

    /**
     * @param device    "microphone" or "speaker", for the message
     * @param direction "capture" or "playback", for the message
     * @throws IOException naming the device when none supports the format or it cannot be opened
     */
    static <L extends DataLine> L open(Class<L> type, Opener<L> opener, int sampleRateHz, int bufferMs, String device,
            String direction) throws IOException {
        new AudioFormat(sampleRateHz, 1, SampleEncoding.PCM16); // validates the rate
        javax.sound.sampled.AudioFormat fmt = new javax.sound.sampled.AudioFormat(sampleRateHz, 16, 1, true, false);
        DataLine.Info info = new DataLine.Info(type, fmt);
        try {
            if (!AudioSystem.isLineSupported(info)) {
                throw new IOException("no " + device + ": no audio " + direction + " device supports 16-bit mono at "
                        + sampleRateHz + " Hz (is a sound card present and allowed?)");
            }
            L line = type.cast(AudioSystem.getLine(info));
            opener.open(line, fmt, (int) ((long) sampleRateHz * bufferMs / 1000) * 2);
            return line;
        } catch (LineUnavailableException | IllegalArgumentException | SecurityException e) {
            throw new IOException("no " + device + ": " + e.getMessage(), e);
        }
    }
}
