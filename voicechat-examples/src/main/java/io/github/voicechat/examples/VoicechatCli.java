package io.github.voicechat.examples;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code voicechat} command line. */
@Command(name = "voicechat", mixinStandardHelpOptions = true, versionProvider = CliVersion.class,
        description = "In-process duplex voice: talk, speak, transcribe, detect speech, manage models.",
        subcommands = {TalkCommand.class, SpeakCommand.class, TranscribeCommand.class, EnginesCommand.class,
            LiveCommand.class, CommandLine.HelpCommand.class})
public final class VoicechatCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        CliExit.install();
        Platform.notice(Platform.current()).ifPresent(System.err::println);
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (tests call this; only main exits). */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** The whole command tree with its error handling, ready to execute. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new VoicechatCli());
        for (Class<?> optional : optionalCommands()) {
            try {
                cli.addSubcommand(optional.getDeclaredConstructor().newInstance());
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot create command " + optional.getName(), e);
            }
        }
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            commandLine.getErr().println("error: " + ex.getMessage());
            return 2;
        });
        return cli;
    }

    /** Commands contributed by other parts of the build (models, vad), if present. */
    private static Class<?>[] optionalCommands() {
        java.util.List<Class<?>> out = new java.util.ArrayList<>();
        for (String name : new String[] {"io.github.voicechat.examples.ModelsCommand",
            "io.github.voicechat.examples.VadCommand"}) {
            try {
                out.add(Class.forName(name));
            } catch (ClassNotFoundException e) {
                // not part of this build
            }
        }
        return out.toArray(new Class<?>[0]);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
