package io.github.voicechat.testkit;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Word error rate by Levenshtein distance over normalised words (lower case, punctuation dropped). */
public final class WordErrorRate {

    private WordErrorRate() {
    }

    /**
     * Lower-cases, drops punctuation and splits on whitespace.
     *
     * @param text any text
     * @return its words
     */
    public static List<String> words(String text) {
        String norm = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9' ]+", " ").strip();
        return norm.isEmpty() ? List.of() : Arrays.asList(norm.split("\\s+"));
    }

    /**
     * {@return the substitutions + deletions + insertions needed to turn the hypothesis into the reference}
     *
     * @param reference  the words said
     * @param hypothesis the words heard
     */
    public static int editDistance(List<String> reference, List<String> hypothesis) {
        int[] prev = new int[hypothesis.size() + 1];
        int[] cur = new int[hypothesis.size() + 1];
        for (int j = 0; j <= hypothesis.size(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= reference.size(); i++) {
            cur[0] = i;
            for (int j = 1; j <= hypothesis.size(); j++) {
                int sub = prev[j - 1] + (reference.get(i - 1).equals(hypothesis.get(j - 1)) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[hypothesis.size()];
    }

    /**
     * {@return the word error rate of one pair; 0 when both are empty, 1 per inserted word when the reference is empty}
     *
     * @param reference  the text said
     * @param hypothesis the text heard
     */
    public static double of(String reference, String hypothesis) {
        List<String> ref = words(reference);
        List<String> hyp = words(hypothesis);
        if (ref.isEmpty()) {
            return hyp.size();
        }
        return (double) editDistance(ref, hyp) / ref.size();
    }
}
