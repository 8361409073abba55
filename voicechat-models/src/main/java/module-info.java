/**
 * Model files for voicechat's engines: the catalog, {@link io.github.voicechat.models.ModelStore} (verified
 * downloads, atomic installs) and {@link io.github.voicechat.models.ModelManager} (sharing, warm-up, eviction).
 * {@code io.github.voicechat.models.internal} (downloads, archives, digests) is not exported.
 */
module io.github.voicechat.models {
    requires transitive io.github.voicechat.core;
    requires org.slf4j;
    requires java.net.http; // the downloads
    requires com.fasterxml.jackson.databind;
    requires org.apache.commons.compress;

    exports io.github.voicechat.models;

    // Engine adapters (Whisper, Piper) provide their loaders.
    uses io.github.voicechat.models.ModelLoader;
}
