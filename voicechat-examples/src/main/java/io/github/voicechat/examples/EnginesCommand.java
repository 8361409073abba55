package io.github.voicechat.examples;

import io.github.voicechat.TurnPolicy;
import io.github.voicechat.spi.EngineOption;
import io.github.voicechat.spi.EngineProvider;
import io.github.voicechat.spi.Engines;
import io.github.voicechat.vad.SpeechSegmenter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code voicechat engines}: what is on the class path and whether it can run now. */
@Command(name = "engines", mixinStandardHelpOptions = true, description = "List the engines available.")
final class EnginesCommand implements Callable<Integer> {

    @Option(names = "--options", description = "Also list the options each engine takes (key=values (default):"
            + " meaning), and those of turn-taking and of the vad command's segmenter.")
    boolean options;

    @Override
    public Integer call() {
        System.out.printf("%-24s %-22s %-8s %-9s %s%n", "ID", "KIND", "RATE", "STATUS", "DESCRIPTION");
        for (EngineProvider<?> p : Engines.all()) {
            String status = p.unavailableReason().map(r -> "missing").orElse("ready");
            System.out.printf("%-24s %-22s %-8d %-9s %s%n", p.id(), p.engineType().getSimpleName(),
                    p.capabilities().sampleRateHz(), status,
                    p.unavailableReason().map(r -> p.description() + " (" + r + ")").orElse(p.description()));
            if (options) {
                print(p.options());
            }
        }
        if (options) {
            System.out.println();
            System.out.println("turn-taking (--vad-option of talk and live):");
            print(TurnPolicy.OPTIONS);
            System.out.println("speech segmenter (-o of vad):");
            print(SpeechSegmenter.OPTIONS);
        }
        return 0;
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
