package io.github.voicechat.examples;

import io.github.voicechat.spi.EngineProvider;
import io.github.voicechat.spi.Engines;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code voicechat engines}: what is on the class path and whether it can run now. */
@Command(name = "engines", mixinStandardHelpOptions = true, description = "List the engines available.")
final class EnginesCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        System.out.printf("%-24s %-22s %-8s %-9s %s%n", "ID", "KIND", "RATE", "STATUS", "DESCRIPTION");
        for (EngineProvider<?> p : Engines.all()) {
            String status = p.unavailableReason().map(r -> "missing").orElse("ready");
            System.out.printf("%-24s %-22s %-8d %-9s %s%n", p.id(), p.engineType().getSimpleName(),
                    p.capabilities().sampleRateHz(), status,
                    p.unavailableReason().map(r -> p.description() + " (" + r + ")").orElse(p.description()));
        }
        return 0;
    }
}
