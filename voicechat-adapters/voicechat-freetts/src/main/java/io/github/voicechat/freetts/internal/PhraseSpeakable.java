package io.github.voicechat.freetts.internal;

import com.sun.speech.freetts.FreeTTSSpeakable;
import java.io.InputStream;
import org.w3c.dom.Document;

/**
 * One phrase handed to {@code Voice.speak}. Its audio is produced on the calling thread, so by the time FreeTTS
 * waits for completion there is nothing left to wait for; and it reports itself completed as soon as the sink
 * cancels, which is what makes FreeTTS stop between its audio buffers.
 */
public final class PhraseSpeakable implements FreeTTSSpeakable {
    private final String text;
    private final SinkAudioPlayer player;
    private volatile boolean completed;
    private volatile boolean failed;

    public PhraseSpeakable(String text, SinkAudioPlayer player) {
        this.text = text;
        this.player = player;
    }

    /** Whether FreeTTS gave up on the phrase for a reason other than our cancellation. */
    public boolean failed() {
        return failed && !player.isCancelled();
    }

    @Override
    public void started() {
    }

    @Override
    public void completed() {
        completed = true;
    }

    @Override
    public void cancelled() {
        completed = true;
        failed = true;
    }

    @Override
    public boolean isCompleted() {
        return completed || player.isCancelled();
    }

    @Override
    public boolean waitCompleted() {
        return !failed;
    }

    @Override
    public boolean isPlainText() {
        return true;
    }

    @Override
    public boolean isStream() {
        return false;
    }

    @Override
    public boolean isDocument() {
        return false;
    }

    @Override
    public String getText() {
        return text;
    }

    @Override
    public Document getDocument() {
        return null;
    }

    @Override
    public InputStream getInputStream() {
        return null;
    }
}
