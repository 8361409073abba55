package io.github.voicechat.examples;

import io.github.voicechat.TurnPolicy;
import io.github.voicechat.spi.EngineOption;
import io.github.voicechat.spi.EngineProvider;
import io.github.voicechat.spi.Engines;
import io.github.voicechat.vad.SpeechSegmenter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code voicechat engines}: what is on the class path and whether it can run now. */
@Command(name = "engines", mixinStandardHelpOptions = true, description = "List the engines available.")
final class EnginesCommand implements Callable<Integer> {

    @Option(names = "--json", description = "Print one JSON object (shape in the README) instead of a table; it always"
            + " holds every engine's options.")
    boolean json;

    @Option(names = "--options", description = "Also list the options each engine takes (key=values (default):"
            + " meaning), and those of turn-taking and of the vad command's segmenter.")
    boolean options;

    /** The {@code --json} output: the engines, and the options of the turn policy and of the vad command's segmenter. */
    record Result(List<Engine> engines, List<Opt> turnPolicyOptions, List<Opt> segmenterOptions) {
    }

    /** One provider: {@code status} is {@code ready} or {@code missing}, with the {@code reason} when missing. */
    record Engine(String id, String kind, int sampleRateHz, String status, String reason, String description,
            List<Opt> options) {
    }

    /**
     * One option: {@code values} in words ({@code integer 1..16}, {@code auto|cpu|cuda}); {@code default_value} null
     * when the engine decides.
     */
    record Opt(String key, String values, Object defaultValue, String description) {

        static List<Opt> of(List<EngineOption<?>> options) {
            return options.stream().map(o -> new Opt(o.key(), o.values(), o.defaultValue()
                    .map(v -> v instanceof Enum<?> e ? e.name().toLowerCase(Locale.ROOT) : v).orElse(null),
                    o.description())).toList();
        }
    }

    @Override
    public Integer call() {
        List<EngineProvider<?>> providers = Engines.all();
        List<Engine> engines = new ArrayList<>();
        for (EngineProvider<?> p : providers) {
            String reason = p.unavailableReason().orElse(null);
            engines.add(new Engine(p.id(), p.engineType().getSimpleName(), p.capabilities().sampleRateHz(),
                    reason == null ? "ready" : "missing", reason, p.description(), Opt.of(p.options())));
        }
        if (json) {
            CliJson.print(System.out, new Result(engines, Opt.of(TurnPolicy.OPTIONS), Opt.of(SpeechSegmenter.OPTIONS)));
            return ExitCode.OK;
        }
        System.out.printf("%-24s %-22s %-8s %-9s %s%n", "ID", "KIND", "RATE", "STATUS", "DESCRIPTION");
        for (int i = 0; i < engines.size(); i++) {
            Engine e = engines.get(i);
            System.out.printf("%-24s %-22s %-8d %-9s %s%n", e.id(), e.kind(), e.sampleRateHz(), e.status(),
                    e.reason() == null ? e.description() : e.description() + " (" + e.reason() + ")");
            if (options) {
                print(providers.get(i).options());
            }
        }
        if (options) {
            System.out.println();
            System.out.println("turn-taking (--vad-option of talk and live):");
            print(TurnPolicy.OPTIONS);
            System.out.println("speech segmenter (-o of vad):");
            print(SpeechSegmenter.OPTIONS);
        }
        return ExitCode.OK;
    }

    private static void print(List<EngineOption<?>> options) {
        if (options.isEmpty()) {
            System.out.println("    (no options)");
        }
        for (String line : EngineOption.describe(options)) {
            System.out.println("    " + line);
        }
    }
}
