package io.github.voicechat.web.internal.netty;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The web page's files, read once from the class path into memory: a handful of small files that never change
 * while the server runs. Only these names are served; no path ever reaches the file system.
 */
public final class StaticPage {

    /** One file and its content type. */
    public record File(String contentType, byte[] bytes) {
    }

    private static final String ROOT = "io/github/voicechat/web/page/";
    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "app.js", "text/javascript; charset=utf-8",
            "worklets.js", "text/javascript; charset=utf-8",
            "style.css", "text/css; charset=utf-8",
            "icon.svg", "image/svg+xml");

    private final Map<String, File> files = new LinkedHashMap<>();

    /** Loads the page that ships in this jar. */
    public static StaticPage load() {
        StaticPage page = new StaticPage();
        ClassLoader loader = StaticPage.class.getClassLoader();
        for (Map.Entry<String, String> e : FILES.entrySet()) {
            try (InputStream in = loader.getResourceAsStream(ROOT + e.getKey())) {
                if (in == null) {
                    throw new IllegalStateException("the page file " + ROOT + e.getKey() + " is missing from the jar");
                }
                page.files.put("/" + e.getKey(), new File(e.getValue(), in.readAllBytes()));
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }
        page.files.put("/", page.files.get("/index.html"));
        return page;
    }

    /** The file at {@code path}, or null. */
    public File find(String path) {
        return files.get(path);
    }
}
