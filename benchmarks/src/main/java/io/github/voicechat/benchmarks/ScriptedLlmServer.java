package io.github.voicechat.benchmarks;

import io.github.voicechat.testkit.ChatCompletionServer;
import io.github.voicechat.testkit.ChatCompletionServer.Reply;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the test kit's scripted OpenAI-compatible server stand-alone until killed, for trying
 * {@code voicechat talk --llm-url} without a model: {@code [--port N] [--token-ms MS] [--first-token-ms MS]}. Every
 * answer is {@link ChatCompletionServer#demoAnswer}, streamed after the first-token delay at one token per
 * {@code --token-ms}. It lives here, not in the test kit, because it prints its address: a library writes nothing to
 * stdout.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.github.voicechat.benchmarks.ScriptedLlmServer --port 8088
 * </pre>
 */
public final class ScriptedLlmServer {

    private static final String USAGE = "use --port N --token-ms MS --first-token-ms MS";

    private ScriptedLlmServer() {
    }

    /**
     * Starts the server and waits until the process is ended.
     *
     * @param args the options
     * @throws Exception if it cannot start
     */
    public static void main(String[] args) throws Exception {
        int port = 0;
        long tokenMs = 40;
        long firstTokenMs = 250;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(value(args, ++i));
                case "--token-ms" -> tokenMs = Long.parseLong(value(args, ++i));
                case "--first-token-ms" -> firstTokenMs = Long.parseLong(value(args, ++i));
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (" + USAGE + ")");
            }
        }
        long token = tokenMs;
        long firstToken = firstTokenMs;
        ChatCompletionServer server = ChatCompletionServer.start(port);
        server.fallback(r -> Reply.text(ChatCompletionServer.demoAnswer(r.lastUserText()))
                .withFirstTokenDelayMs(firstToken).withTokenDelayMs(token));
        CountDownLatch ended = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            ended.countDown();
        }));
        System.out.printf(Locale.ROOT, "scripted chat-completions server at %s (first token %d ms, then one token"
                + " every %d ms); Ctrl-C ends%n", server.baseUrl(), firstTokenMs, tokenMs);
        ended.await();
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value (" + USAGE + ")");
        }
        return args[i];
    }
}
