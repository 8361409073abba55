/**
 * Micrometer meters for voicechat's sessions, engines and models. Micrometer's jar has no module descriptor but
 * declares {@code Automatic-Module-Name: micrometer.core}.
 */
module io.github.voicechat.micrometer {
    requires transitive io.github.voicechat.core;
    // Optional (ModelManagerMetrics only): an application that binds a ModelManager has voicechat-models already.
    requires static io.github.voicechat.models;
    requires transitive micrometer.core;

    exports io.github.voicechat.micrometer;
}
