package io.github.voicechat.piper.internal;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Phonemes to the network's input ids, laid out as Piper's training data was (rhasspy/piper-phonemize
 * {@code phonemes_to_ids} with its defaults, and OHF-Voice/piper1-gpl {@code phoneme_ids.py}):
 * {@code BOS, PAD, (phoneme, PAD)*, EOS}. Phonemes missing from the map are skipped, as Piper skips them.
 *
 * <p>(The older rhasspy/piper {@code python_run/voice.py} omitted the PAD after BOS; the C++ runtime and the
 * training pre-processing both write it, so that layout is the one the voices saw.)
 */
public final class PhonemeIds {
    public static final String PAD = "_";
    public static final String BOS = "^";
    public static final String EOS = "$";

    private PhonemeIds() {
    }

    /**
     * @param missing told each phoneme that the map lacks (once per occurrence)
     */
    public static long[] toIds(List<String> phonemes, Map<String, long[]> idMap, Consumer<String> missing) {
        long[] pad = require(idMap, PAD);
        long[] bos = require(idMap, BOS);
        long[] eos = require(idMap, EOS);
        int n = bos.length + pad.length + eos.length;
        for (String p : phonemes) {
            long[] ids = idMap.get(p);
            if (ids != null) {
                n += ids.length + pad.length;
            }
        }
        long[] out = new long[n];
        int k = put(out, 0, bos);
        k = put(out, k, pad);
        for (String p : phonemes) {
            long[] ids = idMap.get(p);
            if (ids == null) {
                missing.accept(p);
                continue;
            }
            k = put(out, k, ids);
            k = put(out, k, pad);
        }
        put(out, k, eos);
        return out;
    }

    private static long[] require(Map<String, long[]> idMap, String symbol) {
        long[] ids = idMap.get(symbol);
        if (ids == null) {
            throw new IllegalArgumentException("phoneme_id_map lacks '" + symbol + "'");
        }
        return ids;
    }

    private static int put(long[] dst, int at, long[] src) {
        System.arraycopy(src, 0, dst, at, src.length);
        return at + src.length;
    }
}
