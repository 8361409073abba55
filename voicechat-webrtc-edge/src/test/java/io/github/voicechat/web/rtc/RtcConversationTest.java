package io.github.voicechat.web.rtc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.voicechat.VoicePipeline;
import io.github.voicechat.audio.WavReader;
import io.github.voicechat.testkit.SharedData;
import io.github.voicechat.web.CloseCodes;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Java to Java over loopback WebRTC, no browser: a second webrtc-java peer offers a microphone track and a data
 * channel, and talks to the real default engines (Silero, Sphinx4, FreeTTS) with a recording from
 * {@code ../shared/speech}, sent as Opus at real time.
 */
class RtcConversationTest {

    private static final Duration WAIT = Duration.ofSeconds(90);

    @BeforeEach
    void natives() {
        TestRtcEdge.requireNatives();
    }

    @Test
    void transcriptBotAudioBargeInAndACleanClose() throws Exception {
        Path speech = SharedData.requireSpeech();
        float[] question = WavReader.read(speech.resolve("pocketsphinx_goforward.wav")).mono();
        float[] interruption = WavReader.read(speech.resolve("pocketsphinx_librivox-0880.wav")).mono();
        VoicePipeline pipeline = VoicePipeline.builder()
                .vad("silero")
                .asr("sphinx")
                .tts("freetts")
                // A long answer, so that the interruption lands while it plays even on a loaded machine.
                .responder((request, reply) -> {
                    reply.text("You said: " + request.transcript() + ". ");
                    reply.text("Here is a long answer, so that you have time to interrupt me. One, two, three, four,"
                            + " five, six, seven, eight, nine, ten, eleven, twelve, thirteen, fourteen, fifteen.");
                })
                .build();
        try (TestRtcEdge edge = new TestRtcEdge(pipeline, b -> { }, r -> { });
                RtcTestClient.Side side = new RtcTestClient.Side()) {
            RtcTestClient client = new RtcTestClient(side);
            assertThat(client.connect(edge.rtcUri(), WAIT)).isEqualTo(201);
            assertThat(client.location.getPath()).startsWith("/rtc/");
            // Opus, and only Opus, in the answer's audio section.
            String audioSection = client.answerSdp.substring(client.answerSdp.indexOf("m=audio"));
            assertThat(audioSection.lines().filter(l -> l.startsWith("a=rtpmap:")).toList())
                    .isNotEmpty().allMatch(l -> l.toLowerCase().contains("opus/48000"));
            assertThat(client.answerSdp).contains("a=candidate:"); // gathering complete: no trickle needed

            client.send("{\"type\":\"hello\",\"v\":1}");
            JsonNode ready = client.awaitType("ready", WAIT).json();
            assertThat(ready.get("inRateHz").asInt()).isEqualTo(48_000);
            assertThat(ready.get("outRateHz").asInt()).isEqualTo(48_000);
            client.startStreaming();
            client.await(m -> m.type().equals("state") && m.json().get("to").asText().equals("LISTENING"), WAIT);

            client.queue(new float[8_000], 16_000);
            client.queue(question, 16_000);
            JsonNode transcript = client.awaitType("transcript", WAIT).json();
            assertThat(transcript.get("turn").asInt()).isEqualTo(1);
            assertThat(transcript.get("text").asText()).contains("forward");

            // The answer arrives as audio over the track; then the user talks over it.
            client.awaitBotAudio(WAIT);
            client.queue(new float[4_800], 16_000);
            client.queue(interruption, 16_000);
            RtcTestClient.Message clear = client.awaitType("clear", WAIT);
            assertThat(clear.json().get("turn").asInt()).isEqualTo(1);
            RtcTestClient.Message second = client.await(m -> m.type().equals("transcript")
                    && m.json().get("turn").asInt() == 2, WAIT);
            // A barge-in's onset pauses the answer and sends clear; if the session then judges the onset a false
            // alarm (a loaded machine can), the answer resumes, rightly audible, and the real barge-in sends another
            // clear. So what matters follows the LAST clear before the next transcript: from there the server sends
            // only silence, and the client hears at most the tail its jitter buffer still held (a client mutes that
            // tail, as the page does). The tail need not be contiguous: on a loaded 2-core machine libwebrtc's send
            // path can lag the data channel, so packets sent before clear arrive after it, and the client's jitter
            // buffer conceals the gap with silence first (CI saw 360 ms quiet, then 80 ms of that tail). So the
            // assertion is on how much bot audio was heard after clear, not on when: an answer still playing would
            // be heard for the whole interruption (seconds), a tail for at most the buffer's depth.
            long clearAt = client.messages().stream()
                    .filter(m -> m.type().equals("clear") && m.receivedNanos() < second.receivedNanos())
                    .mapToLong(RtcTestClient.Message::receivedNanos).max().orElseThrow();
            assertThat(clearAt).isGreaterThanOrEqualTo(clear.receivedNanos());
            long audibleAfterClear = client.audibleAt().stream()
                    .filter(t -> t > clearAt && t < second.receivedNanos()).count();
            double heardMs = audibleAfterClear * 10.0; // the client's sink takes 10 ms chunks
            double interruptionMs = (second.receivedNanos() - clearAt) / 1e6;
            org.slf4j.LoggerFactory.getLogger(RtcConversationTest.class).info(
                    "bot audio heard for {} ms of the {} ms from clear to the next transcript", Math.round(heardMs),
                    Math.round(interruptionMs));
            assertThat(heardMs).as("ms of bot audio heard after the last clear, before the next transcript")
                    .isLessThan(1_000);

            client.send("{\"type\":\"end\"}");
            assertThat(client.awaitType("ended", WAIT).json().get("reason").asText()).isEqualTo("source ended");
            JsonNode closed = client.awaitType("closed", WAIT).json();
            assertThat(closed.get("code").asInt()).isEqualTo(CloseCodes.NORMAL);
            client.close();
            assertThat(edge.bridge.awaitNoSessions(WAIT)).isTrue();
            assertThat(edge.rtc.awaitNoPeers(WAIT)).isTrue();
            assertThat(edge.rtc.liveNativeObjects()).containsEntry("RTCPeerConnection", 0)
                    .containsEntry("CustomAudioSource", 0).containsEntry("AudioTrack", 0)
                    .containsEntry("RTCDataChannel", 0);
        }
    }

