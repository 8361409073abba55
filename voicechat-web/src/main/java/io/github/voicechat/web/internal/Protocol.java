package io.github.voicechat.web.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.voicechat.SessionEvent;
import io.github.voicechat.TurnReport;
import io.github.voicechat.web.CloseCodes;
import io.github.voicechat.web.EdgeFormats;
import java.time.Instant;
import java.util.List;

/**
 * Wire protocol v1's JSON messages (the module README has the full table): parsing what a client sends and writing
 * what the server sends. Every server message carries {@code type}, and session events also {@code atMs} (audio time
 * since the session started) and {@code serverTimeMs} (the server's wall clock, epoch milliseconds with microsecond
 * fraction, so a client on the same clock can measure the delivery delay).
 */
public final class Protocol {

    public static final int VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper();

    private Protocol() {
    }

    /** A message from the client. */
    public sealed interface Inbound {
    }

    /** {@code {"type":"hello","v":1,"inRateHz":16000,"outRateHz":48000}}: the rates default to the edge's. */
    public record Hello(int inRateHz, int outRateHz) implements Inbound {
    }

    /** {@code {"type":"text","text":"..."}}: a typed turn. */
    public record TypedText(String text) implements Inbound {
    }

    /** {@code {"type":"end"}}: the client is done; the session finishes its answer and the server closes. */
    public record End() implements Inbound {
    }

    /** The client broke the protocol; close with {@link #code()} and the message as the reason. */
    public static final class Violation extends Exception {
        private static final long serialVersionUID = 1L;
        private final int code;

        public Violation(int code, String reason) {
            super(reason, null, false, false);
            this.code = code;
        }

        public int code() {
            return code;
        }
    }

