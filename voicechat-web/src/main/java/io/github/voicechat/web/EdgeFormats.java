package io.github.voicechat.web;

import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * The audio a transport carries: the input and output rates a client may ask for in its hello, and the frame length.
 * Inbound audio messages hold whole frames of PCM16LE mono; outbound messages hold exactly one.
 *
 * @param inRatesHz  rates a client may send at
 * @param outRatesHz rates a client may ask to receive
 * @param frameMs    frame length in milliseconds
 */
public record EdgeFormats(Set<Integer> inRatesHz, Set<Integer> outRatesHz, int frameMs) {

    /** WebSocket protocol v1: 16 kHz in; 16, 24 or 48 kHz out; 20 ms frames. */
    public static final EdgeFormats WEBSOCKET_V1 = new EdgeFormats(Set.of(16_000), Set.of(16_000, 24_000, 48_000), 20);

    /**
     * Checks the formats: at least one rate each way, 10 or 20 ms frames, and whole samples in a frame at every rate.
     *
     * @param inRatesHz  rates a client may send at
     * @param outRatesHz rates a client may ask to receive
     * @param frameMs    frame length in milliseconds
     */
    public EdgeFormats {
        inRatesHz = Collections.unmodifiableSortedSet(new TreeSet<>(inRatesHz)); // sorted: error messages list them in order
        outRatesHz = Collections.unmodifiableSortedSet(new TreeSet<>(outRatesHz));
        if (inRatesHz.isEmpty() || outRatesHz.isEmpty()) {
            throw new IllegalArgumentException("an edge needs at least one input and one output rate");
        }
        if (frameMs != 10 && frameMs != 20) {
            throw new IllegalArgumentException("frames must be 10 or 20 ms, was " + frameMs);
        }
        for (int r : inRatesHz) {
            requireWholeFrames(r, frameMs);
        }
        for (int r : outRatesHz) {
            requireWholeFrames(r, frameMs);
        }
    }

    private static void requireWholeFrames(int rateHz, int frameMs) {
        if (rateHz <= 0 || rateHz * frameMs % 1000 != 0) {
            throw new IllegalArgumentException(rateHz + " Hz does not divide into " + frameMs + " ms frames");
        }
    }

    /**
     * Samples in one frame at {@code rateHz}.
     *
     * @param rateHz the sample rate
     * @return samples in one frame at that rate
     */
    public int frameSamples(int rateHz) {
        return rateHz * frameMs / 1000;
    }

    /** {@return the default output rate: 48 kHz when allowed, else the highest allowed} */
    public int defaultOutRateHz() {
        return outRatesHz.contains(48_000) ? 48_000 : new TreeSet<>(outRatesHz).last();
    }

    /** {@return the default input rate: 16 kHz when allowed, else the lowest allowed} */
    public int defaultInRateHz() {
        return inRatesHz.contains(16_000) ? 16_000 : new TreeSet<>(inRatesHz).first();
    }
}
