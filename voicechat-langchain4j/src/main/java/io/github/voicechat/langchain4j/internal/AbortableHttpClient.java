package io.github.voicechat.langchain4j.internal;

import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A LangChain4j {@link HttpClient} on the JDK's {@code java.net.http} client whose streaming exchanges can be closed
 * at any moment through the caller's {@link ConnectionAbort}: before the response headers (the request's future is
 * cancelled, which aborts the exchange) and while the body streams (the body is closed, which closes the
 * connection). LangChain4j's own JDK client offers cancellation only from the first streamed event on.
 */
public final class AbortableHttpClient implements HttpClient {

    private final java.net.http.HttpClient jdk;
    private final Duration readTimeout;

    private AbortableHttpClient(Builder builder) {
        java.net.http.HttpClient.Builder b = java.net.http.HttpClient.newBuilder()
                // Plain HTTP/1.1: one connection per stream, so that closing a stream closes its connection and the
                // server sees the client leave (HTTP/2 would only reset a stream inside a shared connection).
                .version(java.net.http.HttpClient.Version.HTTP_1_1);
        if (builder.connectTimeout != null) {
            b.connectTimeout(builder.connectTimeout);
        }
        this.jdk = b.build();
        this.readTimeout = builder.readTimeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public SuccessfulHttpResponse execute(HttpRequest request) {
        try {
            HttpResponse<byte[]> response = jdk.send(toJdk(request), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() / 100 != 2) {
                throw new HttpException(response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
            }
            return toLangChain4j(response, response.body());
        } catch (HttpTimeoutException e) {
            throw new TimeoutException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void execute(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
        CompletableFuture<HttpResponse<InputStream>> future =
                jdk.sendAsync(toJdk(request), HttpResponse.BodyHandlers.ofInputStream());
        AtomicReference<InputStream> body = new AtomicReference<>();
        ConnectionAbort abort = ConnectionAbort.current();
        if (abort != null) {
            abort.register(() -> {
                future.cancel(true);
                closeQuietly(body.get());
            });
        }
        future.thenAccept(response -> {
            InputStream in = response.body();
            body.set(in);
            if (future.isCancelled()) {
                closeQuietly(in);
                return;
            }
            if (response.statusCode() / 100 != 2) {
                String text = readQuietly(in);
                notify(() -> listener.onError(new HttpException(response.statusCode(), text)));
                return;
            }
            notify(() -> listener.onOpen(toLangChain4j(response, null)));
            try (in) {
                parser.parse(in, listener);
                notify(listener::onClose);
            } catch (IOException e) {
                notify(() -> listener.onError(e));
            }
        }).exceptionally(failure -> {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            notify(() -> listener.onError(cause instanceof HttpTimeoutException
                    ? new TimeoutException(cause) : cause));
            return null;
        });
    }

    private java.net.http.HttpRequest toJdk(HttpRequest request) {
        if (!request.formDataFields().isEmpty() || !request.formDataFiles().isEmpty()) {
            throw new UnsupportedOperationException("multipart requests are not supported by this client");
        }
        java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(URI.create(request.url()));
        request.headers().forEach((name, values) -> {
            if (values != null) {
                values.forEach(v -> b.header(name, v));
            }
        });
        b.method(request.method().name(), request.body() == null
                ? java.net.http.HttpRequest.BodyPublishers.noBody()
                : java.net.http.HttpRequest.BodyPublishers.ofString(request.body()));
        if (readTimeout != null) {
            b.timeout(readTimeout);
        }
        return b.build();
    }

    private static SuccessfulHttpResponse toLangChain4j(HttpResponse<?> response, byte[] body) {
        SuccessfulHttpResponse.Builder b = SuccessfulHttpResponse.builder()
                .statusCode(response.statusCode())
                .headers(response.headers().map());
        if (body != null) {
            b.body(body);
        }
        return b.build();
    }

    /** Listener methods may throw; a failing listener must not end the parsing thread with an unlogged error. */
    private static void notify(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException ignored) {
            // the listener's own problem; LangChain4j's clients ignore these too
        }
    }

    private static String readQuietly(InputStream in) {
        try (in) {
            return new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(error body unreadable: " + e.getMessage() + ")";
        }
    }

    private static void closeQuietly(InputStream in) {
        if (in != null) {
            try {
                in.close();
            } catch (IOException ignored) {
                // closing is all we wanted
            }
        }
    }

    /** LangChain4j's builder SPI: model builders set the timeouts, then build. */
    public static final class Builder implements HttpClientBuilder {
        private Duration connectTimeout;
        private Duration readTimeout;

        @Override
        public Duration connectTimeout() {
            return connectTimeout;
        }

        @Override
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        @Override
        public Duration readTimeout() {
            return readTimeout;
        }

        @Override
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = timeout;
            return this;
        }

        @Override
        public AbortableHttpClient build() {
            return new AbortableHttpClient(this);
        }
    }
}