    /** Parses one text message against the formats this edge carries. */
    public static Inbound parse(String text, EdgeFormats formats) throws Violation {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            node = null;
        }
        if (node == null || !node.isObject()) {
            throw new Violation(CloseCodes.UNSUPPORTED_DATA,
                    "text messages must be JSON objects (protocol v1); audio goes in binary messages");
        }
        JsonNode type = node.get("type");
        if (type == null || !type.isTextual()) {
            throw new Violation(CloseCodes.POLICY_VIOLATION, "a message needs a \"type\" string");
        }
        switch (type.asText()) {
            case "hello":
                JsonNode v = node.get("v");
                if (v == null || !v.isInt() || v.asInt() != VERSION) {
                    throw new Violation(CloseCodes.POLICY_VIOLATION,
                            "unsupported protocol version " + (v == null ? "(none)" : clip(v.toString())) + "; this server speaks v"
                                    + VERSION);
                }
                int in = rate(node, "inRateHz", formats.defaultInRateHz(), formats.inRatesHz().toString());
                int out = rate(node, "outRateHz", formats.defaultOutRateHz(), formats.outRatesHz().toString());
                if (!formats.inRatesHz().contains(in)) {
                    throw new Violation(CloseCodes.POLICY_VIOLATION,
                            "inRateHz " + in + " is not supported; send one of " + formats.inRatesHz());
                }
                if (!formats.outRatesHz().contains(out)) {
                    throw new Violation(CloseCodes.POLICY_VIOLATION,
                            "outRateHz " + out + " is not supported; ask for one of " + formats.outRatesHz());
                }
                return new Hello(in, out);
            case "text":
                JsonNode t = node.get("text");
                if (t == null || !t.isTextual() || t.asText().isBlank()) {
                    throw new Violation(CloseCodes.POLICY_VIOLATION, "a text turn needs a non-blank \"text\" string");
                }
                return new TypedText(t.asText());
            case "end":
                return new End();
            default:
                throw new Violation(CloseCodes.POLICY_VIOLATION, "unknown message type \"" + clip(type.asText())
                        + "\"; protocol v1 accepts hello, text and end");
        }
    }

    private static int rate(JsonNode hello, String field, int fallback, String allowed) throws Violation {
        JsonNode r = hello.get(field);
        if (r == null) {
            return fallback;
        }
        if (!r.isInt()) {
            throw new Violation(CloseCodes.POLICY_VIOLATION, field + " must be an integer, one of " + allowed);
        }
        return r.asInt();
    }

    /**
     * What the client sent, quoted in a close reason and a log line: at most 40 characters as shown, control
     * characters (a newline would forge a second log line) shown as {@code \\uXXXX} and counted as such.
     */
    private static String clip(String s) {
        StringBuilder b = new StringBuilder(48);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String shown = Character.isISOControl(c) ? String.format(java.util.Locale.ROOT, "\\u%04x", (int) c)
                    : String.valueOf(c);
            if (b.length() + shown.length() > 40) {
                return b.append("...").toString();
            }
            b.append(shown);
        }
        return b.toString();
    }

    // ------------------------------------------------------------------ server to client

    /** The reply to a valid hello. */
    public static String ready(String session, int inRateHz, int outRateHz, int frameMs) {
        ObjectNode n = message("ready");
        n.put("v", VERSION);
        n.put("session", session);
        n.put("inRateHz", inRateHz);
        n.put("outRateHz", outRateHz);
        n.put("frameMs", frameMs);
        n.put("serverTimeMs", serverTimeMs());
        return n.toString();
    }

    /** Drop every bot sample you have buffered: the session abandoned audio it had already sent. */
    public static String clear(int turn, double atMs) {
        ObjectNode n = message("clear");
        n.put("turn", turn);
        stamp(n, atMs);
        return n.toString();
    }

    /** The messages one session event becomes (a completed turn is two: the played text, then the report). */
    public static List<String> encode(SessionEvent event) {
        ObjectNode n;
        if (event instanceof SessionEvent.StateChanged e) {
            n = message("state");
            n.put("from", e.from().name());
            n.put("to", e.to().name());
        } else if (event instanceof SessionEvent.UserSpeechStarted e) {
            n = message("speech_started");
            n.put("turn", e.turn());
        } else if (event instanceof SessionEvent.UserSpeechEnded e) {
            n = message("speech_ended");
            n.put("turn", e.turn());
        } else if (event instanceof SessionEvent.TranscriptReady e) {
            n = message("transcript");
            n.put("turn", e.turn());
            n.put("text", e.text());
            putMs(n, "rtf", e.realTimeFactor());
        } else if (event instanceof SessionEvent.FirstAudioQueued e) {
            n = message("audio_queued");
            n.put("turn", e.turn());
        } else if (event instanceof SessionEvent.SynthesisFinished e) {
            n = message("synthesis_finished");
            n.put("turn", e.turn());
            putMs(n, "audioMs", e.audioMs());
            putMs(n, "rtf", e.realTimeFactor());
        } else if (event instanceof SessionEvent.FirstAudioPlayed e) {
            n = message("first_audio");
            n.put("turn", e.turn());
            putMs(n, "latencyMs", e.latencyMs());
        } else if (event instanceof SessionEvent.BargeInPaused e) {
            n = message("barge_in");
            n.put("phase", "paused");
            n.put("turn", e.turn());
            putMs(n, "onsetMs", e.onsetMs());
            putMs(n, "latencyMs", e.latencyMs());
        } else if (event instanceof SessionEvent.BargeInResumed e) {
            n = message("barge_in");
            n.put("phase", "resumed");
            n.put("turn", e.turn());
            n.put("resumedAtSample", e.resumedAtSample());
        } else if (event instanceof SessionEvent.BargeInConfirmed e) {
            n = message("barge_in");
            n.put("phase", "confirmed");
            n.put("turn", e.turn());
            n.put("playedText", e.playedText());
        } else if (event instanceof SessionEvent.TurnCompleted e) {
            TurnReport r = e.report();
            ObjectNode played = message("played");
            played.put("turn", r.turn());
            played.put("text", r.playedText());
            played.put("interrupted", r.bargedIn());
            stamp(played, e.atMs());
            n = message("turn");
            n.put("turn", r.turn());
            putMs(n, "userStartMs", r.userStartS() * 1000);
            putMs(n, "userEndMs", r.userEndS() * 1000);
            n.put("transcript", r.transcript());
            n.put("responseText", r.responseText());
            n.put("playedText", r.playedText());
            putMs(n, "firstAudioLatencyMs", r.firstAudioLatencyMs());
            n.put("bargedIn", r.bargedIn());
            putMs(n, "bargeInLatencyMs", r.bargeInLatencyMs());
            n.put("falseAlarms", r.falseAlarms());
            putMs(n, "modelFirstTokenMs", r.modelFirstTokenMs());
            putMs(n, "modelFirstClauseMs", r.modelFirstClauseMs());
            stamp(n, e.atMs());
            return List.of(played.toString(), n.toString());
        } else if (event instanceof SessionEvent.FramesDropped e) {
            n = message("frames_dropped");
            n.put("consumer", e.consumer());
            n.put("frames", e.frames());
        } else if (event instanceof SessionEvent.EngineError e) {
            n = message("error");
            n.put("engine", e.engine());
            n.put("message", e.message());
        } else if (event instanceof SessionEvent.SessionEnded e) {
            n = message("ended");
            n.put("reason", e.reason());
        } else {
            return List.of(); // an event added to core later: clients ignore what they do not know anyway
        }
        stamp(n, event.atMs());
        return List.of(n.toString());
    }

    private static ObjectNode message(String type) {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", type);
        return n;
    }

    private static void stamp(ObjectNode n, double atMs) {
        putMs(n, "atMs", atMs);
        n.put("serverTimeMs", serverTimeMs());
    }

    /** NaN ("did not happen") becomes null: JSON has no NaN. */
    private static void putMs(ObjectNode n, String field, double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            n.putNull(field);
        } else {
            n.put(field, value);
        }
    }

    /** Wall clock, epoch milliseconds with the microseconds as a fraction. */
    public static double serverTimeMs() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1000.0 + now.getNano() / 1e6;
    }
}
