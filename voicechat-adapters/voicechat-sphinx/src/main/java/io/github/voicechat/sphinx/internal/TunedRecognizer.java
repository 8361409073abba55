package io.github.voicechat.sphinx.internal;

import edu.cmu.sphinx.api.AbstractSpeechRecognizer;
import edu.cmu.sphinx.api.Context;
import edu.cmu.sphinx.frontend.util.StreamDataSource;
import edu.cmu.sphinx.recognizer.Recognizer;
import java.io.IOException;

/**
 * Sphinx4's recognizer built from our own configuration: the {@link Context}-taking constructor of
 * {@link AbstractSpeechRecognizer} is protected, so this subclass exists to reach it, and to expose the recognizer
 * and data source so one stream can be kept open across utterances.
 */
public final class TunedRecognizer extends AbstractSpeechRecognizer {

    public TunedRecognizer(Context context) throws IOException {
        super(context);
    }

    public Recognizer recognizer() {
        return recognizer;
    }

    public RobustLiveCmn cmn() {
        return context.getInstance(RobustLiveCmn.class);
    }

    public StreamDataSource dataSource() {
        return context.getInstance(StreamDataSource.class);
    }
}
