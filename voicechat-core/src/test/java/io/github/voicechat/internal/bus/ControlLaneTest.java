package io.github.voicechat.internal.bus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(30)
class ControlLaneTest {

    @Test
    void deliversInOrderWithArgumentsAndRefusesWhenFull() {
        ControlLane lane = new ControlLane(3);
        assertThat(lane.capacity()).isEqualTo(4);
        assertThat(lane.isEmpty()).isTrue();
        assertThat(lane.poll()).isNull();
        assertThat(lane.offer(PlaybackCommand.PAUSE, 1)).isTrue();
        assertThat(lane.offer(PlaybackCommand.RESUME, 2)).isTrue();
        assertThat(lane.offer(PlaybackCommand.FLUSH, 3)).isTrue();
        assertThat(lane.offer(PlaybackCommand.STOP, 4)).isTrue();
        assertThat(lane.offer(PlaybackCommand.STOP, 5)).isFalse();
        assertThat(lane.isEmpty()).isFalse();
        assertThat(lane.poll()).isEqualTo(PlaybackCommand.PAUSE);
        assertThat(lane.lastArgument()).isEqualTo(1);
        assertThat(lane.offer(PlaybackCommand.STOP, 5)).isTrue(); // a slot was freed
        PlaybackCommand[] expected = {PlaybackCommand.RESUME, PlaybackCommand.FLUSH, PlaybackCommand.STOP,
                PlaybackCommand.STOP};
        for (int i = 0; i < expected.length; i++) {
            assertThat(lane.poll()).isEqualTo(expected[i]);
            assertThat(lane.lastArgument()).isEqualTo(i + 2);
        }
        assertThat(lane.poll()).isNull();
        assertThatThrownBy(() -> lane.offer(null, 0)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new ControlLane(1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("control lane capacity must be 2..65536, was 1");
    }

    @Test
    void manyProducersOneConsumerLoseNothingAndKeepEachProducersOrder() throws Exception {
        ControlLane lane = new ControlLane(16);
        int producers = 4;
        int perProducer = 10_000;
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int id = p;
            Thread t = new Thread(() -> {
                for (int i = 0; i < perProducer; i++) {
                    PlaybackCommand c = PlaybackCommand.values()[i % 4];
                    while (!lane.offer(c, ((long) id << 32) | i)) {
                        Thread.yield(); // full: let the consumer run (2-core CI machines)
                    }
                }
            });
            threads.add(t);
            t.start();
        }
        int[] nextIndex = new int[producers];
        int received = 0;
        while (received < producers * perProducer) {
            PlaybackCommand c = lane.poll();
            if (c == null) {
                Thread.yield();
                continue;
            }
            long arg = lane.lastArgument();
            int id = (int) (arg >>> 32);
            int i = (int) arg;
            assertThat(i).as("producer " + id).isEqualTo(nextIndex[id]);
            assertThat(c).isEqualTo(PlaybackCommand.values()[i % 4]);
            nextIndex[id]++;
            received++;
        }
        for (Thread t : threads) {
            t.join(5_000);
        }
        assertThat(nextIndex).containsOnly(perProducer);
        assertThat(lane.poll()).isNull();
    }
}
