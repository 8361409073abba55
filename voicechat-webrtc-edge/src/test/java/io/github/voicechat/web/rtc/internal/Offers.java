package io.github.voicechat.web.rtc.internal;

/** SDP offers for the tests: what Chromium sends for a microphone and a data channel, and variations. */
public final class Offers {

    /** A Chromium 13x offer: one audio section (Opus first), one data channel, bundled. */
    public static final String CHROME = String.join("\r\n",
            "v=0",
            "o=- 4611731400430051336 2 IN IP4 127.0.0.1",
            "s=-",
            "t=0 0",
            "a=group:BUNDLE 0 1",
            "a=extmap-allow-mixed",
            "a=msid-semantic: WMS 6f6c0b1e",
            "m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126",
            "c=IN IP4 0.0.0.0",
            "a=rtcp:9 IN IP4 0.0.0.0",
            "a=ice-ufrag:Yx0B",
            "a=ice-pwd:Ayq4Ey1JbN6oHnYmDoX3kQ9E",
            "a=ice-options:trickle",
            "a=fingerprint:sha-256 5B:D3:8F:2A:1C:AB:2F:4E:9D:07:3C:11:8A:45:B6:60:7E:21:93:0D:C4:E8:F1:5A:0B:76:2C:9E:33"
                    + ":A1:D8:4F",
            "a=setup:actpass",
            "a=mid:0",
            "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level",
            "a=sendrecv",
            "a=msid:6f6c0b1e 2d8d1c9a",
            "a=rtcp-mux",
            "a=rtpmap:111 opus/48000/2",
            "a=rtcp-fb:111 transport-cc",
            "a=fmtp:111 minptime=10;useinbandfec=1",
            "a=rtpmap:63 red/48000/2",
            "a=fmtp:63 111/111",
            "a=rtpmap:9 G722/8000",
            "a=rtpmap:0 PCMU/8000",
            "a=rtpmap:8 PCMA/8000",
            "a=rtpmap:13 CN/8000",
            "a=rtpmap:110 telephone-event/48000",
            "a=rtpmap:126 telephone-event/8000",
            "a=ssrc:3581233012 cname:r3f2b8gS2l7wZ3Qm",
            "m=application 9 UDP/DTLS/SCTP webrtc-datachannel",
            "c=IN IP4 0.0.0.0",
            "a=ice-ufrag:Yx0B",
            "a=ice-pwd:Ayq4Ey1JbN6oHnYmDoX3kQ9E",
            "a=ice-options:trickle",
            "a=fingerprint:sha-256 5B:D3:8F:2A:1C:AB:2F:4E:9D:07:3C:11:8A:45:B6:60:7E:21:93:0D:C4:E8:F1:5A:0B:76:2C:9E:33"
                    + ":A1:D8:4F",
            "a=setup:actpass",
            "a=mid:1",
            "a=sctp-port:5000",
            "a=max-message-size:262144",
            "") ;

    private Offers() {
    }

    /** The Chromium offer with its audio section offering only {@code codecs} (payload type, rtpmap). */
    public static String audioCodecsOnly(String payloadTypes, String... rtpmaps) {
        StringBuilder b = new StringBuilder();
        for (String line : CHROME.split("\r\n")) {
            if (line.startsWith("m=audio")) {
                b.append("m=audio 9 UDP/TLS/RTP/SAVPF ").append(payloadTypes).append("\r\n");
            } else if (line.startsWith("a=rtpmap:") || line.startsWith("a=fmtp:") || line.startsWith("a=rtcp-fb:")) {
                continue;
            } else {
                b.append(line).append("\r\n");
                if (line.equals("a=rtcp-mux")) {
                    for (String r : rtpmaps) {
                        b.append("a=rtpmap:").append(r).append("\r\n");
                    }
                }
            }
        }
        return b.toString();
    }
}
