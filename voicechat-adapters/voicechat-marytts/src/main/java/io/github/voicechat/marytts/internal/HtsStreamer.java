package io.github.voicechat.marytts.internal;

import java.util.ArrayList;
import java.util.List;
import marytts.features.FeatureRegistry;
import marytts.features.TargetFeatureComputer;
import marytts.htsengine.HMMData;
import marytts.htsengine.HTSParameterGeneration;
import marytts.htsengine.HTSUttModel;
import marytts.htsengine.HTSVocoder;
import marytts.modules.HTSEngine;
import marytts.htsengine.HMMVoice;
import marytts.unitselection.select.Target;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The last step of MaryTTS's HMM synthesis (what {@code HMMSynthesizer} and {@code HTSEngine} do from ACOUSTPARAMS
 * to audio), redone so that it streams on the calling thread and stops at once when cancelled.
 *
 * <p>MaryTTS's own {@code HTSVocoder.htsMLSAVocoder(pdf2par, data)} starts a thread per sentence that pushes each
 * sample into a 1024-slot blocking queue behind the returned {@code AudioInputStream}: a reader that stops early
 * (a cancel) leaves that thread blocked forever. Here the same vocoder loop hands its samples to a producer whose
 * {@code putOneDataPoint} we override; it is never started as a thread. The samples are scaled as MaryTTS's
 * {@code AmplitudeNormalizer(17000)} scales them (a running maximum per block), which maps them to [-1, 1].
 *
 * <p>It also knows where each phone ends in the audio, in samples: the frames of each HTS model times the frame
 * period. One instance per synthesizer ({@code HTSEngine} keeps per-call state in fields).
 */
public final class HtsStreamer {

    /** Where the audio goes, in blocks; return {@code false} to stop. */
    public interface Output {
        boolean audio(float[] samples, int length);
    }

    /** What {@link #plan} works out for one sentence before any audio exists. */
    public static final class Plan {
        final HTSParameterGeneration parameters;
        final long[] unitEndSample;

        Plan(HTSParameterGeneration parameters, long[] unitEndSample) {
            this.parameters = parameters;
            this.unitEndSample = unitEndSample;
        }

        /**
         * For each top-level token of the document (a {@code t}, or an {@code mtu} that MaryTTS made of one input
         * token, e.g. "123" or "Dr."), the sample at which its last phone ends, or -1 when it has no phone.
         */
        public long[] unitEndSample() {
            return unitEndSample.clone();
        }
    }

    private static final int BLOCK_SAMPLES = 960;
    private static final double INITIAL_MAX_AMPLITUDE = 17000.0;

    private final HMMVoice voice;
    private final marytts.modules.TargetFeatureLister featureLister;
    private final ModelEngine engine = new ModelEngine();
    private final float[] block = new float[BLOCK_SAMPLES];
    private final double[] raw = new double[BLOCK_SAMPLES];

    public HtsStreamer(HMMVoice voice, marytts.modules.TargetFeatureLister featureLister) {
        this.voice = voice;
        this.featureLister = featureLister;
    }

    public int sampleRateHz() {
        return voice.getHMMData().getRate();
    }

    /** Acoustic models and parameters of the sentence in {@code acoustparams}; {@code null} if it has no phone. */
    public Plan plan(Document acoustparams) throws Exception {
        List<Element> segments = new ArrayList<>();
        List<Element> units = new ArrayList<>();
        NodeList all = acoustparams.getElementsByTagNameNS("*", "*");
        for (int i = 0; i < all.getLength(); i++) {
            Element e = (Element) all.item(i);
            String name = e.getLocalName();
            if ("ph".equals(name) || "boundary".equals(name)) {
                segments.add(e);
            } else if (("t".equals(name) || "mtu".equals(name)) && ancestor(e, "mtu") == null) {
                units.add(e);
            }
        }
        boolean hasPhone = segments.stream().anyMatch(e -> "ph".equals(e.getLocalName()));
        if (!hasPhone) {
            return null;
        }
        HMMData data = voice.getHMMData();
        TargetFeatureComputer computer = FeatureRegistry.getTargetFeatureComputer(voice,
                data.getFeatureDefinition().getFeatureNames());
        // may append a final pause boundary to segments: one target per segment afterwards
        List<Target> targets = featureLister.getListTargetFeatures(computer, segments);
        HTSUttModel model = engine.model(targets, segments, data);
        HTSParameterGeneration parameters = new HTSParameterGeneration();
        parameters.htsMaximumLikelihoodParameterGeneration(model, data);

        int framePeriod = data.getFperiod();
        long[] unitEnd = new long[units.size()];
        java.util.Arrays.fill(unitEnd, -1);
        long frames = 0;
        for (int i = 0; i < model.getNumUttModel(); i++) {
            frames += model.getUttModel(i).getTotalDur();
            Element seg = segments.get(i);
            if ("ph".equals(seg.getLocalName())) {
                Element unit = ancestor(seg, "mtu");
                if (unit == null) {
                    unit = ancestor(seg, "t");
                }
                int u = units.indexOf(unit);
                if (u >= 0) {
                    unitEnd[u] = frames * framePeriod;
                }
            }
        }
        return new Plan(parameters, unitEnd);
    }

    /**
     * Vocodes a planned sentence into {@code out} in blocks of 20 ms (at 48 kHz).
     *
     * @return {@code false} if {@code out} stopped it
     */
    public boolean vocode(Plan plan, Output out) throws Exception {
        Vocoder vocoder = new Vocoder();
        Vocoder.Producer producer = vocoder.new Producer(plan.parameters, voice.getHMMData(), out);
        HTSParameterGeneration p = plan.parameters;
        try {
            vocoder.htsMLSAVocoder(p.getlf0Pst(), p.getMcepPst(), p.getStrPst(), p.getMagPst(), p.getVoicedArray(),
                    voice.getHMMData(), producer);
        } catch (Stop stop) {
            return false;
        }
        return producer.flush();
    }

    private static Element ancestor(Node n, String localName) {
        for (Node p = n.getParentNode(); p != null; p = p.getParentNode()) {
            if (p instanceof Element && localName.equals(p.getLocalName())) {
                return (Element) p;
            }
        }
        return null;
    }

    /** Thrown through MaryTTS's vocoder loop when the output stops: the only way out of it mid-sentence. */
    private static final class Stop extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stop() {
            super(null, null, false, false);
        }
    }

    /** Exposes {@code HTSEngine.processTargetList}, which is protected. */
    private static final class ModelEngine extends HTSEngine {
        HTSUttModel model(List<Target> targets, List<Element> segments, HMMData data) throws Exception {
            return processTargetList(targets, segments, data);
        }
    }

    /** MaryTTS's vocoder, with a producer that is a plain callback on this thread instead of a thread. */
    private final class Vocoder extends HTSVocoder {
        final class Producer extends HTSVocoderDataProducer {
            private final Output out;
            private int n;
            private double max = INITIAL_MAX_AMPLITUDE;

            Producer(HTSParameterGeneration parameters, HMMData data, Output out) {
                super(0, parameters, data);
                this.out = out;
            }

            @Override
            public void putOneDataPoint(double value) {
                raw[n++] = value;
                if (n == BLOCK_SAMPLES && !flush()) {
                    throw new Stop();
                }
            }

            boolean flush() {
                if (n == 0) {
                    return true;
                }
                for (int i = 0; i < n; i++) {
                    max = Math.max(max, Math.abs(raw[i]));
                }
                for (int i = 0; i < n; i++) {
                    block[i] = (float) (raw[i] / max);
                }
                int length = n;
                n = 0;
                return out.audio(block, length);
            }
        }
    }
}
