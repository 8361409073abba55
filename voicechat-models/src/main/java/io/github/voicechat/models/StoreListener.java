package io.github.voicechat.models;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/** Download progress and events of a {@link ModelStore}; called on the pulling thread or the HTTP client's threads. */
public interface StoreListener {
    /** Hears nothing. */
    StoreListener NONE = new StoreListener() {
    };

    /**
     * A file download (or resumption from {@code resumeFromBytes}) begins.
     *
     * @param modelId         the model
     * @param file            the catalog's description of the file
     * @param url             where it is fetched from
     * @param resumeFromBytes bytes already there from an earlier attempt, else 0
     */
    default void downloadStarted(String modelId, ModelFile file, URI url, long resumeFromBytes) {
    }

    /**
     * Bytes so far of the file.
     *
     * @param modelId    the model
     * @param file       the catalog's description of the file
     * @param bytesDone  bytes on disk so far, counting a resumed part
     * @param bytesTotal the file's size, or -1 when the server does not say
     */
    default void downloadProgress(String modelId, ModelFile file, long bytesDone, long bytesTotal) {
    }

    /**
     * The file is verified and in place.
     *
     * @param modelId the model
     * @param file    the catalog's description of the file
     * @param verifiedWith the published digest it matched; null for an unverified file the user accepted
     */
    default void downloadFinished(String modelId, ModelFile file, Digest verifiedWith) {
    }

    /**
     * This pull joined one already in progress for the same model, instead of downloading again.
     *
     * @param modelId the model
     */
    default void pullJoined(String modelId) {
    }

    /**
     * Another pull of the same model, in another process or through another store on the same home, holds the
     * model's lock ({@code lockFile}); this pull waits for it to end and then uses or resumes what it left.
     *
     * @param modelId the model
     * @param lockFile the lock the other pull holds
     */
    default void waitingForOtherPull(String modelId, Path lockFile) {
    }

    /**
     * Attempt {@code failedAttempt} of {@code maxAttempts} failed with {@code cause} (which names it and says what
     * kind of failure it was); the next attempt resumes after {@code delay}.
     *
     * @param modelId       the model
     * @param file          the catalog's description of the file
     * @param failedAttempt the attempt that failed, from 1
     * @param maxAttempts   the attempts allowed
     * @param delay         the wait before the next attempt
     * @param cause         the failure
     */
    default void downloadRetrying(String modelId, ModelFile file, int failedAttempt, int maxAttempts, Duration delay,
                                  ModelDownloadException cause) {
    }
}
