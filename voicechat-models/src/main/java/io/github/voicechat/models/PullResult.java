package io.github.voicechat.models;

import java.util.List;

/**
 * Outcome of {@link ModelStore#pull}.
 *
 * @param model      the installed model
 * @param downloaded catalog file paths fetched by this pull (empty when it was already there or joined another)
 * @param joined     whether this call waited for a pull of the same model already in progress
 */
public record PullResult(ResolvedModel model, List<String> downloaded, boolean joined) {
    /**
     * Copies the list.
     *
     * @param model      the installed model
     * @param downloaded catalog file paths fetched by this pull (empty when it was already there or joined another)
     * @param joined     whether this call waited for a pull of the same model already in progress
     */
    public PullResult {
        downloaded = List.copyOf(downloaded);
    }
}
