package io.github.voicechat.langchain4j;

import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Streaming models on OpenAI's chat-completions API: OpenAI itself and the servers that speak it (Ollama at
 * {@code http://127.0.0.1:11434/v1}, llama.cpp's server, vLLM, LM Studio), with the HTTP client that lets
 * {@link LlmResponder} close a stream at any moment.
 */
public final class OpenAiCompatible {

    private OpenAiCompatible() {
    }

    /**
     * A streaming model at {@code baseUrl} (ending in {@code /v1}).
     *
     * @param apiKey the key, or null for servers that need none (a placeholder is sent: the client insists on one)
     * @param baseUrl the server, e.g. http://127.0.0.1:11434/v1
     * @param modelName the model
     * @return the model
     */
    public static StreamingChatModel streamingModel(String baseUrl, String modelName, String apiKey) {
        return builder(baseUrl, modelName, apiKey).build();
    }

    /**
     * The same, as LangChain4j's builder, to set temperature, token limits, logging and the like.
     *
     * @param baseUrl the server, e.g. http://127.0.0.1:11434/v1
     * @param modelName the model
     * @param apiKey its key, or null for a server that needs none
     * @return LangChain4j's builder, with these set
     */
    public static OpenAiStreamingChatModel.OpenAiStreamingChatModelBuilder builder(String baseUrl, String modelName,
            String apiKey) {
        Objects.requireNonNull(modelName, "modelName");
        return OpenAiStreamingChatModel.builder()
                .baseUrl(checkUrl(baseUrl))
                .modelName(modelName)
                .apiKey(apiKey == null || apiKey.isBlank() ? "no-key" : apiKey)
                // Only the wait for the response headers; LlmResponder bounds the first token and stalls itself.
                .timeout(Duration.ofSeconds(60))
                .httpClientBuilder(LlmResponder.httpClientBuilder());
    }

    /** An http(s) URL with a host, checked here so a typo fails when the model is built, not on the first turn. */
    static String checkUrl(String baseUrl) {
        Objects.requireNonNull(baseUrl, "baseUrl");
        URI uri;
        try {
            uri = URI.create(baseUrl);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a URL: " + baseUrl + " (" + e.getMessage() + ")", e);
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new IllegalArgumentException("expected an http(s) URL such as http://127.0.0.1:11434/v1, was "
                    + baseUrl);
        }
        return baseUrl;
    }
}
