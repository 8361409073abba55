package io.github.voicechat.models;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/** Download progress and events of a {@link ModelStore}; called on the pulling thread or the HTTP client's threads. */
public interface StoreListener {
    StoreListener NONE = new StoreListener() {
    };

    /** A file download (or resumption from {@code resumeFromBytes}) begins. */
    default void downloadStarted(String modelId, ModelFile file, URI url, long resumeFromBytes) {
    }

    /** Bytes so far of the file, and its total or -1 when the server does not say. */
    default void downloadProgress(String modelId, ModelFile file, long bytesDone, long bytesTotal) {
    }

    /** The file is verified ({@code verifiedWith} is null for an unverified file the user accepted) and in place. */
    default void downloadFinished(String modelId, ModelFile file, Digest verifiedWith) {
    }

    /** This pull joined one already in progress for the same model, instead of downloading again. */
    default void pullJoined(String modelId) {
    }

    /**
     * Another pull of the same model, in another process or through another store on the same home, holds the
     * model's lock ({@code lockFile}); this pull waits for it to end and then uses or resumes what it left.
     */
    default void waitingForOtherPull(String modelId, Path lockFile) {
    }

    /**
     * Attempt {@code failedAttempt} of {@code maxAttempts} failed with {@code cause} (which names it and says what
     * kind of failure it was); the next attempt resumes after {@code delay}.
     */
    default void downloadRetrying(String modelId, ModelFile file, int failedAttempt, int maxAttempts, Duration delay,
                                  ModelDownloadException cause) {
    }
}
