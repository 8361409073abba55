package io.github.voicechat.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.voicechat.spi.EngineOption;
import io.github.voicechat.spi.EngineProvider;
import io.github.voicechat.spi.Engines;
import io.github.voicechat.testkit.EngineOptionChecks;
import io.github.voicechat.testkit.EngineOptionChecks.BadOption;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every engine on the command line's class path refuses an unknown option key (naming the valid ones), and an
 * ill-typed or out-of-range value of each option it declares, before it builds anything: issue 16 found Sphinx,
 * FreeTTS and Piper ignoring unknown keys and Silero starting 25,000 threads for {@code threads=100000}.
 */
class EngineOptionsContractTest {

    static List<BadOption> badOptions() {
        return EngineOptionChecks.badOptions(Engines.all());
    }

    @Test
    void everyEngineFamilyIsCovered() {
        Set<String> ids = Engines.all().stream().map(EngineProvider::id).collect(Collectors.toSet());
        assertThat(ids).contains("silero-vad-v6", "silero-vad-v5", "webrtc-vad", "webrtc-aec", "sphinx-en-us",
                "freetts-kevin16", "whisper-base.en", "piper-en_US-lessac-medium");
        // The adapters' engines all read options, so each declares some; an engine that reads none declares none
        // and refuses every key. Each declared option has values it refuses.
        for (EngineProvider<?> p : Engines.all()) {
            String family = p.id().substring(0, p.id().indexOf('-') + 1);
            if (Set.of("silero-", "webrtc-", "sphinx-", "freetts-", "whisper-", "piper-").contains(family)) {
                assertThat(p.options()).as(p.id()).isNotEmpty();
            }
            for (EngineOption<?> o : p.options()) {
                assertThat(o.refusedExamples()).as(p.id() + " " + o.key()).isNotEmpty();
            }
        }
        assertThat(Engines.find(io.github.voicechat.spi.VoiceActivityDetector.class, "silero").options())
                .extracting(EngineOption::values).contains("integer 1..16");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badOptions")
    void isRefusedBeforeTheEngineIsBuilt(BadOption bad) {
        String message = EngineOptionChecks.assertRefused(bad);
        assertThat(message).contains(bad.provider().id());
    }
}
