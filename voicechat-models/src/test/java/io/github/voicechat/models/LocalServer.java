package io.github.voicechat.models;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** An HTTP server on 127.0.0.1 serving what the test defines; records each request's path and Range header. */
final class LocalServer implements AutoCloseable {
    record Request(String path, String range) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    final List<Request> requests = new CopyOnWriteArrayList<>();

    LocalServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.start();
    }

    /** Serves {@code handler} under {@code path}, recording requests first. */
    LocalServer route(String path, HttpHandler handler) {
        server.createContext(path, ex -> {
            requests.add(new Request(ex.getRequestURI().getPath(), ex.getRequestHeaders().getFirst("Range")));
            try {
                handler.handle(ex);
            } finally {
                ex.close();
            }
        });
        return this;
    }

    /** Serves fixed bytes with 200, or 206 for a {@code bytes=N-} range. */
    LocalServer file(String path, byte[] data) {
        return route(path, ex -> sendRange(ex, data));
    }

    LocalServer status(String path, int status) {
        return route(path, ex -> ex.sendResponseHeaders(status, -1));
    }

    static void sendRange(HttpExchange ex, byte[] data) throws IOException {
        String range = ex.getRequestHeaders().getFirst("Range");
        int from = 0;
        if (range != null && range.startsWith("bytes=") && range.endsWith("-")) {
            from = Integer.parseInt(range.substring(6, range.length() - 1));
            ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (data.length - 1) + "/" + data.length);
            ex.sendResponseHeaders(206, data.length - from);
        } else {
            ex.sendResponseHeaders(200, data.length);
        }
        try (OutputStream os = ex.getResponseBody()) {
            os.write(data, from, data.length - from);
        }
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    int port() {
        return server.getAddress().getPort();
    }

    long requestsTo(String path) {
        return requests.stream().filter(r -> r.path().equals(path)).count();
    }

    @Override
    public void close() throws InterruptedException {
        server.stop(0);
        executor.shutdownNow();
        executor.awaitTermination(5, TimeUnit.SECONDS);
    }
}
