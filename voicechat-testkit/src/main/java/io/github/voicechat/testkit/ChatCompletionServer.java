package io.github.voicechat.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real OpenAI-compatible chat-completions server on 127.0.0.1 that streams scripted answers as server-sent events
 * ({@code data: {...chat.completion.chunk...}} lines, then {@code data: [DONE]}) with scripted token timing. Tests run
 * a real client against it over real HTTP: nothing is mocked, only the model's words and pace are scripted.
 *
 * <p>Each {@code POST /v1/chat/completions} takes the next queued {@link Reply} (or asks the fallback). The server
 * records every request body and how each stream ended: {@link Outcome#COMPLETED}, or {@link Outcome#DISCONNECTED}
 * when the client closed the connection, seen by a failed write: while it waits between tokens the server writes an
 * SSE comment (ignored by clients) every {@code heartbeatMs}, so a closed connection is noticed within a few of them.
 *
 * <p>{@code benchmarks}' {@code ScriptedLlmServer} runs it stand-alone with {@link #demoAnswer}, for
 * {@code voicechat talk --llm-url}: a library writes nothing to stdout, so the command lives there.
 */
public final class ChatCompletionServer implements AutoCloseable {

    /** Request bodies above this are refused (413): a test server is still a server. */
    private static final int MAX_BODY_BYTES = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger log = LoggerFactory.getLogger(ChatCompletionServer.class);

    /** How a streamed reply ended. */
    public enum Outcome {
        /** Every token was sent and the stream ended normally. */
        COMPLETED,
        /** The client went away before the end. */
        DISCONNECTED,
        /** The server was closed under the stream. */
        SERVER_CLOSED
    }

    /**
     * One request as the server saw it.
     *
     * @param body          the JSON body
     * @param authorization its Authorization header, or null
     * @param receivedNanos System.nanoTime() when it arrived
     * @param outcome       how its stream ended, once it has
     * @param endedNanos    System.nanoTime() when its stream ended (completed, or the disconnect was noticed)
     */
    public record Request(JsonNode body, String authorization, long receivedNanos, CompletableFuture<Outcome> outcome,
            CompletableFuture<Long> endedNanos) {

        /** {@return the {@code messages} as (role, content) pairs; a tool-call message has empty content} */
        public List<Message> messages() {
            List<Message> out = new ArrayList<>();
            for (JsonNode m : body.path("messages")) {
                out.add(new Message(m.path("role").asText(), m.path("content").isTextual()
                        ? m.path("content").asText() : ""));
            }
            return out;
        }

        /** {@return the names of the tools offered to the model} */
        public List<String> toolNames() {
            List<String> out = new ArrayList<>();
            for (JsonNode t : body.path("tools")) {
                out.add(t.path("function").path("name").asText());
            }
            return out;
        }

        /** {@return the content of the last user message} */
        public String lastUserText() {
            List<Message> ms = messages();
            for (int i = ms.size() - 1; i >= 0; i--) {
                if (ms.get(i).role().equals("user")) {
                    return ms.get(i).content();
                }
            }
            return "";
        }

        /**
         * Waits for the stream's end.
         *
         * @param timeout how long to wait
         * @return how it ended
         * @throws Exception a TimeoutException if it did not end within {@code timeout}
         */
        public Outcome awaitOutcome(Duration timeout) throws Exception {
            return outcome.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * A chat message of a recorded request.
     *
     * @param role    system, user, assistant or tool
     * @param content its text
     */
    public record Message(String role, String content) {
    }

    /** What to send for one request. Immutable; build with the static factories and the {@code with} methods. */
    public static final class Reply {
        private int status = 200;
        private String errorBody;
        private List<String> tokens = List.of();
        private long firstTokenDelayMs;
        private long tokenDelayMs;
        private boolean sendHeaders = true;
        private int malformedAfter = -1;
        private int stallAfter = -1;
        private String toolCallId;
        private String toolName;

        private Reply() {
        }

        /**
         * Streams {@code text} as tokens: each word with the space before it, punctuation on its own.
         *
         * @param text the answer
         * @return the reply
         */
        public static Reply text(String text) {
            return tokens(tokenize(text));
        }

        /**
         * Streams these tokens as they are.
         *
         * @param tokens the answer, token by token
         * @return the reply
         */
        public static Reply tokens(List<String> tokens) {
            Reply r = new Reply();
            r.tokens = List.copyOf(tokens);
            return r;
        }

        /**
         * An HTTP error with an OpenAI-style error body.
         *
         * @param status  the HTTP status
         * @param message the error's message
         * @return the reply
         */
        public static Reply status(int status, String message) {
            Reply r = new Reply();
            r.status = status;
            r.errorBody = "{\"error\":{\"message\":" + quote(message) + ",\"type\":\"server_error\"}}";
            return r;
        }

        /**
         * Sends the response headers and then nothing at all, until the client gives up or the server closes.
         *
         * @return the reply
         */
        public static Reply silentAfterHeaders() {
            return new Reply().withStallAfter(0);
        }

        /**
         * Sends not even the response headers until the server closes.
         *
         * @return the reply
         */
        public static Reply noHeaders() {
            Reply r = silentAfterHeaders();
            r.sendHeaders = false;
            return r;
        }

        /**
         * Asks for one tool call, its JSON arguments streamed in small pieces; ends with finish_reason tool_calls.
         *
         * @param id            the call's id
         * @param name          the tool's name
         * @param argumentsJson the call's arguments as JSON
         * @return the reply
         */
        public static Reply toolCall(String id, String name, String argumentsJson) {
            List<String> pieces = new ArrayList<>();
            for (int i = 0; i < argumentsJson.length(); i += 6) {
                pieces.add(argumentsJson.substring(i, Math.min(argumentsJson.length(), i + 6)));
            }
            Reply r = tokens(pieces);
            r.toolCallId = id;
            r.toolName = name;
            return r;
        }

        /**
         * Waits this long before the first token (the model's "time to first token").
         *
         * @param ms the delay in milliseconds
         * @return a copy of this reply with the delay
         */
        public Reply withFirstTokenDelayMs(long ms) {
            Reply r = copy();
            r.firstTokenDelayMs = ms;
            return r;
        }

        /**
         * Waits this long between tokens (1000 / tokens per second).
         *
         * @param ms the delay in milliseconds
         * @return a copy of this reply with the delay
         */
        public Reply withTokenDelayMs(long ms) {
            Reply r = copy();
            r.tokenDelayMs = ms;
            return r;
        }

        /**
         * After {@code n} tokens sends a chunk that is not JSON, then the rest of the tokens.
         *
         * @param n tokens before the malformed chunk
         * @return a copy of this reply with the malformed chunk
         */
        public Reply withMalformedChunkAfter(int n) {
            Reply r = copy();
            r.malformedAfter = n;
            return r;
        }

        /**
         * After {@code n} tokens sends nothing more (keeping the connection open) until the client leaves.
         *
         * @param n tokens before the stall
         * @return a copy of this reply that stalls
         */
        public Reply withStallAfter(int n) {
            Reply r = copy();
            r.stallAfter = n;
            return r;
        }

        private Reply copy() {
            Reply r = new Reply();
            r.status = status;
            r.errorBody = errorBody;
            r.tokens = tokens;
            r.firstTokenDelayMs = firstTokenDelayMs;
            r.tokenDelayMs = tokenDelayMs;
            r.sendHeaders = sendHeaders;
            r.malformedAfter = malformedAfter;
            r.stallAfter = stallAfter;
            r.toolCallId = toolCallId;
            r.toolName = toolName;
            return r;
        }

        /** {@return the text the tokens spell} */
        public String text() {
            return String.join("", tokens);
        }

        static List<String> tokenize(String text) {
            List<String> out = new ArrayList<>();
            StringBuilder cur = new StringBuilder();
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                boolean punct = ".,!?;:".indexOf(c) >= 0;
                if ((Character.isWhitespace(c) || punct) && cur.length() > 0 && !isBlank(cur)) {
                    out.add(cur.toString());
                    cur.setLength(0);
                }
                cur.append(c);
                if (punct) {
                    out.add(cur.toString());
                    cur.setLength(0);
                }
            }
            if (cur.length() > 0) {
                out.add(cur.toString());
            }
            return out;
        }

        private static boolean isBlank(CharSequence s) {
            return s.toString().isBlank();
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final BlockingQueue<Reply> replies = new LinkedBlockingQueue<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final BlockingQueue<Request> arrivals = new LinkedBlockingQueue<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final long heartbeatMs;
    private volatile Function<Request, Reply> fallback = r -> Reply.status(500, "no scripted reply left");

    private ChatCompletionServer(int port, long heartbeatMs) throws IOException {
        this.heartbeatMs = heartbeatMs;
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "chat-completion-server");
            t.setDaemon(true);
            return t;
        });
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        server.setExecutor(executor);
        server.createContext("/v1/chat/completions", this::handle);
        server.createContext("/v1/models", this::models);
        server.start();
    }

    /**
     * Starts a server on an ephemeral port of 127.0.0.1 that notices a disconnect within about 10 ms.
     *
     * @return the running server
     * @throws IOException if it cannot listen
     */
    public static ChatCompletionServer start() throws IOException {
        return new ChatCompletionServer(0, 5);
    }

    /**
     * Starts a server on {@code port} of 127.0.0.1.
     *
     * @param port the port, or 0 for an ephemeral one
     * @return the running server
     * @throws IOException if it cannot listen there
     */
    public static ChatCompletionServer start(int port) throws IOException {
        return new ChatCompletionServer(port, 5);
    }

    /** {@return the OpenAI-compatible base URL, {@code http://127.0.0.1:PORT/v1}} */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    /** {@return the port it listens on} */
    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * Queues replies, used in order by the next requests.
     *
     * @param more the replies
     * @return this server
     */
    public ChatCompletionServer enqueue(Reply... more) {
        replies.addAll(List.of(more));
        return this;
    }

    /**
     * Sets what to answer once the queue is empty (by default an HTTP 500).
     *
     * @param answer the reply to a request
     * @return this server
     */
    public ChatCompletionServer fallback(Function<Request, Reply> answer) {
        this.fallback = Objects.requireNonNull(answer);
        return this;
    }

    /** {@return every request so far, in arrival order} */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /**
     * Waits for the next request not yet taken by this method.
     *
     * @param timeout how long to wait
     * @return the request
     * @throws InterruptedException  if the waiting thread is interrupted
     * @throws IllegalStateException if none arrives within {@code timeout}
     */
    public Request awaitRequest(Duration timeout) throws InterruptedException {
        Request r = arrivals.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (r == null) {
            throw new IllegalStateException("no request within " + timeout.toMillis() + " ms");
        }
        return r;
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void models(HttpExchange ex) throws IOException {
        byte[] body = "{\"object\":\"list\",\"data\":[{\"id\":\"scripted\",\"object\":\"model\"}]}"
                .getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(200, body.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(body);
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (!"POST".equals(ex.getRequestMethod())) {
                ex.sendResponseHeaders(405, -1);
                return;
            }
            byte[] raw = readCapped(ex.getRequestBody());
            if (raw == null) {
                ex.sendResponseHeaders(413, -1);
                return;
            }
            JsonNode body;
            try {
                body = JSON.readTree(raw);
            } catch (IOException e) {
                ex.sendResponseHeaders(400, -1);
                return;
            }
            Request request = new Request(body, ex.getRequestHeaders().getFirst("Authorization"), System.nanoTime(),
                    new CompletableFuture<>(), new CompletableFuture<>());
            requests.add(request);
            arrivals.add(request);
            Reply reply = replies.poll();
            if (reply == null) {
                reply = fallback.apply(request);
            }
            Outcome outcome;
            try {
                outcome = send(ex, request, reply);
            } catch (IOException e) {
                outcome = Outcome.DISCONNECTED;
                log.debug("stream ended by the client: {}", e.toString());
            }
            request.endedNanos().complete(System.nanoTime());
            request.outcome().complete(outcome);
        }
    }

    private Outcome send(HttpExchange ex, Request request, Reply reply) throws IOException {
        if (reply.status != 200) {
            byte[] err = reply.errorBody.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(reply.status, err.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(err);
            }
            return Outcome.COMPLETED;
        }
        if (!reply.sendHeaders) {
            return waitOrDisconnect(null, Long.MAX_VALUE) ? Outcome.DISCONNECTED : Outcome.SERVER_CLOSED;
        }
        ex.getResponseHeaders().add("Content-Type", "text/event-stream");
        ex.getResponseHeaders().add("Cache-Control", "no-cache");
        ex.sendResponseHeaders(200, 0);
        OutputStream os = ex.getResponseBody();
        String model = request.body().path("model").asText("scripted");
        String id = "chatcmpl-" + Long.toHexString(request.receivedNanos());
        if (reply.stallAfter == 0) {
            return waitOrDisconnect(os, Long.MAX_VALUE) ? Outcome.DISCONNECTED : Outcome.SERVER_CLOSED;
        }
        boolean tool = reply.toolName != null;
        if (waitOrDisconnect(os, reply.firstTokenDelayMs)) {
            return Outcome.DISCONNECTED;
        }
        // Like OpenAI: a first chunk with the role only (and, for a tool call, the call's id and name).
        ObjectNode first = JSON.createObjectNode().put("role", "assistant");
        if (tool) {
            first.putNull("content");
            ArrayNode calls = first.putArray("tool_calls");
            ObjectNode call = calls.addObject().put("index", 0).put("id", reply.toolCallId).put("type", "function");
            call.putObject("function").put("name", reply.toolName).put("arguments", "");
        } else {
            first.put("content", "");
        }
        event(os, chunk(id, model, first, null));
        for (int i = 0; i < reply.tokens.size(); i++) {
            if (i == reply.stallAfter) {
                return waitOrDisconnect(os, Long.MAX_VALUE) ? Outcome.DISCONNECTED : Outcome.SERVER_CLOSED;
            }
            if (i == reply.malformedAfter) {
                event(os, "{\"id\":\"" + id + "\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"delta\":{\"con");
            }
            if (i > 0 && waitOrDisconnect(os, reply.tokenDelayMs)) {
                return Outcome.DISCONNECTED;
            }
            ObjectNode delta = JSON.createObjectNode();
            if (tool) {
                delta.putArray("tool_calls").addObject().put("index", 0).putObject("function")
                        .put("arguments", reply.tokens.get(i));
            } else {
                delta.put("content", reply.tokens.get(i));
            }
            event(os, chunk(id, model, delta, null));
        }
        event(os, chunk(id, model, JSON.createObjectNode(), tool ? "tool_calls" : "stop"));
        event(os, "[DONE]");
        os.close();
        return Outcome.COMPLETED;
    }

    private static String chunk(String id, String model, ObjectNode delta, String finishReason) {
        ObjectNode root = JSON.createObjectNode().put("id", id).put("object", "chat.completion.chunk")
                .put("created", 1_700_000_000L).put("model", model);
        ObjectNode choice = root.putArray("choices").addObject().put("index", 0);
        choice.set("delta", delta);
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        return root.toString();
    }

    private static void event(OutputStream os, String data) throws IOException {
        os.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        os.flush();
    }

    /**
     * Waits {@code ms} (forever for Long.MAX_VALUE) while writing heartbeat comments, so a client that closed the
     * connection is noticed. Returns true on a disconnect; false when the time passed, or when the server closes
     * during an endless wait.
     */
    private boolean waitOrDisconnect(OutputStream os, long ms) throws IOException {
        long deadline = ms == Long.MAX_VALUE ? Long.MAX_VALUE : System.nanoTime() + ms * 1_000_000L;
        while (true) {
            long left = deadline == Long.MAX_VALUE ? heartbeatMs : (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return false;
            }
            try {
                if (closing.await(Math.min(left, heartbeatMs), TimeUnit.MILLISECONDS)) {
                    return false;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            if (os != null) {
                try {
                    os.write(": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII));
                    os.flush();
                } catch (IOException e) {
                    log.debug("client left: {}", e.toString());
                    return true;
                }
            }
        }
    }

    private static byte[] readCapped(InputStream in) throws IOException {
        byte[] all = in.readNBytes(MAX_BODY_BYTES + 1);
        return all.length > MAX_BODY_BYTES ? null : all;
    }

    private static String quote(String s) {
        return JSON.getNodeFactory().textNode(s).toString();
    }

    /**
     * The stand-alone server's answer ({@code ScriptedLlmServer}), a scripted "model" for {@code talk --demo}: short answers to the weather, a
     * stop and a goodbye, a long one (to be interrupted) about the news, and otherwise the user's words.
     *
     * @param userText what the user said
     * @return the answer
     */
    public static String demoAnswer(String userText) {
        String heard = userText == null || userText.isBlank() ? "nothing" : userText.strip();
        String t = heard.toLowerCase(Locale.ROOT);
        if (t.contains("weather")) {
            return "It is sunny and mild today.";
        }
        if (t.contains("news") || t.contains("harbour") || t.contains("harbor")) {
            return "Here is the news. The harbour opens a new pier next week. The ferries will run every hour all"
                    + " summer, and the old fish market becomes a concert hall. In sport, the rowing club won the"
                    + " regatta for the third year running.";
        }
        if (t.contains("stop")) {
            return "Okay, I stopped.";
        }
        if (t.contains("thank") || t.contains("goodbye") || t.contains("bye")) {
            return "You are welcome. Goodbye!";
        }
        return "I heard you say " + heard + ".";
    }
}
