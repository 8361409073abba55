package io.github.voicechat.models;

import java.util.List;

/** The publisher states no digest for some files; pulling them needs {@code --allow-unverified}. */
public final class UnverifiedModelException extends ModelException {
    private static final long serialVersionUID = 1L;

    /**
     * A refusal to install unverified files.
     *
     * @param modelId the model
     * @param files   the files without a published digest
     */
    public UnverifiedModelException(String modelId, List<String> files) {
        super(modelId, "model " + modelId + " has no published digest for " + String.join(", ", files)
                + "; refusing to install unverified files (pass --allow-unverified to accept them)");
    }
}
