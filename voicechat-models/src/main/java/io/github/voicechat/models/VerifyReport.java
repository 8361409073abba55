package io.github.voicechat.models;

import java.util.List;

/**
 * Result of re-hashing a model's files ({@code voicechat models verify}).
 *
 * @param modelId  the model
 * @param location where its files are; null when it is not installed
 * @param files    one check per file
 */
public record VerifyReport(String modelId, ResolvedModel.Location location, List<FileCheck> files) {
    /**
     * Copies the list.
     *
     * @param modelId  the model
     * @param location where its files are; null when it is not installed
     * @param files    one check per file
     */
    public VerifyReport {
        files = List.copyOf(files);
    }

    /**
     * The check of one file.
     *
     * @param path   file path relative to the model folder
     * @param ok     whether it matched
     * @param detail what was compared ({@code sha256 ok}, or expected and actual values)
     */
    public record FileCheck(String path, boolean ok, String detail) {
    }

    /** {@return whether the model was found at all} */
    public boolean installed() {
        return location != null;
    }

    /** {@return whether it is installed and every file matched} */
    public boolean ok() {
        return installed() && files.stream().allMatch(FileCheck::ok);
    }
}
