package io.github.voicechat.models;

import java.util.List;

/** No catalog entry has that id; {@link #nearestIds()} are the closest ids by edit distance. */
public final class UnknownModelException extends ModelException {
    private static final long serialVersionUID = 1L;

    private final List<String> nearestIds;

    public UnknownModelException(String modelId, List<String> nearestIds) {
        super(modelId, "unknown model id '" + modelId + "'"
                + (nearestIds.isEmpty() ? "" : "; did you mean " + String.join(", ", nearestIds) + "?")
                + " (voicechat models list shows every id)");
        this.nearestIds = List.copyOf(nearestIds);
    }

    public List<String> nearestIds() {
        return nearestIds;
    }
}
