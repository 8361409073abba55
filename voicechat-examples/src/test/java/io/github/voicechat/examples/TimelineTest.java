package io.github.voicechat.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.voicechat.SessionEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The printed timeline never goes back in time, even for events dated before they are known. */
class TimelineTest {

    @Test
    void aBargeInsTurnThatStartedAtTheOnsetIsPrintedWhenConfirmedWithItsOnset() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Timeline timeline = new Timeline(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        // The order the demo's session emits them in: the user's turn 3 is confirmed at 9.50 s, dated 9.28 s.
        List<SessionEvent> events = List.of(
                new SessionEvent.BargeInPaused(2, 9_280, 40, 9_300),
                new SessionEvent.BargeInConfirmed(2, "You said:", 9_500),
                new SessionEvent.UserSpeechStarted(3, 9_280),
                new SessionEvent.UserSpeechEnded(3, 10_300));
        events.forEach(timeline::onEvent);
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).containsExactly(
                "[   9.30 s] bot   pauses: user sound at 9.28 s, output silent 40 ms later",
                "[   9.50 s] bot   interrupted after \"You said:\"",
                "[   9.50 s] user  starts speaking (turn 3), from 9.28 s",
                "[  10.30 s] user  stops speaking");
    }
}
