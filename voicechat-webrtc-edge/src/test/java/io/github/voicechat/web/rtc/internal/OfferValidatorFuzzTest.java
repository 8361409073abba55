package io.github.voicechat.web.rtc.internal;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * Fuzzes the SDP checks that guard libwebrtc: any bytes, or a browser's offer with fuzzed lines spliced in,
 * replaced or cut. What must hold: the validator either accepts, and then the offer really has a live audio section
 * that offers Opus at 48 kHz, ICE credentials and a fingerprint, and is within the caps; or it refuses with 400, 413
 * or 422 and a reason. Nothing else is thrown, and nothing takes long (the caps bound the work).
 *
 * <p>Every build replays {@code OfferValidatorFuzzTestInputs/}; {@code JAZZER_FUZZ=1} fuzzes (module README).
 */
class OfferValidatorFuzzTest {

    private static final List<String> LINES = List.of("m=audio 9 UDP/TLS/RTP/SAVPF 111", "m=audio 0 RTP/AVP 0",
            "m=video 9 UDP/TLS/RTP/SAVPF 96", "m=application 9 UDP/DTLS/SCTP webrtc-datachannel", "a=rtpmap:111 opus/48000/2",
            "a=rtpmap:0 PCMU/8000", "a=mid:0", "a=ice-ufrag:x", "a=ice-pwd:y", "a=fingerprint:sha-256 AA", "v=0",
            "o=- 1 2 IN IP4 127.0.0.1", "s=-", "a=rtpmap:", "m=", "m=audio", "a=rtpmap:999 opus/48000");

    @FuzzTest(maxDuration = "10m")
    void acceptsOnlyServableOffersAndRefusesWithA4xx(FuzzedDataProvider data) {
        byte[] body;
        if (data.consumeBoolean()) {
            body = data.consumeRemainingAsBytes();
        } else {
            String[] lines = Offers.CHROME.split("\r\n");
            int edits = data.consumeInt(0, 6);
            for (int i = 0; i < edits; i++) {
                int at = data.consumeInt(0, lines.length - 1);
                lines[at] = switch (data.consumeInt(0, 3)) {
                    case 0 -> data.pickValue(LINES);
                    case 1 -> "";
                    case 2 -> lines[at] + data.consumeString(40);
                    default -> data.consumeString(80);
                };
            }
            body = String.join(data.consumeBoolean() ? "\r\n" : "\n", lines).getBytes(StandardCharsets.UTF_8);
        }
        OfferValidator.Offer offer;
        try {
            offer = OfferValidator.validate(body);
        } catch (OfferValidator.Rejected e) {
            if (e.status() != 400 && e.status() != 413 && e.status() != 422) {
                throw new AssertionError("refused with " + e.status() + ": " + e.getMessage());
            }
            if (e.getMessage() == null || e.getMessage().isBlank()) {
                throw new AssertionError("a refusal without a reason");
            }
            return;
        }
        String sdp = new String(body, StandardCharsets.US_ASCII);
        String lower = sdp.toLowerCase(Locale.ROOT);
        if (body.length > OfferValidator.MAX_BYTES || !sdp.startsWith("v=0")) {
            throw new AssertionError("accepted an offer outside the caps or not starting with v=0");
        }
        if (!lower.contains("m=audio ") || !lower.contains("opus/48000") || !lower.contains("a=ice-ufrag:")
                || !lower.contains("a=ice-pwd:") || !lower.contains("a=fingerprint:")) {
            throw new AssertionError("accepted an offer lacking audio, Opus, ICE or DTLS: " + sdp);
        }
        if (!lower.contains("a=rtpmap:" + offer.opusPayload() + " opus/48000")) {
            throw new AssertionError("Opus payload " + offer.opusPayload() + " has no rtpmap: " + sdp);
        }
        if (!sdp.contains("a=mid:" + offer.audioMid())) {
            throw new AssertionError("audio mid " + offer.audioMid() + " not in the offer");
        }
    }
}