    /** DELETE on the resource ends the session; peers come and go without leaving a thread or a native object. */
    @Test
    void deleteEndsTheSessionAndNothingIsLeftBehind() throws Exception {
        try (TestRtcEdge edge = new TestRtcEdge(TestRtcEdge.scriptedPipeline("hi"), b -> b.maxSessions(20), r -> { });
                RtcTestClient.Side side = new RtcTestClient.Side()) {
            cycle(edge, side); // warm up: libwebrtc's and the HTTP client's threads start lazily
            cycle(edge, side);
            Map<String, Integer> baseline = threadsByName();
            int baselineCount = ManagementFactory.getThreadMXBean().getThreadCount();
            Map<String, Integer> nativeBaseline = OsThreads.byName();
            Map<String, Integer> nativesAtBaseline = edge.rtc.liveNativeObjects();
            for (int i = 0; i < 6; i++) {
                cycle(edge, side);
            }
            // Threads end a moment after their owner closed, libwebrtc's native ones on their own schedule (later on
            // a loaded machine): wait, up to WAIT, until every count is back within its baseline, then assert.
            long deadline = System.nanoTime() + WAIT.toNanos();
            while ((ManagementFactory.getThreadMXBean().getThreadCount() > baselineCount
                    || !withinBaseline(OsThreads.byName(), nativeBaseline)
                    || !withinBaseline(threadsByName(), baseline))
                    && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            // libwebrtc's own threads are native (most never attach to the JVM): count them from the OS.
            Map<String, Integer> nativeAfter = OsThreads.byName();
            nativeAfter.forEach((name, count) -> assertThat(count)
                    .as("OS threads named %s after 6 cycles (baseline %s, now %s)", name, nativeBaseline, nativeAfter)
                    .isLessThanOrEqualTo(nativeBaseline.getOrDefault(name, 0)));
            Map<String, Integer> after = threadsByName();
            after.forEach((name, count) -> assertThat(count)
                    .as("threads named %s after 6 cycles (baseline %s, now %s)", name, baseline, after)
                    .isLessThanOrEqualTo(baseline.getOrDefault(name, 0)));
            assertThat(edge.rtc.liveNativeObjects()).isEqualTo(nativesAtBaseline)
                    .containsEntry("RTCPeerConnection", 0).containsEntry("AudioTrack", 0);
            edge.close();
            assertThat(edge.rtc.liveNativeObjects().values()).allMatch(n -> n == 0);
        }
    }

    private static void cycle(TestRtcEdge edge, RtcTestClient.Side side) throws Exception {
        RtcTestClient client = new RtcTestClient(side);
        try {
            assertThat(client.connect(edge.rtcUri(), WAIT)).isEqualTo(201);
            client.send("{\"type\":\"hello\",\"v\":1}");
            client.awaitType("ready", WAIT);
            client.startStreaming();
            client.await(m -> m.type().equals("state") && m.json().get("to").asText().equals("LISTENING"), WAIT);
            // The session runs on a shared tick loop, and LISTENING is told only once the loop has taken it.
            assertThat(threadsByName()).containsKey("voicechat-tick-#");
            assertThat(client.delete()).isEqualTo(200);
            RtcTestClient.Message closed = client.awaitType("closed", WAIT);
            assertThat(closed.json().get("code").asInt()).isEqualTo(CloseCodes.NORMAL);
            assertThat(closed.json().get("reason").asText()).contains("DELETE");
        } finally {
            client.close();
        }
        assertThat(edge.bridge.awaitNoSessions(WAIT)).isTrue();
        assertThat(edge.rtc.awaitNoPeers(WAIT)).isTrue();
        assertThat(client.delete()).isEqualTo(404);
    }

    /** True if no name counts more threads in {@code now} than in {@code baseline}. */
    private static boolean withinBaseline(Map<String, Integer> now, Map<String, Integer> baseline) {
        return now.entrySet().stream().allMatch(e -> e.getValue() <= baseline.getOrDefault(e.getKey(), 0));
    }

    /** Live threads by name, with digits folded to '#'. */
    static Map<String, Integer> threadsByName() {
        Map<String, Integer> m = new TreeMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive()) {
                m.merge(t.getName().replaceAll("\\d+", "#"), 1, Integer::sum);
            }
        }
        return m;
    }
}
