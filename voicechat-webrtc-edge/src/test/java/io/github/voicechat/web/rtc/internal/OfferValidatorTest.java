package io.github.voicechat.web.rtc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** The SDP checks that run before libwebrtc sees an offer: each refusal has its status and says why. */
class OfferValidatorTest {

    @Test
    void aBrowserOfferPasses() throws Exception {
        OfferValidator.Offer offer = OfferValidator.validate(Offers.CHROME.getBytes(StandardCharsets.US_ASCII));
        assertThat(offer.audioMid()).isEqualTo("0");
        assertThat(offer.opusPayload()).isEqualTo(111);
        assertThat(offer.hasData()).isTrue();
        // LF line ends and no trailing newline are fine too.
        assertThat(OfferValidator.validate(Offers.CHROME.replace("\r\n", "\n").strip()).opusPayload()).isEqualTo(111);
    }

    @Test
    void garbageIs400() {
        refused(() -> OfferValidator.validate("hello".getBytes(StandardCharsets.US_ASCII)), 400,
                "line 1 is not an SDP line");
        refused(() -> OfferValidator.validate(new byte[0]), 400, "empty offer");
        refused(() -> OfferValidator.validate("{\"type\":\"offer\",\"sdp\":\"v=0\"}"), 400, "not an SDP line");
        refused(() -> OfferValidator.validate("s=-\r\nv=0\r\n"), 400, "the first line must be v=0");
        refused(() -> OfferValidator.validate("v=0\r\nnot a line\r\n"), 400, "line 2 is not an SDP line");
        refused(() -> OfferValidator.validate(Offers.CHROME.replace("s=-", "s=\u0000")), 400, "control character");
        refused(() -> OfferValidator.validate(("v=0\r\ns=\u00e9\r\n").getBytes(StandardCharsets.UTF_8)), 400, "ASCII");
        refused(() -> OfferValidator.validate(Offers.CHROME.replace("m=audio 9 ", "m=audio 99999 ")), 400, "port");
        refused(() -> OfferValidator.validate(Offers.CHROME.replace(" 111 63 ", " 111 x63 ")), 400, "payload type");
        refused(() -> OfferValidator.validate(Offers.CHROME.replace("a=ice-ufrag:Yx0B\r\n", "")
                .replace("a=ice-pwd:Ayq4Ey1JbN6oHnYmDoX3kQ9E\r\n", "")), 400, "ICE credentials");
        refused(() -> OfferValidator.validate(Offers.CHROME.replaceAll("a=fingerprint:[^\r]*\r\n", "")), 400,
                "fingerprint");
    }

    @Test
    void hugeIs413() {
        byte[] huge = new byte[OfferValidator.MAX_BYTES + 1];
        java.util.Arrays.fill(huge, (byte) 'a');
        refused(() -> OfferValidator.validate(huge), 413, "over the cap of 16384 bytes");
        refused(() -> OfferValidator.validate(Offers.CHROME + "a=x:" + "y".repeat(3_000) + "\r\n"), 413,
                "a line of 3004 characters");
        refused(() -> OfferValidator.validate(Offers.CHROME + "a=x\r\n".repeat(400)), 413, "more than 400 lines");
    }

    @Test
    void noAudioIs422() {
        String dataOnly = Offers.CHROME.substring(0, Offers.CHROME.indexOf("m=audio"))
                + Offers.CHROME.substring(Offers.CHROME.indexOf("m=application"));
        refused(() -> OfferValidator.validate(dataOnly), 422, "no audio m-line");
        refused(() -> OfferValidator.validate(Offers.CHROME.replace("m=audio 9 ", "m=audio 0 ")), 422,
                "no audio m-line");
    }

    @Test
    void onlyAnUnsupportedCodecIs422() {
        refused(() -> OfferValidator.validate(Offers.audioCodecsOnly("0 8", "0 PCMU/8000", "8 PCMA/8000")), 422,
                "no Opus in the audio section (offered: PCMU/8000, PCMA/8000)");
        refused(() -> OfferValidator.validate(Offers.audioCodecsOnly("96", "96 opus/16000/1")), 422, "no Opus");
        assertThat(catchStatus(() -> OfferValidator.validate(Offers.audioCodecsOnly("96", "96 OPUS/48000/2"))))
                .isZero();
    }

    @Test
    void videoAndExtraSectionsAre422() {
        String video = Offers.CHROME + "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:2\r\na=rtpmap:96 VP8/90000\r\n";
        refused(() -> OfferValidator.validate(video), 422, "voice only");
        assertThat(catchStatus(() -> OfferValidator.validate(video.replace("m=video 9 ", "m=video 0 ")))).isZero();
        refused(() -> OfferValidator.validate(Offers.CHROME + "m=text 9 RTP/AVP 98\r\n"), 422, "unsupported media");
        String twoAudio = Offers.CHROME + Offers.CHROME.substring(Offers.CHROME.indexOf("m=audio"),
                Offers.CHROME.indexOf("m=application")).replace("a=mid:0", "a=mid:2");
        refused(() -> OfferValidator.validate(twoAudio), 422, "more than one audio section");
        refused(() -> OfferValidator.validate(Offers.CHROME.replace("UDP/TLS/RTP/SAVPF", "RTP/AVP")), 422,
                "not WebRTC");
    }

    private static void refused(ThrowingCallable call, int status, String reason) {
        assertThatThrownBy(call).isInstanceOf(OfferValidator.Rejected.class).hasMessageContaining(reason)
                .satisfies(e -> assertThat(((OfferValidator.Rejected) e).status()).isEqualTo(status));
    }

    /** 0 when the call passes, else the refusal's status. */
    private static int catchStatus(ThrowingCallable call) {
        try {
            call.call();
            return 0;
        } catch (OfferValidator.Rejected e) {
            return e.status();
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }
}
