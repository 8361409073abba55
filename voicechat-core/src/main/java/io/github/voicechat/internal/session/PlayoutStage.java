package io.github.voicechat.internal.session;

import io.github.voicechat.audio.AudioSink;
import io.github.voicechat.audio.AudioSource;
import io.github.voicechat.audio.internal.SpeakerPath;
import io.github.voicechat.internal.bus.OutputRing;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage 4, playout: writes one 20 ms frame to the sink per tick, the next frame of the response or silence. Whether
 * it plays, holds (barge-in pending) or has nothing to play is read off the conversation's phase; pausing is simply
 * not polling the output ring, stopping is the conversation cancelling it. On a sound device, what the device has
 * queued is cut as soon as the conversation holds or stops the output ({@link Speaker}), so silence is
 * heard then rather than a device queue later, and the echo canceller's far end is what the device really plays
 * ({@link SpeakerPath}). Owns the frame buffers and the speaker path; session thread only.
 */
final class PlayoutStage implements Speaker {

    private static final Logger logger = LoggerFactory.getLogger(PlayoutStage.class);

    private final SpeakerPath speaker;
    private final OutputRing ring;
    private final Conversation conversation;
    private final SessionLog log;
    private final int frameSamples;
    /** The frame played: the response's samples, copied out of the output ring (no frame object on the way). */
    private final float[] frame;
    private final float[] silence;

    PlayoutStage(AudioSink sink, AudioSource source, OutputRing ring, Conversation conversation, SessionLog log,
            int frameSamples) {
        this.speaker = new SpeakerPath(sink, source, frameSamples);
        this.ring = ring;
        this.conversation = conversation;
        this.log = log;
        this.frameSamples = frameSamples;
        this.frame = new float[frameSamples];
        this.silence = new float[frameSamples];
    }

    /** Plays one frame; returns what was written (valid until the next call), for the recording. */
    float[] run() throws IOException {
        Phase phase = conversation.phase;
        boolean playing = phase.plays;
        boolean played = playing && ring.poll(frame) >= 0;
        float[] out = played ? frame : silence;
        speaker.write(out, frameSamples, played);
        if (played) {
            conversation.response.playedSamples += frameSamples;
            if (phase == Phase.RESPONDING) {
                conversation.on(Input.FIRST_AUDIO_PLAYED, 0);
            }
        } else if (playing) {
            if (conversation.response.doneProducing && !ring.hasPendingFrame()) {
                conversation.on(Input.RESPONSE_PLAYED, 0);
            } else if (phase == Phase.SPEAKING) {
                log.underruns++; // the response is audible and the synthesizer is late
            }
        }
        return out;
    }

    /**
     * The far end for the microphone frame read next: what the speaker was sounding while it was heard (the frame
     * just written, where the sink and source report no device delays). Valid until the next call.
     */
    float[] farEnd() {
        return speaker.farEnd();
    }

    /** Whether the microphone frame just read is the speaker's own echo, by its shape (see {@code EchoGate}). */
    boolean heardEcho(float[] mic, float[] clean, int length) {
        return speaker.heardEcho(mic, clean, length);
    }

    /** Whether that frame holds a voice louder than any echo could be (see {@code EchoGate}): listen to it as is. */
    boolean heardNearEnd() {
        return speaker.heardNearEnd();
    }

    @Override
    public void hold() {
        ResponseState r = conversation.response;
        int cut = cutDeviceQueue();
        if (r != null) {
            r.playedSamples -= cut; // written, never heard
        }
    }

    @Override
    public void release() {
        ResponseState r = conversation.response;
        int replayed = speaker.replay();
        if (r != null) {
            r.playedSamples += replayed;
        }
    }

    @Override
    public void stop() {
        hold();
        speaker.forgetCut();
    }

    private int cutDeviceQueue() {
        try {
            return speaker.cut();
        } catch (IOException e) {
            // The next write reports a device that is gone; a cut that failed only means the queue plays out.
            logger.debug("dropping the speaker's queue failed: {}", e.toString());
            return 0;
        }
    }
}
