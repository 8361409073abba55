package io.github.voicechat.internal.session;

import io.github.voicechat.audio.AudioFrame;
import io.github.voicechat.audio.AudioSink;
import io.github.voicechat.internal.bus.OutputRing;
import java.io.IOException;

/**
 * Stage 4, playout: writes one 20 ms frame to the sink per tick, the next frame of the response or silence, and
 * tells the echo stage what was played. Whether it plays, holds (barge-in pending) or has nothing to play is read
 * off the conversation's phase; pausing is simply not polling the output ring, stopping is the conversation
 * cancelling it. Owns the frame buffers; session thread only.
 */
final class PlayoutStage {

    private final AudioSink sink;
    private final OutputRing ring;
    private final Conversation conversation;
    private final EchoStage echo;
    private final StereoRecorder recorder;
    private final SessionLog log;
    private final int frameSamples;
    private final AudioFrame frame;
    private final float[] silence;

    PlayoutStage(AudioSink sink, OutputRing ring, Conversation conversation, EchoStage echo,
            StereoRecorder recorder, SessionLog log, int frameSamples) {
        this.sink = sink;
        this.ring = ring;
        this.conversation = conversation;
        this.echo = echo;
        this.recorder = recorder;
        this.log = log;
        this.frameSamples = frameSamples;
        this.frame = new AudioFrame(frameSamples);
        this.silence = new float[frameSamples];
    }

    void run() throws IOException {
        Conversation.Phase phase = conversation.phase();
        boolean playing = phase.hasResponse() && phase != Conversation.Phase.PAUSED;
        boolean played = playing && ring.poll(frame);
        float[] out = played ? frame.samples() : silence;
        sink.write(out, 0, frameSamples);
        if (recorder != null) {
            recorder.played(out, 0, frameSamples);
        }
        echo.played(out, frameSamples);
        if (played) {
            conversation.response().playedSamples += frameSamples;
            if (phase == Conversation.Phase.RESPONDING) {
                conversation.on(Conversation.Input.FIRST_AUDIO_PLAYED, 0);
            }
        } else if (playing) {
            if (conversation.response().isDoneProducing() && !ring.hasPendingFrame()) {
                conversation.on(Conversation.Input.RESPONSE_PLAYED, 0);
            } else if (phase == Conversation.Phase.SPEAKING) {
                log.underruns++; // the response is audible and the synthesizer is late
            }
        }
    }
}
