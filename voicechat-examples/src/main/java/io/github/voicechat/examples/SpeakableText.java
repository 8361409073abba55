package io.github.voicechat.examples;

import java.lang.Character.UnicodeScript;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which characters of a text a synthesizer cannot pronounce, judged from the languages it declares: letters of a
 * script none of its languages is written in (Hebrew or Arabic for an English voice), and pictographs (emoji), which
 * the classic engines skip. Engines that declare no language are not judged.
 */
final class SpeakableText {

    private static final Map<String, Set<UnicodeScript>> SCRIPTS = Map.ofEntries(
            Map.entry("ar", EnumSet.of(UnicodeScript.ARABIC)), Map.entry("fa", EnumSet.of(UnicodeScript.ARABIC)),
            Map.entry("ur", EnumSet.of(UnicodeScript.ARABIC)), Map.entry("he", EnumSet.of(UnicodeScript.HEBREW)),
            Map.entry("ru", EnumSet.of(UnicodeScript.CYRILLIC)), Map.entry("uk", EnumSet.of(UnicodeScript.CYRILLIC)),
            Map.entry("bg", EnumSet.of(UnicodeScript.CYRILLIC)), Map.entry("sr", EnumSet.of(UnicodeScript.CYRILLIC)),
            Map.entry("kk", EnumSet.of(UnicodeScript.CYRILLIC)), Map.entry("el", EnumSet.of(UnicodeScript.GREEK)),
            Map.entry("zh", EnumSet.of(UnicodeScript.HAN)), Map.entry("ko", EnumSet.of(UnicodeScript.HANGUL)),
            Map.entry("ja", EnumSet.of(UnicodeScript.HAN, UnicodeScript.HIRAGANA, UnicodeScript.KATAKANA)),
            Map.entry("hi", EnumSet.of(UnicodeScript.DEVANAGARI)), Map.entry("ne", EnumSet.of(UnicodeScript.DEVANAGARI)),
            Map.entry("th", EnumSet.of(UnicodeScript.THAI)), Map.entry("ka", EnumSet.of(UnicodeScript.GEORGIAN)));
    private static final int MAX_LISTED = 12;

    private SpeakableText() {
    }

    /** The distinct characters of {@code text} an engine speaking {@code languages} drops, as "x U+0078" entries. */
    static List<String> unspeakable(String text, Set<String> languages) {
        if (languages.isEmpty()) {
            return List.of();
        }
        Set<UnicodeScript> scripts = EnumSet.of(UnicodeScript.COMMON, UnicodeScript.INHERITED);
        for (String tag : languages) {
            String lang = tag.toLowerCase(Locale.ROOT).split("[-_]")[0];
            scripts.addAll(SCRIPTS.getOrDefault(lang, EnumSet.of(UnicodeScript.LATIN)));
        }
        Set<Integer> dropped = new LinkedHashSet<>();
        text.codePoints().forEach(cp -> {
            boolean foreignLetter = Character.isLetter(cp) && !scripts.contains(UnicodeScript.of(cp));
            boolean pictograph = Character.getType(cp) == Character.OTHER_SYMBOL;
            if (foreignLetter || pictograph) {
                dropped.add(cp);
            }
        });
        List<String> out = new ArrayList<>();
        for (int cp : dropped) {
            if (out.size() == MAX_LISTED) {
                out.add("and " + (dropped.size() - MAX_LISTED) + " more");
                break;
            }
            out.add(new String(Character.toChars(cp)) + String.format(Locale.ROOT, " U+%04X", cp));
        }
        return out;
    }
}
