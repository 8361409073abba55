package io.github.voicechat.models;

import java.util.List;

/** The model is in the catalog but not available here (and cannot be fetched now: offline, or no URL). */
public final class ModelNotInstalledException extends ModelException {
    private static final long serialVersionUID = 1L;

    /** Where the store looked, in order. */
    private final List<String> searched;

    /**
     * A missing model.
     *
     * @param modelId  the model
     * @param reason   why it cannot be fetched now
     * @param searched where the store looked, in order
     */
    public ModelNotInstalledException(String modelId, String reason, List<String> searched) {
        super(modelId, "model " + modelId + " is not installed: " + reason + "; looked in " + String.join(", ", searched)
                + "; run: voicechat models pull " + modelId);
        this.searched = List.copyOf(searched);
    }

    /** {@return where the store looked, in order} */
    public List<String> searched() {
        return searched;
    }
}
