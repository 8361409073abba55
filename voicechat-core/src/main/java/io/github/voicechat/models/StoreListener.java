package io.github.voicechat.models;

import java.net.URI;

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
}
