package io.github.voicechat.models;

import java.util.List;

/** No catalog entry has that id; {@link #nearestIds()} are the closest ids by edit distance. */
public final class UnknownModelException extends ModelException {
    private static final long serialVersionUID = 1L;

    /** The closest known ids. */
    private final List<String> nearestIds;

    /**
     * An unknown id.
     *
     * @param modelId    the id asked for
     * @param nearestIds the closest known ids, nearest first
     */
    public UnknownModelException(String modelId, List<String> nearestIds) {
        super(modelId, "unknown model id '" + modelId + "'"
                + (nearestIds.isEmpty() ? "" : "; did you mean " + String.join(", ", nearestIds) + "?")
                + " (voicechat models list shows every id)");
        this.nearestIds = List.copyOf(nearestIds);
    }

    /** {@return the closest known ids, nearest first} */
    public List<String> nearestIds() {
        return nearestIds;
    }
}
