package io.github.voicechat.examples;

import io.github.voicechat.Responder;
import io.github.voicechat.langchain4j.LlmResponder;
import io.github.voicechat.langchain4j.OpenAiCompatible;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Option;

/**
 * The language model behind a conversation, shared by the commands that hold one ({@code talk}, {@code live},
 * {@code serve}: add {@code @Mixin LlmOptions llm} and build the pipeline with {@code llm.responder()}). Without
 * {@code --llm-url} the echo responder answers. The API key is read from the environment variable named by
 * {@code --llm-key-env}, never from the command line, where other users of the machine could read it.
 */
public final class LlmOptions {

    /** Said to the model when {@code --system} is not given: the user hears the answer, so keep it speakable. */
    static final String DEFAULT_SYSTEM_PROMPT = "You are a helpful voice assistant. The user hears your answers"
            + " spoken aloud, so answer in a few short, plain sentences, without lists, markdown, code or emoji.";

    @Option(names = "--llm-url", paramLabel = "URL", description = "OpenAI-compatible base URL of a language model"
            + " (e.g. http://127.0.0.1:11434/v1 for Ollama); without it the bot echoes what it heard.")
    String url;

    @Option(names = "--llm-model", paramLabel = "NAME", description = "The model's name on that server (needed with"
            + " --llm-url).")
    String model;

    @Option(names = "--llm-key-env", paramLabel = "VAR", description = "Environment variable that holds the API key"
            + " (the key itself is never given on the command line); none by default.")
    String keyEnv;

    @Option(names = "--system", paramLabel = "TEXT|@FILE", description = "System prompt, or @FILE to read it from a"
            + " UTF-8 file (default: a short voice-assistant prompt).")
    String system;

    @Option(names = "--llm-first-token-ms", paramLabel = "MS", description = "Apologise when the model has not"
            + " started its answer after this long (default: ${DEFAULT-VALUE}).")
    long firstTokenMs = 10_000;

    @Option(names = "--llm-stall-ms", paramLabel = "MS", description = "Apologise when the model's answer stops for"
            + " this long (default: ${DEFAULT-VALUE}).")
    long stallMs = 5_000;

    /** Where environment variables are read; tests substitute their own. */
    UnaryOperator<String> environment = System::getenv;

    /** Whether a model answers (else the echo responder). */
    boolean enabled() {
        return url != null;
    }

    /**
     * The responder the options ask for, checked: the echo responder, or the model behind {@code --llm-url}. Reads
     * the key and the {@code --system} file and builds the client, but sends nothing: commands call it before they
     * load engines, so a mistake costs no waiting.
     *
     * @throws CliException a usage error naming the option and the problem
     */
    Responder responder() {
        if (url == null) {
            for (String[] given : new String[][] {{"--llm-model", model}, {"--llm-key-env", keyEnv},
                {"--system", system}}) {
                if (given[1] != null) {
                    throw invalid(given[0] + " needs --llm-url");
                }
            }
            return Responders.echo();
        }
        if (model == null || model.isBlank()) {
            throw invalid("--llm-url needs --llm-model NAME");
        }
        if (firstTokenMs <= 0 || stallMs <= 0) {
            throw invalid("--llm-first-token-ms and --llm-stall-ms must be positive, were " + firstTokenMs + " and "
                    + stallMs);
        }
        String key = null;
        if (keyEnv != null) {
            key = environment.apply(keyEnv);
            if (key == null || key.isBlank()) {
                throw invalid("--llm-key-env " + keyEnv + ": that environment variable is not set");
            }
        }
        try {
            return LlmResponder.builder(OpenAiCompatible.streamingModel(url, model, key))
                    .systemPrompt(systemPrompt())
                    .firstTokenTimeout(Duration.ofMillis(firstTokenMs))
                    .stallTimeout(Duration.ofMillis(stallMs))
                    .build();
        } catch (IllegalArgumentException e) {
            throw invalid("--llm-url: " + e.getMessage());
        }
    }

    /** For banners: what answers. */
    String describe() {
        return url == null ? "echo" : model + " at " + url;
    }

    private String systemPrompt() {
        if (system == null) {
            return DEFAULT_SYSTEM_PROMPT;
        }
        if (!system.startsWith("@")) {
            return system;
        }
        Path file = Path.of(system.substring(1));
        if (Files.isDirectory(file)) {
            throw invalid("--system " + system + ": cannot read " + file + ": is a directory, not a file");
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (CharacterCodingException e) {
            throw invalid("--system " + system + ": " + file + " is not UTF-8 text");
        } catch (IOException e) {
            throw invalid("--system " + system + ": cannot read " + CliFiles.describe(e));
        }
        if (text.isEmpty()) {
            throw invalid("--system " + system + ": the file is empty");
        }
        return text;
    }

    /** A usage error (exit code 2), one line like every other option's, raised before any engine loads. */
    private static CliException invalid(String message) {
        return CliException.usage(message);
    }
}
