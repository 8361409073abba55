package io.github.voicechat.internal.session;

import io.github.voicechat.audio.AudioFrame;
import io.github.voicechat.audio.AudioSink;
import io.github.voicechat.internal.bus.OutputRing;
import java.io.IOException;

/**
 * Stage 4, playout: writes one 20 ms frame to the sink per tick, the next frame of the response or silence. Whether
 * it plays, holds (barge-in pending) or has nothing to play is read off the conversation's phase; pausing is simply
 * not polling the output ring, stopping is the conversation cancelling it. Owns the frame buffers; session thread
 * only.
 */
final class PlayoutStage {

    private final AudioSink sink;
    private final OutputRing ring;
    private final Conversation conversation;
    private final SessionLog log;
    private final int frameSamples;
    private final AudioFrame frame;
    /** The frame's samples: the same array for the frame's life, so it is read once. */
    private final float[] frameSamplesArray;
    private final float[] silence;

    PlayoutStage(AudioSink sink, OutputRing ring, Conversation conversation, SessionLog log, int frameSamples) {
        this.sink = sink;
        this.ring = ring;
        this.conversation = conversation;
        this.log = log;
        this.frameSamples = frameSamples;
        this.frame = new AudioFrame(frameSamples);
        this.frameSamplesArray = frame.samples();
        this.silence = new float[frameSamples];
    }

    /** Plays one frame; returns what was played (valid until the next call), the echo to expect. */
    float[] run() throws IOException {
        Conversation.Phase phase = conversation.phase;
        boolean playing = phase.plays;
        boolean played = playing && ring.poll(frame);
        float[] out = played ? frameSamplesArray : silence;
        sink.write(out, 0, frameSamples);
        if (played) {
            conversation.response.playedSamples += frameSamples;
            if (phase == Conversation.Phase.RESPONDING) {
                conversation.on(Conversation.Input.FIRST_AUDIO_PLAYED, 0);
            }
        } else if (playing) {
            if (conversation.response.doneProducing && !ring.hasPendingFrame()) {
                conversation.on(Conversation.Input.RESPONSE_PLAYED, 0);
            } else if (phase == Conversation.Phase.SPEAKING) {
                log.underruns++; // the response is audible and the synthesizer is late
            }
        }
        return out;
    }
}
