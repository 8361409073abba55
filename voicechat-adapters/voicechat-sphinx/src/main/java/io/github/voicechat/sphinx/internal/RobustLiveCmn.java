package io.github.voicechat.sphinx.internal;

import edu.cmu.sphinx.frontend.BaseDataProcessor;
import edu.cmu.sphinx.frontend.Data;
import edu.cmu.sphinx.frontend.DataEndSignal;
import edu.cmu.sphinx.frontend.DataProcessingException;
import edu.cmu.sphinx.frontend.DoubleData;
import edu.cmu.sphinx.frontend.endpoint.SpeechEndSignal;
import edu.cmu.sphinx.util.props.PropertyException;
import edu.cmu.sphinx.util.props.PropertySheet;
import edu.cmu.sphinx.util.props.S4Integer;
import java.util.ArrayDeque;

/**
 * Live cepstral mean normalisation, as Sphinx4's {@code LiveCMN}, that survives an utterance without speech.
 *
 * <p>{@code LiveCMN} estimates its first mean from the first 200 frames it sees, once per recognizer. When the
 * first utterance holds no speech (Sphinx's endpointer drops every frame), it ends up with no estimate and throws a
 * {@code NullPointerException} on every later frame: the recognizer is broken for good. Here the first estimate is
 * made from the first frames that actually arrive, whenever that is; until then signals pass through untouched.
 *
 * <p>As in {@code LiveCMN}, the estimate then carries over from one utterance to the next (a running mean over about
 * the last second of speech), which suits one microphone in one conversation. Same properties; the windows default
 * to 100 and 160 frames, not the 300 and 400 that this Sphinx release's {@code LiveCMN} declares: measured on
 * ../shared/speech at the shipped beam, 300/400 make 19 errors in 84 words where 100/160 make 16 (module README).
 */
public class RobustLiveCmn extends BaseDataProcessor {

    @S4Integer(defaultValue = 200)
    public static final String PROP_INITIAL_CMN_WINDOW = "initialCmnWindow";
    @S4Integer(defaultValue = 100)
    public static final String PROP_CMN_WINDOW = "cmnWindow";
    @S4Integer(defaultValue = 160)
    public static final String PROP_CMN_SHIFT_WINDOW = "shiftWindow";

    private int initialCmnWindow = 200;
    private int cmnWindow = 100;
    private int cmnShiftWindow = 160;

    private final ArrayDeque<Data> pending = new ArrayDeque<>();
    private double[] currentMean;
    private double[] sum;
    private int numberFrame;

    @Override
    public void newProperties(PropertySheet ps) throws PropertyException {
        super.newProperties(ps);
        initialCmnWindow = ps.getInt(PROP_INITIAL_CMN_WINDOW);
        cmnWindow = ps.getInt(PROP_CMN_WINDOW);
        cmnShiftWindow = ps.getInt(PROP_CMN_SHIFT_WINDOW);
    }

    @Override
    public Data getData() throws DataProcessingException {
        if (!pending.isEmpty()) {
            return normalize(pending.poll());
        }
        if (currentMean != null) {
            return normalize(getPredecessor().getData());
        }
        int frames = 0;
        while (true) {
            Data d = getPredecessor().getData();
            if (d == null) {
                break;
            }
            pending.add(d);
            if (d instanceof DoubleData) {
                if (++frames >= initialCmnWindow) {
                    break;
                }
            } else if (d instanceof SpeechEndSignal || d instanceof DataEndSignal) {
                break;
            }
        }
        if (frames > 0) {
            initialise();
        }
        return pending.isEmpty() ? null : normalize(pending.poll());
    }

    private void initialise() {
        for (Data d : pending) {
            if (d instanceof DoubleData dd) {
                double[] c = dd.getValues();
                if (sum == null) {
                    sum = new double[c.length];
                }
                for (int j = 0; j < c.length; j++) {
                    sum[j] += c[j];
                }
                numberFrame++;
            }
        }
        currentMean = new double[sum.length];
        for (int j = 0; j < sum.length; j++) {
            currentMean[j] = sum[j] / numberFrame;
        }
    }

    /**
     * Forgets the estimate, as if no frame had been seen: the next utterance starts as on a freshly allocated
     * recognizer. Used after the warm-up decode, whose synthetic audio must not shape the first real utterance.
     */
    public void reset() {
        pending.clear();
        currentMean = null;
        sum = null;
        numberFrame = 0;
    }

    private Data normalize(Data data) {
        if (!(data instanceof DoubleData dd) || currentMean == null) {
            return data;
        }
        double[] c = dd.getValues();
        if (c.length != sum.length) {
            throw new DataProcessingException("cepstrum of " + c.length + " values, expected " + sum.length);
        }
        for (int j = 0; j < c.length; j++) {
            sum[j] += c[j];
            c[j] -= currentMean[j];
        }
        numberFrame++;
        if (numberFrame > cmnShiftWindow) {
            double sf = 1.0 / numberFrame;
            for (int j = 0; j < sum.length; j++) {
                currentMean[j] = sum[j] * sf;
                sum[j] *= sf * cmnWindow;
            }
            numberFrame = cmnWindow;
        }
        return data;
    }
}
