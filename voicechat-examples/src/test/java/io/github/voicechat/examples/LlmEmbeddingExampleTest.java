package io.github.voicechat.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import io.github.voicechat.SessionReport;
import io.github.voicechat.VoicePipeline;
import io.github.voicechat.VoiceSession;
import io.github.voicechat.audio.AudioSinks;
import io.github.voicechat.audio.AudioSources;
import io.github.voicechat.audio.WavReader;
import io.github.voicechat.langchain4j.LlmResponder;
import io.github.voicechat.testkit.ChatCompletionServer;
import io.github.voicechat.testkit.ChatCompletionServer.Reply;
import io.github.voicechat.testkit.Scenario;
import io.github.voicechat.testkit.SharedData;
import io.github.voicechat.time.VirtualClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * voicechat-langchain4j/README.md's embedding example, as written there (the model's URL pointing at a local
 * scripted server, a recording instead of the microphone, the virtual clock), with the real default engines.
 */
class LlmEmbeddingExampleTest {

    /** The README's tool class. */
    static class Robot {
        @Tool("Moves the robot forward")
        String forward(@P(name = "meters", value = "how far") int meters) {
            return "moved " + meters + " m";
        }
    }

    @Test
    void theModuleReadmeExampleHoldsAConversation() throws Exception {
        float[] user = Scenario.at(16_000).silence(300)
                .clip("q", WavReader.read(SharedData.requireSpeech().resolve("pocketsphinx_goforward.wav")).mono())
                .silence(3_000).samples();
        try (ChatCompletionServer server = ChatCompletionServer.start()) {
            server.enqueue(Reply.toolCall("call_1", "forward", "{\"meters\":10}"), Reply.text("Done, ten meters."));
            String url = server.baseUrl(); // in the README: "http://127.0.0.1:11434/v1" (Ollama)

            // --- as in the README
            StreamingChatModel model = OpenAiStreamingChatModel.builder()   // any LangChain4j StreamingChatModel
                    .baseUrl(url).modelName("llama3.2").apiKey("none")
                    .httpClientBuilder(LlmResponder.httpClientBuilder())    // optional: closable before 1st token
                    .build();
            VoicePipeline pipeline = VoicePipeline.builder()
                    .vad("silero").asr("sphinx").tts("freetts")
                    .responder(LlmResponder.builder(model)
                            .systemPrompt("You are a robot. Answer in one or two short spoken sentences.")
                            .tools(new Robot())                               // optional: @Tool methods
                            .build())
                    .clock(new VirtualClock())                                // (the test's addition)
                    .build();
            // --- end

            SessionReport report;
            try (VoiceSession session = pipeline.openSession(AudioSources.memory(16_000, user),
                    AudioSinks.memory(48_000))) {
                session.start();
                assertThat(session.awaitTermination(Duration.ofMinutes(2))).isTrue();
                report = session.report();
            }
            assertThat(report.turns()).hasSize(1);
            assertThat(report.turns().get(0).transcript()).isEqualTo("go forward ten meters");
            assertThat(report.turns().get(0).playedText()).isEqualTo("One moment. Done, ten meters.");
            assertThat(server.requests().get(1).messages().get(3).content()).isEqualTo("moved 10 m");
        }
    }
}
