package io.github.voicechat.examples;

import io.github.voicechat.spi.EngineProvider;
import io.github.voicechat.spi.Engines;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code voicechat engines}: what is on the class path and whether it can run now. */
@Command(name = "engines", mixinStandardHelpOptions = true, description = "List the engines available.")
final class EnginesCommand implements Callable<Integer> {

    @Option(names = "--json", description = "Print one JSON object (shape in the README) instead of a table.")
    boolean json;

    /** The {@code --json} output. */
    record Result(List<Engine> engines) {
    }

    /** One provider: {@code status} is {@code ready} or {@code missing}, with the {@code reason} when missing. */
    record Engine(String id, String kind, int sampleRateHz, String status, String reason, String description) {
    }

    @Override
    public Integer call() {
        List<Engine> engines = new ArrayList<>();
        for (EngineProvider<?> p : Engines.all()) {
            String reason = p.unavailableReason().orElse(null);
            engines.add(new Engine(p.id(), p.engineType().getSimpleName(), p.capabilities().sampleRateHz(),
                    reason == null ? "ready" : "missing", reason, p.description()));
        }
        if (json) {
            CliJson.print(System.out, new Result(engines));
            return ExitCode.OK;
        }
        System.out.printf("%-24s %-22s %-8s %-9s %s%n", "ID", "KIND", "RATE", "STATUS", "DESCRIPTION");
        for (Engine e : engines) {
            System.out.printf("%-24s %-22s %-8d %-9s %s%n", e.id(), e.kind(), e.sampleRateHz(), e.status(),
                    e.reason() == null ? e.description() : e.description() + " (" + e.reason() + ")");
        }
        return ExitCode.OK;
    }
}
