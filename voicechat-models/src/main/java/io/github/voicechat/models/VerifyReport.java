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
    public VerifyReport {
        files = List.copyOf(files);
    }

    /**
     * @param path   file path relative to the model folder
     * @param ok     whether it matched
     * @param detail what was compared ({@code sha256 ok}, or expected and actual values)
     */
    public record FileCheck(String path, boolean ok, String detail) {
    }

    public boolean installed() {
        return location != null;
    }

    public boolean ok() {
        return installed() && files.stream().allMatch(FileCheck::ok);
    }
}
