package io.github.voicechat.piper.internal;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Text to IPA phonemes grouped by sentence, the way Piper's own espeak phonemizer does it with a stock libespeak-ng
 * (rhasspy/piper-phonemize {@code phonemize_eSpeak}):
 *
 * <ul>
 *   <li>{@code espeak_TextToPhonemes} is called clause by clause in IPA mode; language-switch flags such as
 *       {@code (fr)} are removed from its output;</li>
 *   <li>the clause terminator is the last non-blank character before the clause's end in the text
 *       ({@code . ? !} end a sentence; {@code , : ;} are kept followed by a space); it is appended as a phoneme,
 *       since Piper voices were trained with punctuation in the phoneme stream;</li>
 *   <li>the phoneme string is NFD-decomposed and split into code points, one phoneme each.</li>
 * </ul>
 *
 * <p>One difference: piper-phonemize skips only spaces when looking for the terminator, so a sentence followed by a
 * line break lost its full stop; here any whitespace is skipped.
 *
 * <p>A text is always phonemised to its end in one locked pass. libespeak-ng keeps a look-ahead character between
 * calls, so stopping part-way leaks that character into the next text (measured: an abandoned "Zebra" turned the
 * next text "Fine thanks" into "zˈiː fˈaɪn θˈæŋks"). A pass costs about 2.5 ms per 1000 characters here, small
 * against the synthesis of one sentence.
 *
 * <p>espeak-ng never sees U+0000 or U+0001 (each becomes a space, so offsets hold). U+0001 starts one of its
 * embedded commands, which it obeys even in {@code espeak_TextToPhonemes} and which outlive the text: U+0001
 * followed by {@code B1} turns on the announcing of punctuation for every later text of the process (found by
 * {@code PiperFuzzTest}: after a text with U+0001 {@code Bd}, a later {@code "r.!\rH"} stalled). In that mode
 * espeak-ng 1.51 ends a clause in front of a punctuation mark without reading anything ("picked up next time"),
 * which this class's progress guard saw as a stall, and the phonemes said "period". The state can also be changed by
 * another user of the library in this process (punctuation set through {@code espeak_SetParameter} takes effect at
 * its next {@code espeak_Synth}), so every text starts from a reset one ({@link Espeak#resetClauseState}, one short
 * clause); a text on which espeak-ng still stops advancing fails with an {@link IllegalStateException}.
 */
public final class EspeakPhonemizer {
    private static final Pattern LANGUAGE_FLAGS = Pattern.compile("\\([^)]*\\)");

    /** The phonemes of one sentence and where it ends in the text. */
    public record Sentence(List<String> phonemes, int startChar, int endChar) {
        public Sentence {
            phonemes = List.copyOf(phonemes);
        }

        /** The phonemes joined, for logs and tests. */
        public String joined() {
            return String.join("", phonemes);
        }
    }

    private final String voice;

    /**
     * @param voice espeak-ng voice name, e.g. {@code en-us} (the {@code espeak.voice} of a Piper voice)
     */
    public EspeakPhonemizer(String voice) {
        Espeak.requireVoiceName(voice);
        this.voice = voice;
    }

    public String voice() {
        return voice;
    }

    /**
     * Phonemises {@code text}. Sentences without any phoneme (only punctuation or blanks) are dropped.
     *
     * @return the sentences in order; {@link Sentence#endChar} is the offset just after the sentence's terminator
     *         (or the text's end for the last one) in {@code text}
     */
    public List<Sentence> phonemize(String text) {
        if (text == null) {
            throw new IllegalArgumentException("text must not be null");
        }
        String clean = breakLongAbbreviations(withoutEspeakControls(text));
        List<Sentence> out = new ArrayList<>();
        if (clean.isBlank()) {
            return out;
        }
        byte[] utf8 = clean.getBytes(StandardCharsets.UTF_8);
        int[] charAt = byteToCharIndex(clean, utf8.length);
        try (Memory mem = new Memory(utf8.length + 1L)) {
            mem.write(0, utf8, 0, utf8.length);
            mem.setByte(utf8.length, (byte) 0);
            synchronized (Espeak.LOCK) {
                Espeak.Lib lib = Espeak.libWithVoice(voice);
                Espeak.resetClauseState(lib);
                int stalledAt = pass(lib, mem, utf8, charAt, out);
                if (stalledAt >= 0) {
                    // Never seen since the state is reset first and U+0001 kept out; a loop guard, not a retry: the
                    // same text from the same state would stop at the same byte.
                    throw new IllegalStateException("espeak_TextToPhonemes stopped advancing at byte " + stalledAt
                            + " of " + utf8.length + " (voice " + voice + ")");
                }
            }
        }
        return out;
    }

    /**
     * One pass over the whole text; call with {@link Espeak#LOCK} held.
     *
     * @return -1 when the text was phonemised to its end, else the byte at which espeak-ng stopped advancing (then
     *         {@code out} holds only part of the text)
     */
    private static int pass(Espeak.Lib lib, Memory mem, byte[] utf8, int[] charAt, List<Sentence> out) {
        long base = Pointer.nativeValue(mem);
        StringBuilder sentence = new StringBuilder();
        int sentenceStartByte = 0;
        PointerByReference ref = new PointerByReference(mem);
        int pos = 0;
        while (ref.getValue() != null) {
            Pointer result = lib.espeak_TextToPhonemes(ref, Espeak.CHARS_UTF8, Espeak.PHONEMES_IPA);
            String clause = result == null ? "" : result.getString(0, "UTF-8");
            Pointer next = ref.getValue();
            int nextPos = next == null ? utf8.length + 1 : (int) (Pointer.nativeValue(next) - base);
            if (nextPos <= pos || nextPos > utf8.length + 1) {
                return pos;
            }
            // espeak has read one character beyond the clause (next points past it): skip it, then blanks.
            int t = nextPos - 2;
            while (t >= 0 && isBlank(utf8[t])) {
                t--;
            }
            char terminator = t >= 0 ? (char) (utf8[t] & 0xff) : 0;
            sentence.append(LANGUAGE_FLAGS.matcher(clause).replaceAll(""));
            switch (terminator) {
                case '.', '?', '!' -> sentence.append(terminator);
                case ',', ':', ';' -> sentence.append(terminator).append(' ');
                default -> {
                }
            }
            pos = nextPos;
            boolean end = next == null;
            if (end || terminator == '.' || terminator == '?' || terminator == '!') {
                int endByte = end ? utf8.length : t + 1;
                add(out, sentence, charAt[sentenceStartByte], charAt[Math.max(endByte, sentenceStartByte)]);
                sentence.setLength(0);
                sentenceStartByte = Math.max(endByte, sentenceStartByte);
            }
        }
        return -1;
    }

    /**
     * The text with U+0000 (it would end the C string early) and U+0001 (espeak-ng's embedded-command character, see
     * the class comment) replaced by spaces; same length, so every offset holds.
     */
    static String withoutEspeakControls(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\0' || c == '\u0001') {
                char[] chars = text.toCharArray();
                for (int k = i; k < chars.length; k++) {
                    if (chars[k] == '\0' || chars[k] == '\u0001') {
                        chars[k] = ' ';
                    }
                }
                return new String(chars);
            }
        }
        return text;
    }

    /** The longest abbreviation chain passed to espeak-ng as it is, in {@link #spellingWeight} units; see below. */
    static final int MAX_ABBREVIATION_CHAIN = 120;

    /**
     * Replaces the full stops of an over-long abbreviation chain with spaces (same length, so every offset holds).
     *
     * <p>Why: libespeak-ng 1.51 (Debian 12) smashes its stack, aborting the JVM, when a letter-dot abbreviation is
     * joined to a long word, which it then spells into a fixed buffer. Measured through
     * {@code espeak_TextToPhonemes}, {@code "i."} followed by a word aborts from 170 ASCII letters or digits, 90
     * Latin, Greek, Cyrillic or Arabic letters, 60 CJK ideographs or symbols, 50 emoji, and 20 Hangul syllables (18
     * do not); so do 120 {@code "x."} in a row, 45 {@code "x."} + space + 45 {@code "x."}, and {@code "x.x. "} 60
     * times. A word without a full stop is fine at any length (600 letters, 40 Hangul syllables), as is a full stop
     * followed by a space. (Found by {@code PiperFuzzTest}: {@code "i."} and 30 Hangul syllables.)
     *
     * <p>A chain here is a run of blank-separated tokens in which every token but the last contains a full stop.
     * One that weighs more than {@value #MAX_ABBREVIATION_CHAIN} loses its full stops, so espeak-ng reads plain
     * words. The limit keeps a margin of about 1.4 to every measured abort; no real abbreviation weighs that much.
     */
    static String breakLongAbbreviations(String text) {
        char[] chars = null;
        int n = text.length();
        int chainStart = -1;
        int chainWeight = 0;
        boolean chainHasDot = false;
        int i = 0;
        while (i < n) {
            int tokenStart = i;
            int tokenWeight = 0;
            boolean dot = false;
            while (i < n && !isSeparator(text.charAt(i))) {
                int cp = text.codePointAt(i);
                dot |= cp == '.';
                tokenWeight += spellingWeight(cp);
                i += Character.charCount(cp);
            }
            int sepStart = i;
            while (i < n && isSeparator(text.charAt(i))) {
                i++;
            }
            if (chainStart < 0) {
                chainStart = tokenStart;
                chainWeight = 0;
                chainHasDot = false;
            }
            chainWeight += tokenWeight + (i - sepStart);
            chainHasDot |= dot;
            if (!dot || i >= n) {
                // the chain ends with this token (it has no full stop, or the text ends)
                if (chainHasDot && chainWeight > MAX_ABBREVIATION_CHAIN) {
                    if (chars == null) {
                        chars = text.toCharArray();
                    }
                    for (int k = chainStart; k < sepStart; k++) {
                        if (chars[k] == '.') {
                            chars[k] = ' ';
                        }
                    }
                }
                chainStart = -1;
            }
        }
        return chars == null ? text : new String(chars);
    }

    /**
     * What one character costs espeak-ng when it spells it, relative to an ASCII letter (from the aborts measured
     * above: 170 ASCII, 60 CJK, 50 emoji, 20 Hangul syllables, which espeak-ng decomposes into up to three jamo).
     */
    static int spellingWeight(int cp) {
        if (cp < 0x80) {
            return 1;
        }
        if ((cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0x1100 && cp <= 0x11FF) || (cp >= 0x3130 && cp <= 0x318F)) {
            return 9;
        }
        return cp >= 0x10000 ? 4 : 3;
    }

    /**
     * Only the ASCII blanks end a word for this count. Java's {@code isWhitespace} also counts U+001C..U+001F, which
     * espeak-ng spells as part of the word: {@code "i."} and 200 U+001C aborted it (found by {@code PiperFuzzTest},
     * session 6). Counting any other space as part of a word only makes a chain heavier, the safe side.
     */
    private static boolean isSeparator(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0b;
    }

    private static void add(List<Sentence> out, StringBuilder sentence, int startChar, int endChar) {
        String nfd = Normalizer.normalize(sentence, Normalizer.Form.NFD);
        List<String> phonemes = new ArrayList<>(nfd.length());
        boolean speakable = false;
        for (int i = 0; i < nfd.length(); ) {
            int cp = nfd.codePointAt(i);
            phonemes.add(new String(Character.toChars(cp)));
            speakable |= !(Character.isWhitespace(cp) || ".?!,:;".indexOf(cp) >= 0);
            i += Character.charCount(cp);
        }
        if (speakable) {
            out.add(new Sentence(phonemes, startChar, endChar));
        } else if (!out.isEmpty()) {
            // Punctuation alone: no audio, but the text up to here is still "said" with the previous sentence.
            Sentence prev = out.remove(out.size() - 1);
            out.add(new Sentence(prev.phonemes(), prev.startChar(), endChar));
        }
    }

    private static boolean isBlank(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t' || b == '\f' || b == 0x0b;
    }

    /** For each UTF-8 byte offset 0..length, the UTF-16 offset of the character that starts at or contains it. */
    private static int[] byteToCharIndex(String s, int byteLength) {
        int[] map = new int[byteLength + 1];
        int b = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (Character.isSurrogate(s.charAt(i)) && Character.charCount(cp) == 1) {
                n = 1; // a lone surrogate is encoded as '?'
            }
            for (int k = 0; k < n && b < byteLength; k++) {
                map[b++] = i;
            }
            i += Character.charCount(cp);
        }
        map[byteLength] = s.length();
        return map;
    }
}
