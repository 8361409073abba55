package io.github.voicechat.examples;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code voicechat} command line. */
@Command(name = "voicechat", mixinStandardHelpOptions = true, versionProvider = CliVersion.class,
        description = "In-process duplex voice: talk, speak, transcribe, detect speech, serve the web page, manage models.",
        subcommands = {TalkCommand.class, SpeakCommand.class, TranscribeCommand.class, EnginesCommand.class,
            LiveCommand.class, ServeCommand.class, CommandLine.HelpCommand.class})
public final class VoicechatCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The session core's logger: its failures reach the user as the command's own one-line error. */
    static final String SESSION_LOG = "org.slf4j.simpleLogger.log.io.github.voicechat.internal.session";

    public static void main(String[] args) {
        // A session that fails (a full disk under --out) is reported by the command from its end reason, in one line;
        // the session's own ERROR log would add a stack trace to it. -D<SESSION_LOG>=warn brings that log back.
        if (System.getProperty(SESSION_LOG) == null) {
            System.setProperty(SESSION_LOG, "off");
        }
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
        // "@FILE" is an option value of ours (--system @prompt.txt), not one of picocli's argument files.
        cli.setExpandAtFiles(false);
        for (Class<?> optional : optionalCommands()) {
            try {
                cli.addSubcommand(optional.getDeclaredConstructor().newInstance());
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot create command " + optional.getName(), e);
            }
        }
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            System.out.flush();
            commandLine.getErr().println("error: " + message(ex));
            commandLine.getErr().flush();
            return exitCode(ex);
        });
        footer(cli);
        return cli;
    }

    /** Every command's help ends with the exit codes. */
    private static void footer(CommandLine cli) {
        cli.getCommandSpec().usageMessage().footer(ExitCode.HELP);
        cli.getSubcommands().values().forEach(VoicechatCli::footer);
    }

    /** The exit code for what a command threw (see {@link ExitCode}). */
    static int exitCode(Exception ex) {
        if (ex instanceof CliException c) {
            return c.exitCode();
        }
        if (ex instanceof io.github.voicechat.audio.WavFormatException || ex instanceof java.nio.file.NoSuchFileException
                || ex instanceof java.nio.file.AccessDeniedException || ex instanceof IllegalArgumentException) {
            return ExitCode.USAGE;
        }
        return ExitCode.FAILED;
    }

    /** One line naming the file or engine and the problem; the exception type only when there is no message. */
    static String message(Exception ex) {
        if (ex instanceof java.io.IOException io) {
            return CliFiles.describe(io);
        }
        return ex.getMessage() != null ? ex.getMessage() : ex.toString();
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
