package io.github.voicechat.examples;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code voicechat} command line. */
@Command(name = "voicechat", mixinStandardHelpOptions = true, version = "voicechat 0.1.0",
        description = "In-process duplex voice: talk, speak, transcribe, detect speech, serve the web page, manage models.",
        subcommands = {TalkCommand.class, SpeakCommand.class, TranscribeCommand.class, EnginesCommand.class,
            LiveCommand.class, ServeCommand.class, CommandLine.HelpCommand.class})
public final class VoicechatCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (tests call this; only main exits). */
    public static int run(String... args) {
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
        return cli.execute(args);
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
