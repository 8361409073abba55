package io.github.voicechat.web.rtc.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Checks an SDP offer in plain Java before any of it reaches libwebrtc, so that garbage, a hostile size or an offer
 * the edge cannot serve is refused with a 4xx and a reason, never parsed natively. What passes is a well-formed
 * offer of at most {@value #MAX_BYTES} bytes with one live audio section that offers Opus (48 kHz), at most one data
 * section, no video, and ICE and DTLS credentials; libwebrtc then parses it again and may still refuse it (its reason
 * becomes a 400 too).
 *
 * <p>Pure and allocation-bounded (the line and section caps bound the work), so it is fuzzed directly.
 */
public final class OfferValidator {

    /** A browser's audio+data offer is 2–6 KB; four times that leaves room for many candidates. */
    public static final int MAX_BYTES = 16 * 1024;
    static final int MAX_LINES = 400;
    static final int MAX_LINE_CHARS = 2_048;
    static final int MAX_SECTIONS = 4;

    /** Why an offer was refused: an HTTP status (400, 413 or 422) and a reason for a person. */
    public static final class Rejected extends Exception {
        private static final long serialVersionUID = 1L;
        private final int status;

        Rejected(int status, String reason) {
            super(reason, null, false, false);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /**
     * What the edge needs to know about an accepted offer.
     *
     * @param audioMid    the audio section's {@code a=mid}
     * @param opusPayload the payload type the offer gives Opus
     * @param hasData     whether it offers a data channel section
     */
    public record Offer(String audioMid, int opusPayload, boolean hasData) {
    }

    private OfferValidator() {
    }

    /** Validates the bytes of an HTTP body (UTF-8). */
    public static Offer validate(byte[] body) throws Rejected {
        if (body == null || body.length == 0) {
            throw new Rejected(400, "empty offer: POST the SDP offer as the body (Content-Type: application/sdp)");
        }
        if (body.length > MAX_BYTES) {
            throw new Rejected(413, "offer of " + body.length + " bytes is over the cap of " + MAX_BYTES + " bytes");
        }
        for (byte b : body) {
            if (b < 0) {
                throw new Rejected(400, "SDP must be ASCII (RFC 8866 allows UTF-8 only in free text; none is needed)");
            }
        }
        return validate(new String(body, StandardCharsets.US_ASCII));
    }

    /** Validates an offer's text. */
    public static Offer validate(String sdp) throws Rejected {
        if (sdp == null || sdp.isEmpty()) {
            throw new Rejected(400, "empty offer");
        }
        if (sdp.length() > MAX_BYTES) {
            throw new Rejected(413, "offer of " + sdp.length() + " characters is over the cap of " + MAX_BYTES);
        }
        List<String> lines = lines(sdp);
        if (!lines.get(0).equals("v=0")) {
            throw new Rejected(400, "not an SDP offer: the first line must be v=0");
        }
        boolean origin = false;
        boolean session = false;
        boolean sessionUfrag = false;
        boolean sessionPwd = false;
        boolean sessionFingerprint = false;
        List<Section> sections = new ArrayList<>();
        Section current = null;
        for (String line : lines) {
            char type = line.charAt(0);
            String value = line.substring(2);
            if (type == 'm') {
                if (sections.size() == MAX_SECTIONS) {
                    throw new Rejected(422, "more than " + MAX_SECTIONS + " media sections; the edge carries one "
                            + "audio section and one data channel");
                }
                current = Section.parse(value);
                sections.add(current);
            } else if (current == null) {
                origin |= type == 'o';
                session |= type == 's';
                if (type == 'a') {
                    sessionUfrag |= value.startsWith("ice-ufrag:");
                    sessionPwd |= value.startsWith("ice-pwd:");
                    sessionFingerprint |= value.startsWith("fingerprint:");
                }
            } else if (type == 'a') {
                current.attribute(value);
            }
        }
        if (!origin || !session) {
            throw new Rejected(400, "not an SDP offer: the o= and s= lines are missing");
        }
        Section audio = null;
        int data = 0;
        for (Section s : sections) {
            switch (s.media) {
                case "audio" -> {
                    if (s.port != 0) {
                        if (audio != null) {
                            throw new Rejected(422, "more than one audio section: the edge carries one voice");
                        }
                        audio = s;
                    }
                }
                case "application" -> data++;
                case "video" -> {
                    if (s.port != 0) {
                        throw new Rejected(422, "the offer has video; the edge carries voice only (remove the video "
                                + "track, or set its transceiver inactive)");
                    }
                }
                default -> throw new Rejected(422, "unsupported media section \"" + clip(s.media) + "\"");
            }
        }
        if (audio == null) {
            throw new Rejected(422, "the offer has no audio m-line: add a microphone track (or an audio transceiver)");
        }
        if (data > 1) {
            throw new Rejected(422, "more than one data section");
        }
        if (!audio.proto.toUpperCase(Locale.ROOT).contains("SAVPF")) {
            throw new Rejected(422, "audio over " + clip(audio.proto) + " is not WebRTC; expected UDP/TLS/RTP/SAVPF");
        }
        Integer opus = null;
        for (int pt : audio.payloads) {
            String codec = audio.rtpmap.get(pt);
            if (codec != null && codec.toLowerCase(Locale.ROOT).startsWith("opus/48000")) {
                opus = pt;
                break;
            }
        }
        if (opus == null) {
            List<String> offered = new ArrayList<>();
            for (int pt : audio.payloads) {
                offered.add(audio.rtpmap.getOrDefault(pt, String.valueOf(pt)));
            }
            throw new Rejected(422, "no Opus in the audio section (offered: " + clip(String.join(", ", offered))
                    + "); the edge speaks Opus only");
        }
        if (!(sessionUfrag || audio.ufrag) || !(sessionPwd || audio.pwd)) {
            throw new Rejected(400, "the offer has no ICE credentials (a=ice-ufrag, a=ice-pwd)");
        }
        if (!(sessionFingerprint || audio.fingerprint)) {
            throw new Rejected(400, "the offer has no DTLS fingerprint (a=fingerprint)");
        }
        if (audio.mid == null) {
            throw new Rejected(400, "the audio section has no a=mid");
        }
        return new Offer(audio.mid, opus, data == 1);
    }

    /** Splits on CRLF or LF, checking each line's shape ({@code x=...}) and the caps. */
    private static List<String> lines(String sdp) throws Rejected {
        List<String> lines = new ArrayList<>();
        int start = 0;
        int n = sdp.length();
        while (start < n) {
            int end = sdp.indexOf('\n', start);
            if (end < 0) {
                end = n;
            }
            int stop = end > start && sdp.charAt(end - 1) == '\r' ? end - 1 : end;
            if (stop > start) { // blank lines (a trailing CRLF) are tolerated, as libwebrtc does
                if (lines.size() == MAX_LINES) {
                    throw new Rejected(413, "more than " + MAX_LINES + " lines");
                }
                if (stop - start > MAX_LINE_CHARS) {
                    throw new Rejected(413, "a line of " + (stop - start) + " characters is over the cap of "
                            + MAX_LINE_CHARS);
                }
                String line = sdp.substring(start, stop);
                checkLine(line, lines.size() + 1);
                lines.add(line);
            }
            start = end + 1;
        }
        if (lines.isEmpty()) {
            throw new Rejected(400, "empty offer");
        }
        return lines;
    }

    private static void checkLine(String line, int number) throws Rejected {
        if (line.length() < 2 || line.charAt(1) != '=' || line.charAt(0) < 'a' || line.charAt(0) > 'z') {
            throw new Rejected(400, "line " + number + " is not an SDP line (type=value): \"" + clip(line) + "\"");
        }
        for (int i = 2; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                throw new Rejected(400, "line " + number + " holds a control character (0x"
                        + Integer.toHexString(c) + ")");
            }
        }
    }

    static String clip(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "...";
    }

    /** One m= section and the attributes the edge checks. */
    private static final class Section {
        final String media;
        final int port;
        final String proto;
        final List<Integer> payloads = new ArrayList<>();
        final Map<Integer, String> rtpmap = new LinkedHashMap<>();
        String mid;
        boolean ufrag;
        boolean pwd;
        boolean fingerprint;

        private Section(String media, int port, String proto) {
            this.media = media;
            this.port = port;
            this.proto = proto;
        }

        /** {@code <media> <port>[/<n>] <proto> <fmt> ...} */
        static Section parse(String value) throws Rejected {
            String[] f = value.split(" ", -1);
            if (f.length < 4) {
                throw new Rejected(400, "malformed m-line \"m=" + clip(value) + "\": expected media, port, proto, "
                        + "formats");
            }
            String portText = f[1];
            int slash = portText.indexOf('/');
            int port = number(slash < 0 ? portText : portText.substring(0, slash), 0, 65_535, "port in m-line");
            Section s = new Section(f[0], port, f[2]);
            if (f[0].equals("audio") || f[0].equals("video")) {
                if (f.length - 3 > 64) {
                    throw new Rejected(400, "more than 64 payload types in one m-line");
                }
                for (int i = 3; i < f.length; i++) {
                    s.payloads.add(number(f[i], 0, 127, "RTP payload type"));
                }
            }
            return s;
        }

        void attribute(String value) throws Rejected {
            if (value.startsWith("mid:")) {
                String m = value.substring(4);
                if (m.isEmpty() || m.length() > 32) {
                    throw new Rejected(400, "a=mid must be 1 to 32 characters");
                }
                mid = m;
            } else if (value.startsWith("rtpmap:")) {
                int space = value.indexOf(' ');
                if (space < 0) {
                    throw new Rejected(400, "malformed a=" + clip(value));
                }
                int pt = number(value.substring(7, space), 0, 127, "RTP payload type in a=rtpmap");
                rtpmap.put(pt, value.substring(space + 1).trim());
            } else {
                ufrag |= value.startsWith("ice-ufrag:");
                pwd |= value.startsWith("ice-pwd:");
                fingerprint |= value.startsWith("fingerprint:");
            }
        }

        private static int number(String text, int min, int max, String what) throws Rejected {
            if (text.isEmpty() || text.length() > 5) {
                throw new Rejected(400, "malformed " + what + " \"" + clip(text) + "\"");
            }
            int v = 0;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c < '0' || c > '9') {
                    throw new Rejected(400, "malformed " + what + " \"" + clip(text) + "\"");
                }
                v = v * 10 + (c - '0');
            }
            if (v < min || v > max) {
                throw new Rejected(400, what + " " + v + " is outside " + min + ".." + max);
            }
            return v;
        }
    }
}
